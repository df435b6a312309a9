"""Replaying real calls on a changed draft: three calls made through ``crs/process`` on a real
server (the balance path with its core banking on loopback, a transfer to an agent, a
goodbye), then replayed over HTTP and with ``oiap bot replay``."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

from oiap.services.conversation_tests import Call, CallerInput, InputKind

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
V1 = "/oiap/v1"
# What the loopback core banking answers; the bot's conversation tests stub 1234.56 / 5678.
LIVE_BALANCE = {"result": {"availableBalance": "777.00", "accountSuffix": "4321"}}
BALANCE_CALLER, AGENT_CALLER, GOODBYE_CALLER = "13500000101", "13500000102", "13500000103"
GOODBYE = "No thank you, that's all"


class CoreBanking:
    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                data = json.dumps(LIVE_BALANCE).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/balance"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def bot_folder(target: Path, balance_url: str, *, agent_key_ends_call: bool = False) -> Path:
    """The example bot (its conversation tests too), agents always open, its balance
    interface at ``balance_url``; optionally menu key 0 says goodbye instead of transferring."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXAMPLE, target)
    flow = target / "flows" / "hotline.yaml"
    text = flow.read_text().replace(
        'days: [mon, tue, wed, thu, fri]\n          from: "08:00"\n          to: "20:00"',
        'days: [mon, tue, wed, thu, fri, sat, sun]\n          from: "00:00"\n          to: "24:00"',
    )
    if agent_key_ends_call:
        agent_key = '      - to: agent_hours\n        key: "0"\n'
        assert agent_key in text
        text = text.replace(agent_key, '      - to: goodbye\n        key: "0"\n', 1)
    flow.write_text(text)
    interfaces = target / "interfaces.yaml"
    interfaces.write_text(
        interfaces.read_text().replace(
            "http://127.0.0.1:8080/demo/core-banking/balance", balance_url
        )
    )
    return target


