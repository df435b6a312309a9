"""Analytics dashboard over many recorded turns, on PostgreSQL.

    .venv/bin/python bench/analytics.py [--turns 1000000] [--runs 5]

Makes a scratch PostgreSQL database (as tests/harness.py does; ``OIAP_TEST_PG`` names the
server), migrates it, generates ``--turns`` turn records of synthetic calls spread over 30
days (3 access codes, 2 flows of 2 versions, menus, recognitions, transfers, hang-ups and
interface calls), loads them with COPY together with the hourly rollup the record writer
would have kept (``rollup_counts``, the writer's own code), then times each dashboard query
of services/analytics.py over the whole 30 days: p50 of ``--runs`` runs. Prints the machine
and the figures; the last line is one JSON object.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

import asyncpg  # noqa: E402
import harness  # noqa: E402
from turns import cpu_model  # noqa: E402

from oiap.adapters.sql.database import Database, upgrade  # noqa: E402
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
TURN_COLUMNS = tuple(TurnRecord.__dataclass_fields__)
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


def generate(turns: int, seed: int = 7) -> list[TurnRecord]:
    rng = random.Random(seed)
    end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    first = end - timedelta(days=DAYS)
    out: list[TurnRecord] = []
    n = 0
    while len(out) < turns:
        start = first + timedelta(seconds=rng.randrange(DAYS * 86400 - 600))
        out.extend(synthetic_call(rng, n, start))
        n += 1
    return out[:turns]


def copy_row(record: TurnRecord) -> tuple[Any, ...]:
    values = []
    for name in TURN_COLUMNS:
        value = getattr(record, name)
        if name in JSON_FIELDS:
            value = json.dumps(list(value), separators=(",", ":")) if value else ""
        values.append(value)
    return tuple(values)


async def load(url: str, records: list[TurnRecord]) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(
            "INSERT INTO tenants (tenant_id, name, secret_hash, created_at, secret_rotated_at)"
            " VALUES ($1, $1, 'x', now(), now())",
            TENANT,
        )
        chunk = 100_000
        for i in range(0, len(records), chunk):
            await conn.copy_records_to_table(
                "dialog_turns",
                records=[copy_row(r) for r in records[i : i + chunk]],
                columns=list(TURN_COLUMNS),
            )
        counts: Counter[Any] = rollup_counts(records)
        await conn.copy_records_to_table(
            "analytics_hourly",
            records=[(*key, n) for key, n in counts.items()],
            columns=[
                "tenant_id",
                "hour",
                "access_code",
                "flow_code",
                "flow_version",
                "metric",
                "key",
                "count",
            ],
        )
        await conn.execute("ANALYZE")
        rollup_rows = await conn.fetchval("SELECT count(*) FROM analytics_hourly")
        print(f"rollup rows: {rollup_rows}")
    finally:
        await conn.close()


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
    began = time.perf_counter()
    records = generate(args.turns)
    print(f"generated {len(records)} turns in {time.perf_counter() - began:.1f} s")
    with harness.scratch_postgres() as url:
        upgrade(url)
        began = time.perf_counter()
        asyncio.run(load(url, records))
        print(f"loaded (COPY, with rollup) in {time.perf_counter() - began:.1f} s")
        figures = asyncio.run(time_queries(url, args.runs))
    print(
        json.dumps(
            {"turns": len(records), "cpu": cpu_model(), "cores": os.cpu_count(), "p50_ms": figures}
        )
    )


if __name__ == "__main__":
    main()
