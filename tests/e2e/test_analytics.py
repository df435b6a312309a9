"""Analytics through real HTTP: calls made like an IVR on the bank-hotline bot, then the
figures read back from /oiap/v1/analytics on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent / "dialog"))
from dialog_support import Call, CoreBanking, bot_copy, new_tenant, token

from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage
from oiap.services import analytics
from oiap.services.analytics import Filters
from oiap.services.dialog_ports import TurnRecord
from oiap.services.turn_facts import latency_bucket, percentile

ANALYTICS = "/oiap/v1/analytics"
NOT_UNDERSTOOD = "purple elephants dance on the moon"


@dataclass
class Recorded:
    url: str
    headers: dict[str, str]

    def get(self, path: str, **params: Any) -> Any:
        reply = httpx.get(self.url + ANALYTICS + path, params=params, headers=self.headers)
        assert reply.status_code == 200, reply.text
        return reply.json()

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.get(path, **params)["rows"]
        return rows


def make_calls(url: str, tok: str) -> None:
    # A: menu key 0, an agent takes the call (transfer type 1), the transfer succeeds.
    a = Call(url, tok, "call-transfer")
    a.start()
    a.playover()
    assert a.keys("0")["outaction"] == 11
    assert a.transfer_result("0")["outaction"] == 10
    # B: the caller hangs up at the menu.
    b = Call(url, tok, "call-hangup")
    b.start()
    b.playover()
    assert b.event("hangup")["outaction"] == 10
    # C: something the bot does not understand, then goodbye.
    c = Call(url, tok, "call-unknown")
    c.start()
    c.playover()
    c.keys("9")
    c.say(NOT_UNDERSTOOD)
    c.say("Goodbye")
    assert c.playover()["outaction"] == 10
    # D: the balance through the business interface, then goodbye.
    d = Call(url, tok, "call-balance")
    d.start()
    d.playover()
    d.keys("1")
    d.keys("12345678#")
    d.playover()
    d.say("Bye")
    assert d.playover()["outaction"] == 10


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def recorded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Recorded]:
    tmp = tmp_path_factory.mktemp("analytics")
    bank = CoreBanking()
    try:
        with harness.database(request.param, tmp) as database:
            env = harness.oiap_env(database_url=database, session_store="memory")
            bot = bot_copy(tmp / "bot", bank.url)
            account = new_tenant(env, "Analytics", bot)
            with harness.Server(env, log=tmp / "server.log").start() as server:
                tok = token(server.url, account)
                make_calls(server.url, tok)
                yield Recorded(server.url, {"Authorization": f"Bearer {tok}"})
    finally:
        bank.close()


def test_calls_and_how_they_came_out(recorded: Recorded) -> None:
    body = recorded.get("/calls", granularity="hour")
    totals = body["totals"]
    assert totals["calls"] == 4
    assert (totals["contained"], totals["transferred"], totals["abandoned"]) == (2, 1, 1)
    # The 20 requests of make_calls, each counted once however the writer batched them into
    # the same hourly row.
    assert totals["turns"] == 20 == sum(r["turns"] for r in body["rows"])
    assert totals["turns_per_call"] == 5.0
    assert 0 < totals["latency_p50_ms"] <= totals["latency_p95_ms"]
    for row in body["rows"]:
        assert 0 < row["latency_p50_ms"] <= row["latency_p95_ms"]
    by_day = recorded.get("/calls")
    assert by_day["totals"] == totals
    assert recorded.rows("/transfers") == [{"transfer_type": 1, "calls": 1}]
    assert recorded.get("/calls", accessCode="4002")["totals"]["calls"] == 0


def test_recognition_intents_and_interfaces(recorded: Recorded) -> None:
    [recognition] = recorded.rows("/recognition")
    assert recognition["recognitions"] == 3
    assert recognition["unknown"] == 1
    assert recognition["unknown_rate"] == round(1 / 3, 4)
    assert recognition["nomatch"] == 1
    intents = {r["intent"]: r["count"] for r in recorded.rows("/intents")}
    assert intents == {"goodbye": 2, "unknown": 1}
    assert recorded.rows("/interfaces") == [
        {"interface": "accountBalance", "calls": 1, "failures": 0, "timeouts": 0}
    ]


def test_per_node_figures(recorded: Recorded) -> None:
    body = recorded.get("/nodes", flow="hotline", version=1)
    nodes = {r["node"]: r for r in body["rows"]}
    assert nodes["menu"]["visits"] == 4
    assert nodes["menu"]["drop_offs"] == nodes["menu"]["hangups"] == 1
    assert nodes["end"]["drop_offs"] == 2
    assert nodes["agent"]["drop_offs"] == 1
    assert nodes["understand"]["errors"] == 1
    exits = {(e["node"], e["branch"], e["to"]): e["count"] for e in body["exits"]}
    assert exits[("menu", "key 0", "agent_hours")] == 1
    assert exits[("menu", "key 9", "ask")] == 1
    assert exits[("menu", "key 1", "ask_account")] == 1
    assert exits[("understand", "on nomatch1", "ask_again")] == 1
    assert exits[("understand", "intent goodbye", "goodbye")] == 2
    assert recorded.get("/nodes", flow="hotline", version=2)["rows"] == []


def test_not_understood_becomes_an_example(recorded: Recorded) -> None:
    groups = recorded.rows("/not-understood")
    assert any(NOT_UNDERSTOOD in g["examples"] for g in groups), groups
    reply = httpx.post(
        recorded.url + ANALYTICS + "/not-understood/examples",
        json={"domain": "banking", "intent": "unknown", "text": NOT_UNDERSTOOD},
        headers=recorded.headers,
    )
    assert reply.status_code == 200, reply.text
    assert NOT_UNDERSTOOD in reply.json()["examples"]
    domain = httpx.get(recorded.url + "/oiap/v1/domains/banking", headers=recorded.headers)
    unknown = next(i for i in domain.json()["intents"] if i["code"] == "unknown")
    assert NOT_UNDERSTOOD in unknown["examples"]


def test_every_figure_as_csv(recorded: Recorded) -> None:
    reply = httpx.get(
        recorded.url + ANALYTICS + "/calls", params={"format": "csv"}, headers=recorded.headers
    )
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert sum(int(r["calls"]) for r in rows) == 4
    reply = httpx.get(
        recorded.url + ANALYTICS + "/nodes/exits",
        params={"flow": "hotline", "version": 1},
        headers={**recorded.headers, "Accept": "text/csv"},
    )
    exits = list(csv.DictReader(io.StringIO(reply.text)))
    assert {"node": "menu", "branch": "key 0", "to": "agent_hours", "count": "1"} in exits


def test_figures_need_a_reader(recorded: Recorded) -> None:
    reply = httpx.get(recorded.url + ANALYTICS + "/calls")
    assert reply.status_code == 401


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_writers_adding_to_the_same_hour_at_once_lose_nothing(kind: str, tmp_path: Path) -> None:
    # Four record writers (as four workers would) add batches to the same rollup rows at
    # once; the latency histogram is merged under a row lock, so the sums come out exact and
    # the percentiles are those of the turns' own latencies, the same on either database.
    with harness.database(kind, tmp_path) as url:
        env = harness.oiap_env(database_url=url)
        tenant = harness.cli_json("tenant", "create", "Writers", env=env)["tenantId"]
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)

        def turn(writer: int, n: int) -> TurnRecord:
            return TurnRecord(
                tenant_id=tenant,
                call_id=f"call-{writer}-{n // 3}",
                calling="13500000000",
                access_code="4001",
                at=hour + timedelta(seconds=n),
                inter_idx=n % 3,
                inaction=8 if n % 3 == 0 else 9,
                input="",
                intent=None,
                score=None,
                source=None,
                reply="",
                outaction=9,
                flow_code="hotline",
                flow_version=1,
                node="menu",
                latency_ms=1.0 + (7 * n + writer) % 400,
            )

        batches = [[[turn(w, b * 15 + i) for i in range(15)] for b in range(8)] for w in range(4)]
        records = [r for writer in batches for batch in writer for r in batch]

        async def run() -> dict[str, Any]:
            database = Database(url)
            storage = SqlStorage(database)

            async def write(batches: list[list[TurnRecord]]) -> None:
                for batch in batches:
                    async with storage.transaction() as repos:
                        await repos.dialogs.add_turns(batch)

            try:
                await asyncio.gather(*(write(b) for b in batches))
                table = await analytics.calls(
                    storage, tenant, Filters(hour, hour + timedelta(hours=1))
                )
            finally:
                await database.close()
            return table.extra["totals"]

        totals = asyncio.run(run())
    buckets = Counter(latency_bucket(r.latency_ms) for r in records)
    assert totals["turns"] == len(records) == 480
    assert totals["calls"] == 160
    assert totals["latency_p50_ms"] == percentile(buckets, 0.5)
    assert totals["latency_p95_ms"] == percentile(buckets, 0.95)
