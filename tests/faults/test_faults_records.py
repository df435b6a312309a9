"""Issue 12 item 8: turn records are never lost or poisoned.

Real processes only: a scratch PostgreSQL database whose connections are cut, a server of the
test's own (SIGKILLed in one test), a redis-server of the test's own.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

import harness
import pytest
from fault_processes import own_redis
from record_traffic import (
    CallResult,
    Traffic,
    outage,
    poisoned_traffic,
    run_call,
    start_hotline,
    stored_records,
    wait_for_records,
)

from oiap.adapters.sessions.record_buffer import RedisRecordBuffer
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage
from oiap.services.dialog_ports import TurnRecord
from oiap.services.turn_records import RecordBufferUnavailable, TurnRecorder

OUTAGE_SECONDS = 12
STREAM = "oiap:turn-records"


def _record(tenant_id: str, n: int, **text: str) -> TurnRecord:
    fields: dict[str, object] = {
        "tenant_id": tenant_id,
        "call_id": f"call-{n}",
        "calling": f"1350000{n:04d}",
        "access_code": "4001",
        "at": datetime.now(UTC),
        "inter_idx": n,
        "inaction": 9,
        "input": f"input {n}",
        "intent": None,
        "score": None,
        "source": None,
        "reply": f"reply {n}",
        "outaction": 9,
        "flow_code": "hotline",
        "flow_version": 1,
        "node": "ask",
        "latency_ms": 1.0,
    }
    fields.update(text)
    return TurnRecord(**fields)  # type: ignore[arg-type]


def _poisoned(tenant_id: str, n: int) -> TurnRecord:
    return _record(
        tenant_id,
        n,
        call_id=f"call-\x00{n}",
        calling="1388\x00\ud800",
        input=f"lone \ud800 surrogate and NUL\x00 {n}",
        reply="\udfffreply\x00",
        node="a\x00sk",
    )


def _batch(tenant_id: str) -> list[TurnRecord]:
    """80 records, every fourth one (one caller's) carrying NUL and lone surrogates."""
    return [_poisoned(tenant_id, n) if n % 4 == 0 else _record(tenant_id, n) for n in range(80)]


async def _record_all(database_url: str, tenant_id: str, *, raw: bool) -> TurnRecorder:
    storage = SqlStorage(Database(database_url))
    recorder = TurnRecorder(storage, interval=60)
    try:
        for record in _batch(tenant_id):
            if raw:  # as a record from an older version's stream: never cleaned on the way in
                recorder.memory.put(record)
            else:
                recorder.add(record)
        # A tenant deleted since: refused by the database however it is cleaned.
        recorder.memory.put(_record("no-such-tenant", 999))
        await recorder.flush()
    finally:
        await recorder.close()
        await storage.close()
    return recorder


async def _stored(database_url: str, tenant_id: str) -> list[TurnRecord]:
    storage = SqlStorage(Database(database_url))
    try:
        async with storage.reader() as repos:
            return await repos.dialogs.list_turns(tenant_id, limit=1000)
    finally:
        await storage.close()


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
@pytest.mark.parametrize("raw", [False, True], ids=["added", "raw-in-buffer"])
def test_a_poisoned_caller_never_takes_healthy_records_down(
    tmp_path: Path, kind: str, raw: bool
) -> None:
    with harness.database(kind, tmp_path) as url:
        env = harness.oiap_env(database_url=url)
        tenant_id = harness.cli_json("tenant", "create", "Records", env=env)["tenantId"]

        recorder = asyncio.run(_record_all(url, tenant_id, raw=raw))
        stored = asyncio.run(_stored(url, tenant_id))

    assert len(stored) == 80  # every healthy record, and every poisoned one cleaned
    assert recorder.written == 80
    assert recorder.dropped == 1  # only the one the database refuses whatever its text
    poisoned = [r for r in stored if r.calling.startswith("1388")]
    assert len(poisoned) == 20
    for record in poisoned:
        for text in (record.call_id, record.calling, record.input, record.reply, record.node):
            assert text is not None
            assert "\x00" not in text
            assert not any("\ud800" <= ch <= "\udfff" for ch in text)
        assert record.calling == "1388\ufffd"
        assert record.input.startswith("lone \ufffd surrogate and NUL ")
    healthy = {r.call_id for r in stored if not r.calling.startswith("1388")}
    assert healthy == {f"call-{n}" for n in range(80) if n % 4}


@pytest.mark.slow
def test_a_poisoned_caller_through_the_server_keeps_every_record(tmp_path: Path) -> None:
    harness.require("postgresql")
    with harness.scratch_postgres() as database:
        line = start_hotline(tmp_path, database, "memory")
        try:
            healthy, poisoned = poisoned_traffic(line)
            answered = healthy.answered + poisoned.answered
            stored = wait_for_records(database, answered, within=30)
            rows = stored_records(database)
        finally:
            line.server.stop()

    assert healthy.answered == 60 and healthy.refused == 0
    # The edge may refuse the poisoned caller's text; whatever it answers is recorded, clean.
    assert stored == answered
    for row in rows:
        for name in ("call_id", "calling", "input", "reply"):
            assert "\x00" not in row[name]
            row[name].encode("utf-8")  # no lone surrogate left


def _outage_under_traffic(line_database: str, traffic: Traffic) -> tuple[int, int]:
    """Cut the database for OUTAGE_SECONDS under traffic; (answered during it, in all)."""
    time.sleep(1.0)
    with outage(line_database):
        before = traffic.result.answered
        time.sleep(OUTAGE_SECONDS)
        during = traffic.result.answered - before
    time.sleep(1.0)
    result = traffic.stop()
    return during, result.answered


@pytest.mark.slow
@pytest.mark.parametrize("store", ["memory", "redis"])
def test_records_wait_out_a_database_outage(tmp_path: Path, store: str) -> None:
    harness.require("postgresql")
    with own_redis() as own, harness.scratch_postgres() as database:
        line = start_hotline(tmp_path, database, own.url if store == "redis" else "memory")
        try:
            traffic = Traffic(line).start()
            during, answered = _outage_under_traffic(database, traffic)
            stored = wait_for_records(database, answered, within=60)
        finally:
            line.server.stop()

    assert during > 0  # calls went on while the database was away
    assert traffic.result.refused == 0 and traffic.result.unanswered == 0
    assert stored == answered


@pytest.mark.slow
def test_records_in_the_stream_outlive_a_killed_server(tmp_path: Path) -> None:
    harness.require("postgresql")
    with own_redis() as own, harness.scratch_postgres() as database:
        line = start_hotline(tmp_path, database, own.url, record_reclaim_idle=2)
        try:
            traffic = Traffic(line).start()
            time.sleep(1.0)
            with outage(database):
                time.sleep(OUTAGE_SECONDS / 2)
                answered = traffic.stop().answered
                time.sleep(1.5)  # the last turns' records reach the stream
                buffered = own.client().xlen(STREAM)
                line.server.kill()
            line.server.start()
            line.renew_token()
            after = CallResult()
            run_call(line, "after-restart", "13600000001", ["hello"], after)
            answered += after.answered
            stored = wait_for_records(database, answered, within=60)
            left = own.client().xlen(STREAM)
        finally:
            line.server.stop()

    assert buffered > 0  # records were waiting in the stream when the server died
    assert after.answered == 4
    assert stored == answered
    assert left == 0  # written records leave the stream


async def _hand_over(url: str) -> tuple[int, int, int]:
    first = RedisRecordBuffer(url, reclaim_idle=1)
    second = RedisRecordBuffer(url, reclaim_idle=1)
    try:
        await first.append([_record("t1", n) for n in range(10)])
        taken = await first.take(100)  # read and never settled: a writer that dies here
        early = await second.take(100)  # the first one may still be writing them
        await asyncio.sleep(1.3)
        claimed = await second.take(100)
        await second.settle([key for key, _ in claimed])
        return len(taken), len(early), len(claimed)
    finally:
        await first.close()
        await second.close()


def test_the_stream_hands_a_dead_writers_records_to_another() -> None:
    with own_redis() as own:
        taken, early, claimed = asyncio.run(_hand_over(own.url))
        left = own.client().xlen(STREAM)
    assert (taken, early, claimed) == (10, 0, 10)
    assert left == 0  # settled records leave the stream


async def _append(url: str, records: int) -> None:
    buffer = RedisRecordBuffer(url)
    try:
        await buffer.append([_record("t1", n) for n in range(records)])
    finally:
        await buffer.close()


async def _take(url: str) -> int:
    buffer = RedisRecordBuffer(url)
    try:
        return len(await buffer.take(100))
    finally:
        await buffer.close()


async def _append_fails(url: str) -> bool:
    buffer = RedisRecordBuffer(url, connect_timeout=0.5, command_timeout=0.5)
    try:
        await asyncio.wait_for(buffer.append([_record("t1", 1)]), 20)
    except RecordBufferUnavailable:
        return True
    finally:
        await buffer.close()
    return False


def test_the_stream_survives_a_redis_restart_and_reports_a_redis_away() -> None:
    with own_redis() as own:
        asyncio.run(_append(own.url, 5))
        own.restart()  # append-only: what was not written is still there
        assert asyncio.run(_take(own.url)) == 5
        own.freeze()
        try:
            assert asyncio.run(_append_fails(own.url))  # bounded, not a hang
        finally:
            own.thaw()
        own.stop()
        assert asyncio.run(_append_fails(own.url))
