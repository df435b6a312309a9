"""Test calls: talk to a flow's draft as a caller, see each turn's path, variables and
recognition, keep the conversation as a conversation test, run the tests, pull them."""

from __future__ import annotations

from typing import Any

import harness
import yaml
from workbench_site import Workbench, workbench  # noqa: F401

BALANCE = {
    "accountBalance": {"json": {"result": {"availableBalance": "42.00", "accountSuffix": "0007"}}}
}


def _start(wb: Workbench, **fields: Any) -> dict[str, Any]:
    reply = wb("POST", "/test-calls", {"flow": "hotline", **fields})
    assert reply.status_code == 201, reply.text
    started: dict[str, Any] = reply.json()
    return started


def _send(wb: Workbench, call_id: str, kind: str, value: str | None = None) -> list[dict[str, Any]]:
    body = {"kind": kind} if value is None else {"kind": kind, "value": value}
    reply = wb("POST", f"/test-calls/{call_id}/input", body)
    assert reply.status_code == 200, reply.text
    turns: list[dict[str, Any]] = reply.json()["turns"]
    return turns


def test_the_balance_path_saved_as_a_test_passes_and_is_pulled(
    workbench: Workbench,  # noqa: F811
) -> None:
    started = _start(workbench, stubs=BALANCE)
    first = started["turns"]
    assert first[0]["path"][0] == "start"
    assert first[-1]["node"] in ("menu", "chat_menu")
    assert first[-1]["outaction"] == 9
    assert first[-1]["outparams"]["prompt_text"].startswith("For your balance press 1")
    call = started["id"]

    asked = _send(workbench, call, "keys", "1")
    assert asked[-1]["node"] == "ask_account"
    assert asked[0]["input"] == "#1"
    told = _send(workbench, call, "keys", "12345678#")
    last = told[-1]
    assert "ending 0007 is 42.00 dollars" in " ".join(t["text"] for t in told)
    path = [n for t in told for n in t["path"]]
    assert path[0] == "lookup" and "anything_else" in path
    assert last["variables"]["FLOW.balance"] == "42.00"
    assert last["variables"]["FLOW.accountNumber"] == "12345678"
    assert last["notes"] == []

    saved = workbench(
        "POST", f"/test-calls/{call}/save", {"name": "balance by keys", "file": "console.yaml"}
    )
    assert saved.status_code == 201, saved.text
    test = yaml.safe_load(saved.json()["text"])
    assert test["name"] == "balance by keys"
    assert test["access_code"] == "4001"
    assert test["interfaces"] == BALANCE
    assert [t.get("send") for t in test["turns"]] == [None, "#1", "#12345678#"]
    assert test["turns"][2]["expect"]["variables"]["FLOW.balance"] == "42.00"

    listed = workbench("GET", "/conversation-tests").json()["items"]
    assert {"file": "console.yaml", "names": ["balance by keys"]}.items() <= next(
        f for f in listed if f["file"] == "console.yaml"
    ).items()

    ran = workbench("POST", "/conversation-tests/run", {"files": ["console.yaml"]})
    assert ran.status_code == 200, ran.text
    assert ran.json()["results"] == [
        {"file": "console.yaml", "name": "balance by keys", "passed": True, "failures": []}
    ]
    everything = workbench("POST", "/conversation-tests/run", {}).json()
    assert everything["failed"] == 0 and everything["passed"] >= 20  # the pushed folder's own

    pulled = workbench.tmp / "pulled-tests"
    harness.run_cli("bot", "pull", str(pulled), "--tenant", workbench.tenant_id, env=workbench.env)
    assert (pulled / "tests" / "console.yaml").read_text(encoding="utf-8") == saved.json()["text"]
    assert (pulled / "tests" / "balance.yaml").is_file()
    result = harness.run_cli("bot", "test", str(pulled), "--filter", "console", env=workbench.env)
    assert "1 passed, 0 failed" in result.stdout

    assert workbench("DELETE", f"/test-calls/{call}").status_code == 204
    gone = workbench("POST", f"/test-calls/{call}/input", {"kind": "hangup"})
    assert gone.status_code == 404


