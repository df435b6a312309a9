"""Turn-record fault tests' tools: a hotline server, IVR-like traffic, a database outage.

Also run as a script to measure the before/after figures of the report (records stored with
one poisoned caller, records lost over a database outage) against any checkout:
``PYTHONPATH=<checkout>/src:tests:tests/faults python tests/faults/record_traffic.py``
(``--outage 15``, ``--store redis://...``), from /work/main.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
import httpx
from fault_processes import KillableServer

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
POISON = ["caf\x00e", "lone \ud800 surrogate", "\udfff", "nul\x00 and \udc80 both"]


@dataclass
class Hotline:
    env: dict[str, str]
    database: str
    server: KillableServer
    tenant_id: str
    app_key: str
    app_secret: str
    token: str = ""

    @property
    def url(self) -> str:
        return self.server.url

    def renew_token(self) -> None:
        self.token = harness.token(self.url, self.app_key, self.app_secret)


def start_hotline(tmp: Path, database: str, store: str, **settings: str | int) -> Hotline:
    """The example bank hotline on a server of its own (its flow never calls out)."""
    env = harness.oiap_env(
        database_url=database, session_store=store, egress_allow="127.0.0.1/32", **settings
    )
    bot = tmp / "bot"
    if not bot.exists():
        shutil.copytree(EXAMPLE, bot, ignore=shutil.ignore_patterns("tests"))
    created = harness.cli_json("tenant", "create", "Records", env=env)
    harness.run_cli("bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env)
    server = KillableServer(env, log=tmp / "server.log").start()
    line = Hotline(
        env, database, server, created["tenantId"], created["appKey"], created["appSecret"]
    )
    line.renew_token()
    return line


def post_turn(line: Hotline, body: dict[str, Any]) -> dict[str, Any] | None:
    """One request as an IVR sends it, body encoded with \\u escapes (NUL and lone
    surrogates included); None when no answer came."""
    data = json.dumps(body, ensure_ascii=True).encode()
    try:
        reply = httpx.post(
            line.url + "/oifde/rest/crs/process",
            content=data,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
    except httpx.HTTPError:
        return None
    try:
        answer: dict[str, Any] = reply.json()
    except ValueError:
        return {"status": reply.status_code}
    answer["status"] = reply.status_code
    return answer


@dataclass
class CallResult:
    answered: int = 0  # turns answered with ret 0: each one owes a record
    refused: int = 0  # turns answered with an error (no record is owed)
    unanswered: int = 0


def run_call(line: Hotline, userid: str, calling: str, says: list[str], result: CallResult) -> None:
    """Start, playover, key 9 (spoken requests), then one spoken turn per ``says``."""
    inter_idx: str | None = None
    steps: list[tuple[int, dict[str, Any]]] = [
        (8, {"call_sor_id": calling}),
        (9, {"flow_result_type": "3", "input": "playover"}),
        (9, {"flow_result_type": "2", "input": "9"}),
        *[(9, {"flow_result_type": "1", "input": text}) for text in says],
    ]
    for inaction, extra in steps:
        params: dict[str, Any] = {
            "call_id": userid,
            "call_dst_id": "4001",
            "auth_token": line.token,
            **extra,
        }
        if inter_idx is not None and inaction != 8:
            params["inter_idx"] = inter_idx
        answer = post_turn(line, {"userid": userid, "inaction": inaction, "inparams": params})
        if answer is None:
            result.unanswered += 1
            return
        if answer.get("status") == 200 and answer.get("ret") == 0:
            result.answered += 1
            inter_idx = answer.get("outparams", {}).get("inter_idx", inter_idx)
        else:
            result.refused += 1
            return  # the call's next turn would only repeat the refusal


async def _query(database: str, sql: str) -> Any:
    import asyncpg

    conn = await asyncpg.connect(database, timeout=5)
    try:
        return await conn.fetch(sql)
    finally:
        await conn.close()


def stored_records(database: str, calling: str | None = None) -> list[dict[str, Any]]:
    where = "" if calling is None else f" WHERE calling LIKE '{calling}%'"
    rows = asyncio.run(_query(database, f"SELECT * FROM dialog_turns{where}"))
    return [dict(row) for row in rows]


def wait_for_records(database: str, expected: int, within: float = 60.0) -> int:
    """Poll the table until it holds ``expected`` records (or ``within`` seconds passed)."""
    deadline = time.monotonic() + within
    count = -1
    while time.monotonic() < deadline:
        try:
            count = asyncio.run(_query(database, "SELECT count(*) FROM dialog_turns"))[0][0]
        except Exception:  # the database may still be coming back
            count = -1
        if count >= expected:
            return int(count)
        time.sleep(0.5)
    return int(count)


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(harness.PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def database_away(database: str) -> None:
    """New connections refused and every open one cut: the database is gone for the server."""
    name = database.rpartition("/")[2]
    asyncio.run(_admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
    asyncio.run(
        _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    )


def database_back(database: str) -> None:
    name = database.rpartition("/")[2]
    asyncio.run(_admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))


@contextmanager
def outage(database: str) -> Iterator[None]:
    database_away(database)
    try:
        yield
    finally:
        database_back(database)


@dataclass
class Traffic:
    """Calls one after another on a few threads until stopped, counting answered turns."""

    line: Hotline
    threads: int = 3
    result: CallResult = field(default_factory=CallResult)
    calls: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _workers: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _drive(self, n: int) -> None:
        k = 0
        while not self._stop.is_set():
            k += 1
            mine = CallResult()
            run_call(
                self.line, f"traffic-{n}-{k}-{time.monotonic_ns()}", f"1390000{n}", ["hello"], mine
            )
            with self._lock:
                self.calls += 1
                self.result.answered += mine.answered
                self.result.refused += mine.refused
                self.result.unanswered += mine.unanswered
            time.sleep(0.05)

    def start(self) -> Traffic:
        for n in range(self.threads):
            worker = threading.Thread(target=self._drive, args=(n,), daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def stop(self) -> CallResult:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=60)
        return self.result


def poisoned_traffic(line: Hotline) -> tuple[CallResult, CallResult]:
    """80 turns: 16 calls of 5 turns, the 4 calls of one caller carrying NUL and lone
    surrogates in ``call_sor_id`` and ``input``. Returns (healthy, poisoned) results."""
    healthy, poisoned = CallResult(), CallResult()
    for n in range(16):
        if n % 4 == 0:
            run_call(line, f"poison-{n}", "1388888\x00\ud800", POISON[:2], poisoned)
        else:
            run_call(line, f"healthy-{n}", f"13700000{n:02d}", ["hello", "thanks"], healthy)
    return healthy, poisoned


def main() -> None:
    """Measure the report's figures against whatever ``oiap`` PYTHONPATH resolves."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--outage", type=float, default=15.0)
    parser.add_argument("--store", default="memory")
    args = parser.parse_args()
    import tempfile

    # The server and the CLI inherit PYTHONPATH, so they run the checkout it names.
    with tempfile.TemporaryDirectory() as tmp, harness.scratch_postgres() as database:
        line = start_hotline(Path(tmp), database, args.store)
        try:
            healthy, poisoned = poisoned_traffic(line)
            sent = healthy.answered + poisoned.answered
            stored = wait_for_records(database, sent, within=10)
            print(f"poisoned caller: turns answered {sent} of 80, records stored {stored}")
            before = stored
            traffic = Traffic(line).start()
            time.sleep(2)
            began = time.monotonic()
            with outage(database):
                time.sleep(args.outage)
            print(f"outage lasted {time.monotonic() - began:.1f} s")
            time.sleep(3)
            result = traffic.stop()
            stored = wait_for_records(database, before + result.answered, within=30)
            lost = before + result.answered - stored
            print(
                f"outage: turns answered {result.answered} (errors {result.refused}, "
                f"unanswered {result.unanswered}), records stored {stored - before}, lost {lost}"
            )
        finally:
            line.server.stop()


if __name__ == "__main__":
    main()
