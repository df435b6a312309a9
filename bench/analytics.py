"""Analytics dashboard over many recorded turns, on PostgreSQL.

    .venv/bin/python bench/analytics.py [--turns 1000000] [--runs 5]

Makes a scratch PostgreSQL database (as tests/harness.py does; ``OIAP_TEST_PG`` names the
server), migrates it, generates ``--turns`` turn records of synthetic calls spread over 30
days (3 access codes, 2 flows of 2 versions, menus, recognitions, transfers, hang-ups and
interface calls) and loads them with COPY, 100 000 at a time, together with the two hourly
rollups the record writer would have kept (``rollup_counts`` and ``split_rollup``, the
writer's own code). Then prints the rows and on-disk size of the turns and of each rollup,
and times each dashboard query of services/analytics.py over the whole 30 days: p50 of
``--runs`` runs. Prints the machine and the figures; the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

import asyncpg  # noqa: E402
import harness  # noqa: E402
from turns import cpu_model  # noqa: E402

from oiap.adapters.sql.analytics_queries import (  # noqa: E402
    CALL_KEY,
    HOURLY_PRIMARY_KEY,
    OUTCOMES,
    split_rollup,
)
from oiap.adapters.sql.database import Database, upgrade  # noqa: E402
from oiap.adapters.sql.dialog_tables import AnalyticsCallsHourlyRow  # noqa: E402
from oiap.adapters.sql.repositories import SqlStorage  # noqa: E402
from oiap.services import analytics  # noqa: E402
from oiap.services.analytics import Filters  # noqa: E402
from oiap.services.dialog_ports import TurnRecord  # noqa: E402
from oiap.services.turn_facts import rollup_counts  # noqa: E402

TENANT = "bench"
DAYS = 30
CODES = ("4001", "4002", "4003")
FLOWS = (("hotline", 1), ("hotline", 2), ("survey", 1), ("survey", 2))
INTENTS = ("balance", "agent", "lost_card", "goodbye", "unknown", "loan")
WORDS = [
    "card",
    "lost",
    "balance",
    "agent",
    "pay",
    "bill",
    "when",
    "open",
    "loan",
    "rate",
    "help",
    "talk",
    "person",
    "block",
]
TURN_COLUMNS = list(TurnRecord.__dataclass_fields__)
JSON_FIELDS = ("path", "exits", "faults", "interfaces")


def synthetic_call(rng: random.Random, n: int, start: datetime) -> list[TurnRecord]:
    """One call of a few turns: start, menu, a recognition, and how it came out."""
    code = rng.choice(CODES)
    flow, version = rng.choice(FLOWS)
    call_id = f"call-{n}"
    at = start
    turns: list[TurnRecord] = []
    ending = rng.choices(("contained", "transferred", "abandoned"), (6, 3, 1))[0]
    length = rng.randint(2, 7)

    def turn(idx: int, **facts: Any) -> TurnRecord:
        return TurnRecord(
            tenant_id=TENANT,
            call_id=call_id,
            calling=f"1350000{n % 10000:04d}",
            access_code=code,
            at=at + timedelta(seconds=8 * idx),
            inter_idx=idx,
            inaction=8 if idx == 0 else 9,
            input=facts.pop("input", ""),
            intent=facts.pop("intent", None),
            score=facts.pop("score", None),
            source=facts.pop("source", None),
            reply="",
            outaction=facts.pop("outaction", 9),
            flow_code=flow,
            flow_version=version,
            node=facts["path"][-1] if facts.get("path") else None,
            latency_ms=rng.lognormvariate(1.5, 0.6),
            **facts,
        )

    turns.append(turn(0, path=("start", "welcome"), exits=(("start", "default", "welcome"),)))
    for idx in range(1, length):
        last = idx == length - 1
        intent = rng.choice(INTENTS)
        words = " ".join(rng.sample(WORDS, 3))
        facts: dict[str, Any] = {
            "entry_node": "ask",
            "path": ("understand", "reply"),
            "exits": (
                ("ask", "default", "understand"),
                ("understand", f"intent {intent}", "reply"),
            ),
            "input": words,
            "intent": intent,
            "score": rng.random(),
            "source": "intent",
        }
        if intent == "unknown":
            facts["faults"] = (("understand", "nomatch"),)
        if intent == "balance":
            facts["interfaces"] = (
                {
                    "name": "accountBalance",
                    "node": "lookup",
                    "outcome": rng.choice(("ok", "ok", "error", "timeout")),
                    "latency_ms": 40.0,
                    "answer": '{"balance":"1"}',
                    "truncated": False,
                },
            )
        if last and ending == "transferred":
            facts.update(outaction=11, transfer_type=rng.choice((1, 3)), call_outcome="transferred")
        elif last:
            facts.update(
                outaction=10,
                release_reason="0",
                ended=True,
                hangup=ending == "abandoned",
                call_outcome=ending,
            )
        turns.append(turn(idx, **facts))
    return turns


def generate(turns: int, seed: int = 7, chunk: int = 100_000) -> Iterator[list[TurnRecord]]:
    """``turns`` turn records in chunks of about ``chunk``, whole calls in each (the last
    call is cut at ``turns``), so a million never sit in memory at once."""
    rng = random.Random(seed)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = end - timedelta(days=DAYS)
    made = 0
    n = 0
    while made < turns:
        out: list[TurnRecord] = []
        while len(out) < chunk and made + len(out) < turns:
            start = first + timedelta(seconds=rng.randrange(DAYS * 86400 - 600))
            out.extend(synthetic_call(rng, n, start))
            n += 1
        out = out[: turns - made]
        made += len(out)
        yield out


def copy_row(record: TurnRecord) -> tuple[Any, ...]:
    values = []
    for name in TURN_COLUMNS:
        value = getattr(record, name)
        if name in JSON_FIELDS:
            value = json.dumps(list(value), separators=(",", ":")) if value else ""
        values.append(value)
    return tuple(values)


_ZERO_CALLS = {"calls": 0, "turns": 0, **dict.fromkeys(OUTCOMES, 0), "latency": ""}
CALL_COLUMNS = list(AnalyticsCallsHourlyRow.__table__.columns.keys())


async def load(url: str, turns: int) -> int:
    """Generate and COPY the turns chunk by chunk, then COPY both rollups as the record
    writer would have left them (its own rollup_counts and split_rollup). Answers the
    number of turns loaded."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    loaded = 0
    try:
        await conn.execute(
            "INSERT INTO tenants (tenant_id, name, secret_hash, created_at, secret_rotated_at)"
            " VALUES ($1, $1, 'x', now(), now())",
            TENANT,
        )
        counts: Counter[Any] = Counter()
        for records in generate(turns):
            await conn.copy_records_to_table(
                "dialog_turns", records=[copy_row(r) for r in records], columns=TURN_COLUMNS
            )
            counts.update(rollup_counts(records))
            loaded += len(records)
        keyed, calls = split_rollup(counts)
        await conn.copy_records_to_table(
            "analytics_hourly",
            records=[tuple(row[c] for c in [*HOURLY_PRIMARY_KEY, "count"]) for row in keyed],
            columns=[*HOURLY_PRIMARY_KEY, "count"],
        )
        cells = [
            added.add_to({**dict(zip(CALL_KEY, key, strict=True)), **_ZERO_CALLS})
            for key, added in sorted(calls.items())
        ]
        await conn.copy_records_to_table(
            "analytics_calls_hourly",
            records=[tuple(cell[c] for c in CALL_COLUMNS) for cell in cells],
            columns=CALL_COLUMNS,
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return loaded


async def sizes(url: str) -> dict[str, dict[str, int]]:
    """Rows and on-disk size (table, indexes and TOAST) of the turns and both rollups."""
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        found = {}
        for table in ("dialog_turns", "analytics_hourly", "analytics_calls_hourly"):
            rows = await conn.fetchval(f"SELECT count(*) FROM {table}")
            size = await conn.fetchval("SELECT pg_total_relation_size($1::regclass)", table)
            found[table] = {"rows": rows, "bytes": size}
            print(f"{table:24} {rows:>10} rows {size / 2**20:9.1f} MiB")
    finally:
        await conn.close()
    return found


async def time_queries(url: str, runs: int) -> dict[str, float]:
    database = Database(url)
    storage = SqlStorage(database)
    end = datetime.now(UTC)
    whole = Filters(end - timedelta(days=DAYS + 1), end, granularity="day")
    hourly = Filters(end - timedelta(days=DAYS + 1), end, granularity="hour")
    version = Filters(end - timedelta(days=DAYS + 1), end, flow_code="hotline", flow_version=1)
    queries = {
        "calls (by day)": lambda: analytics.calls(storage, TENANT, whole),
        "calls (by hour)": lambda: analytics.calls(storage, TENANT, hourly),
        "transfers": lambda: analytics.transfers(storage, TENANT, whole),
        "recognition": lambda: analytics.recognition(storage, TENANT, whole),
        "intents": lambda: analytics.intents(storage, TENANT, whole),
        "interfaces": lambda: analytics.interfaces(storage, TENANT, whole),
        "nodes (one version)": lambda: analytics.nodes(storage, TENANT, version),
        "not understood (1000 latest)": lambda: analytics.not_understood(storage, TENANT, whole),
    }
    figures: dict[str, float] = {}
    try:
        for name, query in queries.items():
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                await query()
                times.append((time.perf_counter() - began) * 1000)
            figures[name] = round(statistics.median(times), 1)
            print(f"{name:32} p50 {figures[name]:8.1f} ms")
    finally:
        await database.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {cpu_model()}, {os.cpu_count()} cores")
    with harness.scratch_postgres() as url:
        upgrade(url)
        began = time.perf_counter()
        loaded = asyncio.run(load(url, args.turns))
        print(
            f"generated and loaded {loaded} turns (COPY, with both rollups)"
            f" in {time.perf_counter() - began:.1f} s"
        )
        tables = asyncio.run(sizes(url))
        figures = asyncio.run(time_queries(url, args.runs))
    print(
        json.dumps(
            {
                "turns": loaded,
                "cpu": cpu_model(),
                "cores": os.cpu_count(),
                "tables": tables,
                "p50_ms": figures,
            }
        )
    )


if __name__ == "__main__":
    main()