def test_a_spoken_request_shows_the_intent_and_its_runners_up(
    workbench: Workbench,  # noqa: F811
) -> None:
    call = _start(workbench)["id"]
    _send(workbench, call, "keys", "9")
    turns = _send(workbench, call, "text", "I want to check my account balance")
    intent = next(t["intent"] for t in turns if t["intent"] is not None)
    assert intent["code"] == "balance"
    codes = [r["code"] for r in intent["ranking"]]
    assert codes[0] == "balance" and len(codes) > 1
    assert turns[0]["input"] == "I want to check my account balance"
    assert turns[-1]["node"] == "ask_account"
    ended = _send(workbench, call, "hangup")
    assert ended[-1]["action"] == "release"
    late = workbench("POST", f"/test-calls/{call}/input", {"kind": "keys", "value": "1"})
    assert late.status_code == 409


def test_interfaces_answer_as_the_bots_tests_say_or_fail_clearly(
    workbench: Workbench,  # noqa: F811
) -> None:
    # balance.yaml, pushed with the bot, answers accountBalance with 1234.56 first.
    call = _start(workbench)["id"]
    _send(workbench, call, "keys", "1")
    told = _send(workbench, call, "keys", "12345678#")
    assert told[-1]["variables"]["FLOW.balance"] == "1234.56"

    bare = _start(workbench, useTestStubs=False)["id"]
    _send(workbench, bare, "keys", "1")
    failed = _send(workbench, bare, "keys", "12345678#")
    notes = [n for t in failed for n in t["notes"]]
    assert any("'accountBalance' has no stub" in n for n in notes)
    assert "couldn't reach your account" in " ".join(t["text"] for t in failed)
    workbench("DELETE", f"/test-calls/{call}")
    workbench("DELETE", f"/test-calls/{bare}")


def test_wrong_requests_get_catalogue_errors(workbench: Workbench) -> None:  # noqa: F811
    def error(method: str, path: str, body: Any, status: int) -> dict[str, Any]:
        reply = workbench(method, path, body)
        assert reply.status_code == status, reply.text
        found: dict[str, Any] = reply.json()
        return found

    assert error("POST", "/test-calls", {"flow": "nope"}, 404)["errorCode"] == 10000003
    assert (
        error("POST", "/test-calls", {"flow": "hotline", "version": 9}, 404)["errorCode"]
        == 10000003
    )
    assert (
        error("POST", "/test-calls", {"flow": "hotline", "channel": "fax"}, 400)["errorCode"]
        == 10000002
    )
    stubs = {"noSuchInterface": {"status": 500}}
    assert (
        "noSuchInterface"
        in error("POST", "/test-calls", {"flow": "hotline", "stubs": stubs}, 400)["errorMsg"]
    )
    assert (
        error("POST", "/test-calls/unknown/input", {"kind": "hangup"}, 404)["errorCode"] == 10000003
    )
    call = _start(workbench, version=1)["id"]
    assert (
        error("POST", f"/test-calls/{call}/input", {"kind": "keys", "value": "x"}, 400)["errorCode"]
        == 10000002
    )
    assert error("POST", f"/test-calls/{call}/input", {"kind": "ok"}, 409)["errorCode"] == 10000002
    assert (
        error("POST", f"/test-calls/{call}/save", {"name": "x", "file": "../x.yaml"}, 400)[
            "errorCode"
        ]
        == 10000002
    )
    workbench("DELETE", f"/test-calls/{call}")


def test_a_tenant_has_at_most_five_live_test_calls_and_sees_only_its_own(
    workbench: Workbench,  # noqa: F811
) -> None:
    calls = [_start(workbench)["id"] for _ in range(5)]
    refused = workbench("POST", "/test-calls", {"flow": "hotline"})
    assert refused.status_code == 400 and "5 live test calls" in refused.json()["errorMsg"]
    other = workbench.new_tenant("Bank B")
    assert other("POST", f"/test-calls/{calls[0]}/input", {"kind": "hangup"}).status_code == 404
    assert other("DELETE", f"/test-calls/{calls[0]}").status_code == 404
    for call in calls:
        assert workbench("DELETE", f"/test-calls/{call}").status_code == 204
    assert workbench("POST", "/test-calls", {"flow": "hotline"}).status_code == 201