class Ivr:
    """``crs/process`` over HTTP, as the IVR posts it (the token in ``inparams``)."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url + "/oifde/rest/crs/process"
        self.token = token

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        body["inparams"]["auth_token"] = self.token
        async with httpx.AsyncClient(timeout=30) as client:
            reply = await client.post(self.url, json=body)
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        assert answer.get("ret") == 0, answer
        return answer


@dataclass
class Site:
    server: harness.Server
    env: dict[str, str]
    tenant_id: str
    token: str
    tmp: Path
    bank: CoreBanking

    def replay(self, target: dict[str, Any], **filters: Any) -> httpx.Response:
        return httpx.post(
            self.server.url + V1 + "/replays",
            json={"target": target, "filters": filters},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=120,
        )


def _call(ivr: Ivr, calling: str, *inputs: CallerInput) -> None:
    import asyncio

    async def run() -> None:
        call = Call(ivr, "4001", calling)
        await call.start()
        for given in inputs:
            await call.send(given)
        assert call.ended

    asyncio.run(run())


def _keys(value: str) -> CallerInput:
    return CallerInput(InputKind.DIGITS, value)


def _said(value: str) -> CallerInput:
    return CallerInput(InputKind.TEXT, value)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("replay")
    bank = CoreBanking()
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory", token_ttl=3600
    )
    harness.run_cli("db", "upgrade", env=env)
    created = harness.cli_json("tenant", "create", "Bank", env=env)
    tenant = created["tenantId"]
    folder = bot_folder(tmp / "bot", bank.url)
    harness.run_cli("bot", "push", str(folder), "--tenant", tenant, "--publish", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        token = harness.token(server.url, created["appKey"], created["appSecret"])
        ivr = Ivr(server.url, token)
        _call(ivr, BALANCE_CALLER, _keys("1"), _keys("12345678#"), _said(GOODBYE))
        _call(ivr, AGENT_CALLER, _keys("0"), CallerInput(InputKind.TRANSFER_OK))
        _call(ivr, GOODBYE_CALLER, _keys("9"), _said(GOODBYE))
        yield Site(server, env, tenant, token, tmp, bank)
    bank.close()


def _recorded(site: Site) -> dict[str, Any]:
    """The replay on the published version once the three calls' records are all written
    (they are written in batches, off the turns' path)."""
    deadline = time.monotonic() + 30
    while True:
        reply = site.replay({"flow": "hotline", "version": 1})
        assert reply.status_code == 200, reply.text
        report: dict[str, Any] = reply.json()
        outcomes = report["summary"]["originalOutcomes"]
        if outcomes == {"contained": 2, "transferred": 1} or time.monotonic() > deadline:
            return report
        time.sleep(0.5)


def _by_caller(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["callingNumber"]: c for c in report["calls"]}


def test_replaying_on_the_same_version_changes_nothing(site: Site) -> None:
    report = _recorded(site)
    assert report["target"] == {"flow": "hotline", "version": 1}
    assert report["summary"]["calls"] == 3
    assert report["summary"]["changed"] == 0
    assert report["summary"]["replayedOutcomes"] == {"contained": 2, "transferred": 1}
    calls = _by_caller(report)
    agent = calls[AGENT_CALLER]
    assert agent["original"]["outcome"] == agent["replayed"]["outcome"] == "transferred"
    assert agent["original"]["endNode"] == agent["replayed"]["endNode"] == "agent"
    goodbye = calls[GOODBYE_CALLER]
    assert goodbye["original"]["turns"][-1]["intents"] == ["goodbye"]
    assert goodbye["replayed"]["turns"][-1]["intents"] == ["goodbye"]
    assert [t["input"] for t in goodbye["replayed"]["turns"]] == [None, "#9", GOODBYE]

    # The balance call: the interface answers what it answered in the call (the turn
    # records hold it), not what the bot's conversation tests stub (1234.56, 5678).
    balance = calls[BALANCE_CALLER]
    original = " ".join(s["text"] for t in balance["original"]["turns"] for s in t["steps"])
    replayed = " ".join(s["text"] for t in balance["replayed"]["turns"] for s in t["steps"])
    assert "ending 4321 is 777.00 dollars" in original
    assert "ending 4321 is 777.00 dollars" in replayed
    called = [i for t in balance["original"]["turns"] for s in t["steps"] for i in s["interfaces"]]
    assert called == ["accountBalance"]
    assert balance["notes"] == []


def test_replaying_on_a_changed_draft_reports_exactly_the_changed_call(site: Site) -> None:
    _recorded(site)
    changed = bot_folder(site.tmp / "changed", site.bank.url, agent_key_ends_call=True)
    harness.run_cli("bot", "push", str(changed), "--tenant", site.tenant_id, env=site.env)

    reply = site.replay({"flow": "hotline", "version": "draft"})
    assert reply.status_code == 200, reply.text
    report = reply.json()
    summary = report["summary"]
    assert (summary["calls"], summary["changed"], summary["unchanged"]) == (3, 1, 2)
    assert summary["outcomeChanges"] == {"transferred -> contained": 1}
    assert summary["byChange"]["outcome"] == 1 and summary["byChange"]["intent"] == 0

    calls = _by_caller(report)
    assert not calls[BALANCE_CALLER]["changed"] and not calls[GOODBYE_CALLER]["changed"]
    agent = calls[AGENT_CALLER]
    assert agent["changed"]
    assert {"outcome", "endNode"} <= set(agent["changes"])
    assert "outcome: transferred -> contained" in agent["differences"]
    assert "end node: agent -> end" in agent["differences"]
    # Side by side: the key press that transferred now says goodbye, and the transfer
    # result the caller's IVR sent has nothing left to answer.
    assert agent["original"]["turns"][1]["steps"][-1]["action"] == "transfer"
    assert agent["replayed"]["turns"][1]["steps"][-1]["action"] == "release"
    assert len(agent["replayed"]["turns"]) == 2 and len(agent["original"]["turns"]) == 3
    assert agent["simulator"]["flow"] == "hotline"
    assert agent["simulator"]["version"] == "draft"
    assert agent["simulator"]["callingNumber"] == AGENT_CALLER
    assert agent["simulator"]["inputs"] == [{"kind": "keys", "value": "0"}, {"kind": "ok"}]

    # Filters: by calling number, and a range that holds none of the calls.
    only = site.replay({"flow": "hotline", "version": "draft"}, callingNumber=AGENT_CALLER)
    assert [c["callingNumber"] for c in only.json()["calls"]] == [AGENT_CALLER]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert site.replay({"flow": "hotline"}, since=later).json()["summary"]["calls"] == 0
    transferred = site.replay({"flow": "hotline"}, outcome="transferred").json()
    assert [c["callingNumber"] for c in transferred["calls"]] == [AGENT_CALLER]

    # The CLI gates a publish: exit 1 with the changed call, 0 on the published version.
    cli = harness.run_cli(
        "bot", "replay", "--tenant", site.tenant_id, "--against", "draft", env=site.env, check=False
    )
    assert cli.returncode == 1, cli.stdout + cli.stderr
    assert "3 call(s)" in cli.stdout and "1 changed" in cli.stdout
    assert "outcome: transferred -> contained" in cli.stdout
    assert AGENT_CALLER in cli.stdout and BALANCE_CALLER not in cli.stdout
    same = harness.run_cli(
        "bot", "replay", "--tenant", site.tenant_id, "--against", "1", "--json", env=site.env
    )
    assert json.loads(same.stdout)["summary"]["changed"] == 0
    missing = harness.run_cli(
        "bot", "replay", "--tenant", site.tenant_id, "--flow", "nosuch", env=site.env, check=False
    )
    assert missing.returncode == 2 and "nosuch" in missing.stderr


def test_a_replay_request_is_checked(site: Site) -> None:
    assert site.replay({"flow": "hotline"}, limit=501).status_code == 400
    assert site.replay({"flow": "nosuch"}).status_code == 404
    assert site.replay({"flow": "hotline", "version": 99}).status_code == 404
    mixed = site.replay({"flow": "hotline"}, flow="other")
    assert mixed.status_code == 400
    reversed_range = site.replay(
        {"flow": "hotline"}, since="2026-01-02T00:00:00Z", until="2026-01-01T00:00:00Z"
    )
    assert reversed_range.status_code == 400
    anonymous = httpx.post(site.server.url + V1 + "/replays", json={"target": {"flow": "x"}})
    assert anonymous.status_code == 401
