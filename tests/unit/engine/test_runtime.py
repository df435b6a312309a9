"""The dialog engine on its own: flows stepped with in-memory ports, no server, no database."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from oiap.domain.flows import (
    Branch,
    BusinessInterface,
    Flow,
    InterfaceParameter,
    Node,
    Scenario,
    Variable,
    VariableType,
)
from oiap.engine.actions import Prompt, Query, Release, Transfer
from oiap.engine.release import FlowRelease, InterfaceAnswer, InterfaceCall
from oiap.engine.runtime import Event, EventKind, TurnResult, step
from oiap.engine.state import DialogState
from oiap.nlu import IntentSpec, train

WEDNESDAY_NOON = datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))


@dataclass
class Ports:
    releases: dict[str, list[FlowRelease]]
    answers: dict[str, InterfaceAnswer] = field(default_factory=dict)
    calls: list[InterfaceCall] = field(default_factory=list)
    now_value: datetime = WEDNESDAY_NOON
    asked: list[tuple[str, int | None]] = field(default_factory=list)

    async def flow(self, code: str, version: int | None) -> FlowRelease | None:
        self.asked.append((code, version))
        versions = self.releases.get(code, [])
        if version is None:
            return versions[-1] if versions else None
        return next((r for r in versions if r.version == version), None)

    async def exception_flow(self) -> FlowRelease | None:
        for versions in self.releases.values():
            if versions[-1].is_exception_flow:
                return versions[-1]
        return None

    async def call_interface(self, call: InterfaceCall) -> InterfaceAnswer:
        self.calls.append(call)
        return self.answers.get(call.name, InterfaceAnswer(None, "unreachable"))

    def now(self) -> datetime:
        return self.now_value


def node(node_id: str, kind: str, *branches: Branch, **params: Any) -> Node:
    return Node(id=node_id, kind=kind, params=params, branches=branches)


def to(target: str, **qualifier: str) -> Branch:
    return Branch(to=target, **qualifier)


def release(
    *nodes: Node,
    code: str = "main",
    version: int = 1,
    variables: tuple[Variable, ...] = (),
    scenario: Scenario = Scenario.MAIN,
    **resources: Any,
) -> FlowRelease:
    flow = Flow(code=code, name=code, scenario=scenario, variables=variables, nodes=nodes)
    return FlowRelease(code=code, version=version, flow=flow, **resources)


def new_state(code: str = "main") -> DialogState:
    return DialogState(
        tenant_id="t",
        userid="u1",
        access_code="4001",
        dialog_type=1,
        calling="135",
        language="en_US",
        started_at=WEDNESDAY_NOON.isoformat(),
        flow=code,
    )


class Dialog:
    def __init__(self, *releases: FlowRelease, **ports: Any) -> None:
        table: dict[str, list[FlowRelease]] = {}
        for r in releases:
            table.setdefault(r.code, []).append(r)
        self.ports = Ports(table, **ports)
        self.state = new_state(releases[0].code)

    def send(self, kind: EventKind, value: str = "", **extra: str) -> TurnResult:
        request: Mapping[str, str] = {"input": value} if value else {}
        event = Event(kind, value, request=request, extra=extra)
        return asyncio.run(step(self.state, event, self.ports))

    def start(self) -> TurnResult:
        return self.send(EventKind.START)


def prompt(result: TurnResult) -> str:
    assert isinstance(result.action, Prompt), result.action
    return result.action.text


ASK = node("ask", "reply", to("judge"), text="Say something", mode="asr")


def test_play_then_end_releases_normally() -> None:
    d = Dialog(
        release(
            node("s", "start", to("hi")),
            node("hi", "reply", to("e"), text="Hello", mode="play"),
            node("e", "end"),
        )
    )
    first = d.start()
    assert prompt(first) == "Hello" and first.path == ("s", "hi")
    assert first.action == Prompt("Hello", first.action.mode)  # type: ignore[union-attr]
    done = d.send(EventKind.PLAYOVER)
    assert done.action == Release("0") and d.state.ended and d.state.waiting == 10


def test_hangup_releases_from_anywhere_and_repeats() -> None:
    d = Dialog(release(node("s", "start", to("ask")), ASK, node("judge", "end")))
    d.start()
    assert d.send(EventKind.HANGUP).action == Release("0")
    assert d.send(EventKind.HANGUP).action == Release("0")


def test_timeouts_and_nomatches_escalate_and_clearance_resets() -> None:
    recognize = node(
        "rec",
        "recognize",
        to("t1", on="timeout1"),
        to("t2", on="timeout2"),
        to("n1", on="nomatch1"),
        to("e3", on="error3"),
        to("ask"),
        domain="d",
    )
    model = train(
        [
            IntentSpec("yes", ("yes", "yes please", "sure", "correct", "right")),
            IntentSpec("no", ("no", "no thanks", "nope", "wrong", "not at all")),
        ]
    )
    r = release(
        node("s", "start", to("ask")),
        node("ask", "reply", to("rec"), text="Yes or no?", mode="asr"),
        recognize,
        node("t1", "reply", to("rec"), text="T1", mode="asr"),
        node("t2", "reply", to("rec"), text="T2", mode="asr"),
        node("n1", "reply", to("clear"), text="N1", mode="asr"),
        node("clear", "clear_errors", to("rec")),
        node("e3", "end"),
        domains={"d": model},
    )
    d = Dialog(r)
    d.start()
    assert prompt(d.send(EventKind.TIMEOUT)) == "T1"  # handed on from the reply
    assert prompt(d.send(EventKind.TIMEOUT)) == "T2"
    third = d.send(EventKind.NOMATCH)
    assert third.action == Release("0") and third.path[-1] == "e3"  # error3

    d = Dialog(r)
    d.start()
    d.send(EventKind.TIMEOUT)
    assert prompt(d.send(EventKind.NOMATCH)) == "N1"
    assert d.state.errors == 2
    result = d.send(EventKind.TEXT, "yes please")
    assert d.state.errors == 0 and result.path[0] == "clear"


def test_recognition_fills_toc_and_branches_on_intent() -> None:
    model = train(
        [
            IntentSpec("balance", ("what is my balance", "how much money do I have", "balance")),
            IntentSpec("agent", ("talk to an agent", "a human please", "representative")),
        ]
    )
    r = release(
        node("s", "start", to("ask")),
        node("ask", "reply", to("rec"), text="How can I help?", mode="asr"),
        node("rec", "recognize", to("bal", intent="balance"), to("ask"), domain="d", threshold=0.2),
        node("bal", "reply", to("e"), text="Intent ${TOC.ChatBotIntentCode}", mode="play"),
        node("e", "end"),
        domains={"d": model},
    )
    d = Dialog(r)
    d.start()
    result = d.send(EventKind.TEXT, "how much money do I have")
    assert prompt(result) == "Intent balance"
    assert result.recognition is not None and result.recognition.intent == "balance"
    assert d.state.variables["IVRREQUEST"]["input"] == "how much money do I have"


def test_judge_assign_and_typed_variables() -> None:
    r = release(
        node("s", "start", to("set")),
        node("set", "assign", to("j"), assignments={"FLOW.count": "'7'", "GLOBAL.vip": "true"}),
        node("j", "judge", to("big", when="FLOW.count > 5 && GLOBAL.vip == 'true'"), to("small")),
        node("big", "reply", to("e"), text="Big ${FLOW.count}", mode="play"),
        node("small", "reply", to("e"), text="Small", mode="play"),
        node("e", "end"),
        variables=(Variable("count", VariableType.INTEGER),),
        global_variables=(Variable("vip", VariableType.STRING),),
    )
    d = Dialog(r)
    assert prompt(d.start()) == "Big 7"
    assert d.state.variables["FLOW"]["count"] == 7
    assert d.state.variables["GLOBAL"]["vip"] == "true"


def test_collect_stores_digits_and_invoke_maps_outputs() -> None:
    balance = BusinessInterface(
        name="bal",
        method="POST",
        url="http://bank/${FLOW.acct}",
        timeout=2,
        inputs=(InterfaceParameter("account", "${FLOW.acct}"),),
        outputs=(InterfaceParameter("amount", "$.result.items[0].amount"),),
        headers=(InterfaceParameter("X-Call", "${SYS.callId}"),),
    )
    r = release(
        node("s", "start", to("c")),
        node("c", "collect", to("i"), text="Account?", variable="FLOW.acct", max_digits=8),
        node(
            "i",
            "invoke",
            to("ok"),
            to("bad", on="SYSERROR_INTERFACE"),
            interface="bal",
            outputs={"amount": "FLOW.amount"},
        ),
        node("ok", "reply", to("e"), text="You have ${FLOW.amount}", mode="play"),
        node("bad", "reply", to("e"), text="Sorry", mode="play"),
        node("e", "end"),
        variables=(Variable("acct", VariableType.STRING), Variable("amount", VariableType.FLOAT)),
        interfaces={"bal": balance},
    )
    answer = InterfaceAnswer({"result": {"items": [{"amount": "12.5"}]}})
    d = Dialog(r, answers={"bal": answer})
    ask = d.start()
    assert isinstance(ask.action, Prompt) and ask.action.max_digits == 8
    assert prompt(d.send(EventKind.DIGITS, "1234#")) == "You have 12.5"
    sent = d.ports.calls[0]
    assert sent.inputs == {"account": "1234"} and sent.url == "http://bank/1234"
    assert sent.headers == {"X-Call": ""} and sent.timeout == 2.0

    d = Dialog(r)  # no answer: the interface failure branch
    d.start()
    assert prompt(d.send(EventKind.DIGITS, "1234")) == "Sorry"
    d = Dialog(r)
    d.start()
    assert prompt(d.send(EventKind.DIGITS, "12ab")) == "Account?"  # not digits: asked again


def test_menu_keys_and_failures() -> None:
    r = release(
        node("s", "start", to("m")),
        node(
            "m",
            "menu",
            to("one", key="1"),
            to("fail", on="failure"),
            text="Press 1",
            max_failures=2,
            error_text="Wrong key.",
            timeout_text="Nothing?",
        ),
        node("one", "end"),
        node("fail", "transfer", trans_type=1, route="700"),
    )
    d = Dialog(r)
    d.start()
    assert prompt(d.send(EventKind.DIGITS, "5")) == "Wrong key. Press 1"
    failed = d.send(EventKind.TIMEOUT)
    assert failed.action == Transfer(1, "700", "")
    assert d.send(EventKind.TRANSFER_DONE).action == Release("0")
    assert d.state.transferred

    d = Dialog(r)
    d.start()
    assert d.send(EventKind.DIGITS, "1").action == Release("0")


def test_failed_transfer_takes_its_failure_branch() -> None:
    r = release(
        node("s", "start", to("t")),
        node(
            "t", "transfer", to("sorry", on="failure"), trans_type=3, route="queue-${SYS.tenantId}"
        ),
        node("sorry", "reply", to("e"), text="Nobody is free", mode="play"),
        node("e", "end"),
    )
    d = Dialog(r)
    d.state.system["tenantId"] = "acme"
    first = d.start()
    assert first.action == Transfer(3, "queue-acme", "")
    assert prompt(d.send(EventKind.TRANSFER_FAILED)) == "Nobody is free"


def test_query_results_land_in_variables() -> None:
    r = release(
        node("s", "start", to("q")),
        node(
            "q",
            "query",
            to("say"),
            prompt_type="2",
            skill_id="5",
            outputs={"queueIndex": "FLOW.position"},
        ),
        node("say", "reply", to("e"), text="You are number ${FLOW.position}", mode="play"),
        node("e", "end"),
        variables=(Variable("position", VariableType.INTEGER),),
    )
    d = Dialog(r)
    assert d.start().action == Query("2", "5", "q")
    assert prompt(d.send(EventKind.QUERY_RESULT, queueIndex="3")) == "You are number 3"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("UTC")), "Open"),  # Wed 07:00 NY
        (datetime(2026, 11, 18, 18, 0, tzinfo=ZoneInfo("UTC")), "Open"),  # Wed 13:00 NY
        (datetime(2026, 11, 21, 18, 0, tzinfo=ZoneInfo("UTC")), "Closed"),  # Saturday
        (datetime(2026, 11, 19, 3, 30, tzinfo=ZoneInfo("UTC")), "Open"),  # Wed 22:30 NY, overnight
        (datetime(2026, 11, 20, 4, 59, 30, tzinfo=ZoneInfo("UTC")), "Open"),  # Thu 23:59:30 NY
        (datetime(2026, 11, 20, 5, 0, tzinfo=ZoneInfo("UTC")), "Open"),  # Fri 00:00 NY
        (datetime(2026, 11, 21, 4, 59, 30, tzinfo=ZoneInfo("UTC")), "Closed"),  # Fri 23:59:30
    ],
)
def test_time_selection_in_the_nodes_zone(now: datetime, expected: str) -> None:
    r = release(
        node("s", "start", to("h")),
        node(
            "h",
            "time",
            to("open", on="open"),
            to("closed", on="closed"),
            timezone="America/New_York",
            periods=[
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"},
                {"days": ["wed"], "from": "22:00", "to": "06:00"},
                {"days": ["wed"], "from": "06:30", "to": "08:00"},
                {"days": ["thu"], "from": "20:00", "to": "24:00"},  # to the day's last second
                {"days": ["fri"], "from": "00:00", "to": "23:59"},  # the last minute closed
            ],
        ),
        node("open", "reply", to("e"), text="Open", mode="play"),
        node("closed", "reply", to("e"), text="Closed", mode="play"),
        node("e", "end"),
    )
    assert prompt(Dialog(r, now_value=now).start()) == expected


def test_subflow_starts_fresh_flow_variables_and_pins_its_version() -> None:
    main = release(
        node("s", "start", to("set")),
        node("set", "assign", to("go"), assignments={"FLOW.x": "'main'", "GLOBAL.g": "'kept'"}),
        node("go", "subflow", flow="sub", node="hello"),
        variables=(Variable("x", VariableType.STRING),),
        global_variables=(Variable("g", VariableType.STRING),),
    )
    sub_v1 = release(
        node("s", "start", to("hello")),
        node("hello", "reply", to("e"), text="x=${FLOW.x} g=${GLOBAL.g}", mode="play"),
        node("e", "end"),
        code="sub",
        variables=(Variable("x", VariableType.STRING, "sub"),),
    )
    sub_v2 = release(
        *sub_v1.flow.nodes[:1],
        node("hello", "reply", to("e"), text="v2", mode="play"),
        node("e", "end"),
        code="sub",
        version=2,
    )
    d = Dialog(main, sub_v1)
    assert prompt(d.start()) == "x=sub g=kept"
    assert d.state.versions == {"main": 1, "sub": 1}
    d.ports.releases["sub"].append(sub_v2)  # published while the call goes on
    assert d.send(EventKind.PLAYOVER).action == Release("0")
    assert ("sub", 1) in d.ports.asked


def test_internal_failures_run_the_exception_flow_or_release_with_reason_1() -> None:
    broken = release(
        node("s", "start", to("j")),
        node("j", "judge", to("x", when="FLOW.missing > 'a'")),  # no default, no match
    )
    assert Dialog(broken).start().action == Release("1")
    fallback = release(
        node("s", "start", to("sorry")),
        node("sorry", "reply", to("e"), text="Something went wrong", mode="play"),
        node("e", "end"),
        code="oops",
        scenario=Scenario.ERROR,
    )
    assert prompt(Dialog(broken, fallback).start()) == "Something went wrong"


def test_a_flow_that_never_asks_anything_is_stopped() -> None:
    looping = release(node("s", "start", to("a")), node("a", "assign", to("a"), assignments={}))
    result = Dialog(looping).start()
    assert result.action == Release("1") and len(result.path) == 200


def test_state_round_trips_through_json() -> None:
    d = Dialog(release(node("s", "start", to("ask")), ASK, node("judge", "end")))
    d.start()
    again = DialogState.from_json(d.state.to_json())
    assert again == d.state
