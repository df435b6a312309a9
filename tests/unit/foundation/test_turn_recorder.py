"""The turn recorder against a stand-in database: cleaning, splitting, outages, its buffers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from oiap.services import turn_records
from oiap.services.dialog_ports import TurnRecord, TurnRecordsRefused
from oiap.services.turn_records import (
    Buffered,
    MemoryRecordBuffer,
    RecordBufferUnavailable,
    TurnRecorder,
    clean_record,
    clean_text,
)


def _record(n: int, *, tenant_id: str = "t1", text: str | None = None) -> TurnRecord:
    return TurnRecord(
        tenant_id=tenant_id,
        call_id=f"call-{n}",
        calling="13500000001",
        access_code="4001",
        at=datetime.now(UTC),
        inter_idx=n,
        inaction=9,
        input=text if text is not None else f"input {n}",
        intent=None,
        score=None,
        source=None,
        reply="reply",
        outaction=9,
        flow_code="hotline",
        flow_version=1,
        node=None,
        latency_ms=1.0,
    )


def _unsafe(text: str) -> bool:
    return "\x00" in text or any("\ud800" <= ch <= "\udfff" for ch in text)


@dataclass
class _Database:
    """Commits whole batches or nothing, like a transaction; refuses unsafe text and
    unknown tenants like PostgreSQL; can be away, or fail for no reason a few times."""

    rows: list[TurnRecord] = field(default_factory=list)
    away: bool = False
    unexplained_failures: int = 0
    attempts: int = 0


class _Dialogs:
    def __init__(self, database: _Database, staged: list[TurnRecord]) -> None:
        self.database = database
        self.staged = staged

    async def add_turns(self, records: list[TurnRecord]) -> None:
        self.database.attempts += 1
        if self.database.away:
            raise ConnectionRefusedError("database away")
        if self.database.unexplained_failures:
            self.database.unexplained_failures -= 1
            raise RuntimeError("database is locked")
        for record in records:
            if _unsafe(record.input) or record.tenant_id == "gone":
                raise TurnRecordsRefused("invalid byte sequence")
        self.staged.extend(records)


class _Repositories:
    def __init__(self, dialogs: _Dialogs) -> None:
        self.dialogs = dialogs


class _Storage:
    def __init__(self, database: _Database) -> None:
        self.database = database

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[_Repositories]:
        staged: list[TurnRecord] = []
        yield _Repositories(_Dialogs(self.database, staged))
        self.database.rows.extend(staged)

    async def ping(self) -> bool:
        return not self.database.away


def _recorder(database: _Database, **options: object) -> TurnRecorder:
    return TurnRecorder(_Storage(database), interval=0.01, **options)  # type: ignore[arg-type]


def test_text_no_database_takes_is_cleaned() -> None:
    assert clean_text("plain") == "plain"
    assert clean_text("a\x00b") == "ab"
    assert clean_text("a\ud800b\udfff") == "a\ufffdb\ufffd"
    record = _record(1)
    assert clean_record(record) is record  # nothing to clean: no copy
    assert clean_record(_record(1, text="x\x00\udc80")).input == "x\ufffd"


async def test_records_are_cleaned_when_added() -> None:
    database = _Database()
    recorder = _recorder(database)
    recorder.add(_record(1, text="nul\x00 and \ud800"))
    await recorder.flush()
    await recorder.close()
    assert [r.input for r in database.rows] == ["nul and \ufffd"]


async def test_a_refused_batch_is_split_so_every_healthy_record_is_written() -> None:
    database = _Database()
    recorder = _recorder(database)
    for n in range(100):
        # Straight into the buffer, uncleaned, as a record from an older version's stream.
        recorder.memory.put(_record(n, text="bad\x00" if n % 10 == 3 else None))
    recorder.memory.put(_record(100, tenant_id="gone"))
    await recorder.flush()
    await recorder.close()
    assert len(database.rows) == 100  # 90 healthy, 10 written cleaned
    assert recorder.written == 100 and recorder.dropped == 1
    assert sorted(r.inter_idx for r in database.rows) == list(range(100))
    assert len(recorder.memory) == 0


async def test_records_wait_while_the_database_is_away() -> None:
    database = _Database(away=True)
    recorder = _recorder(database)
    for n in range(50):
        recorder.add(_record(n))
    await recorder.flush()
    assert database.rows == [] and len(recorder.memory) == 50
    assert recorder.dropped == 0  # an outage never splits, let alone drops, a batch
    database.away = False
    await recorder.flush()
    await recorder.close()
    assert len(database.rows) == 50


async def test_the_writer_retries_by_itself_until_the_database_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(turn_records, "BACKOFF_FIRST", 0.01)
    monkeypatch.setattr(turn_records, "BACKOFF_MAX", 0.05)
    database = _Database(away=True)
    recorder = _recorder(database)
    for n in range(20):
        recorder.add(_record(n))
    for _ in range(50):
        await asyncio.sleep(0.02)
    assert database.attempts > 2 and database.rows == []
    database.away = False
    for _ in range(200):
        if len(database.rows) == 20:
            break
        await asyncio.sleep(0.01)
    await recorder.close()
    assert len(database.rows) == 20


async def test_a_passing_failure_is_retried_before_any_split() -> None:
    database = _Database(unexplained_failures=2)
    recorder = _recorder(database)
    for n in range(10):
        recorder.add(_record(n))
    for _ in range(3):
        await recorder.flush()
    await recorder.close()
    assert len(database.rows) == 10 and recorder.dropped == 0
    assert database.attempts == 3  # two failures, then the whole batch at once


def test_the_memory_buffer_drops_its_oldest_beyond_its_limit() -> None:
    buffer = MemoryRecordBuffer(limit=100)
    for n in range(150):
        buffer.put(_record(n))
    assert len(buffer) == 100 and buffer.dropped == 50
    first = asyncio.run(buffer.take(1))
    assert first[0][1].inter_idx == 50


class _AwayStream:
    """A durable buffer that cannot be reached."""

    async def append(self, records: Sequence[TurnRecord]) -> None:
        raise RecordBufferUnavailable("connection refused")

    async def take(self, limit: int) -> list[Buffered]:
        raise RecordBufferUnavailable("connection refused")

    async def settle(self, keys: Sequence[str]) -> None:
        raise RecordBufferUnavailable("connection refused")

    async def close(self) -> None:
        pass


async def test_records_go_straight_to_the_database_while_the_stream_is_away() -> None:
    database = _Database()
    recorder = _recorder(database, durable=_AwayStream())
    for n in range(30):
        recorder.add(_record(n))  # never raises: the turn path does not depend on the stream
    await recorder.flush()
    await recorder.close()
    assert len(database.rows) == 30


async def test_closing_with_the_database_away_ends(caplog: pytest.LogCaptureFixture) -> None:
    database = _Database(away=True)
    recorder = _recorder(database)
    for n in range(5):
        recorder.add(_record(n))
    await recorder.close()
    assert "5 turn records not written" in caplog.text
