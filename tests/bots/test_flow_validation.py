"""The publish validator: one test per rule, each starting from a flow that passes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from oiap.domain.flow_validation import Catalogue, Rule, validate_flow
from oiap.domain.flows import (
    Branch,
    BusinessInterface,
    Flow,
    InterfaceParameter,
    Node,
    Variable,
    VariableType,
)

CATALOGUE = Catalogue(
    global_variables=frozenset({"vip"}),
    templates=frozenset({"bye"}),
    interfaces={
        "balance": BusinessInterface(
            "balance", "POST", "https://x", outputs=(InterfaceParameter("amount", "r.a"),)
        )
    },
    domains={"banking": frozenset({"balance", "unknown"})},
    faq_groups=frozenset({"general"}),
    subflows={"other": frozenset()},
)


def good_flow(*extra: Node, **changes: Any) -> Flow:
    nodes = (
        Node("start", "start", branches=(Branch("ask"),)),
        Node(
            "ask",
            "reply",
            params={"text": "Hello ${GLOBAL.vip}", "mode": "asr"},
            branches=(Branch("nlu"),),
        ),
        Node(
            "nlu",
            "recognize",
            params={"domain": "banking"},
            branches=(Branch("bye", intent="balance"), Branch("bye", on="nomatch1"), Branch("bye")),
        ),
        Node("bye", "reply", params={"template": "bye", "mode": "play"}, branches=(Branch("end"),)),
        Node("end", "end"),
    )
    flow = Flow(
        "main", "Main", variables=(Variable("amount", VariableType.STRING),), nodes=nodes + extra
    )
    return replace(flow, **changes)


def rules(flow: Flow, catalogue: Catalogue = CATALOGUE) -> set[str]:
    return {p.rule for p in validate_flow(flow, catalogue)}


def swap(flow: Flow, node: Node) -> Flow:
    return replace(flow, nodes=tuple(node if n.id == node.id else n for n in flow.nodes))


def test_good_flow_passes() -> None:
    assert validate_flow(good_flow(), CATALOGUE) == []


def test_unknown_branch_target() -> None:
    flow = swap(
        good_flow(),
        Node("bye", "reply", params={"text": "x", "mode": "play"}, branches=(Branch("nowhere"),)),
    )
    assert Rule.UNKNOWN_TARGET in rules(flow)


def test_unreachable_node() -> None:
    assert rules(good_flow(Node("island", "end"))) == {Rule.UNREACHABLE}


def test_no_path_to_end() -> None:
    flow = swap(
        good_flow(),
        Node("bye", "reply", params={"text": "x", "mode": "asr"}, branches=(Branch("nlu"),)),
    )
    flow = swap(
        flow, Node("nlu", "recognize", params={"domain": "banking"}, branches=(Branch("bye"),))
    )
    found = validate_flow(flow, CATALOGUE)
    assert {p.rule for p in found} >= {Rule.NO_END}
    assert {p.node for p in found if p.rule == Rule.NO_END} >= {"ask", "nlu", "bye"}


@pytest.mark.parametrize(
    "node",
    [
        Node("bye", "menu", params={"text": "press"}, branches=(Branch("end", key="1"),)),
        Node(
            "bye",
            "collect",
            params={"text": "digits", "variable": "FLOW.amount"},
            branches=(Branch("end"),),
        ),
        Node("bye", "reply", params={"text": "x", "mode": "dtmf"}, branches=(Branch("end"),)),
    ],
)
def test_dtmf_node_straight_to_end(node: Node) -> None:
    assert Rule.DTMF_TO_END in rules(swap(good_flow(), node))


def test_text_too_long() -> None:
    flow = swap(
        good_flow(),
        Node(
            "bye", "reply", params={"text": "x" * 4097, "mode": "play"}, branches=(Branch("end"),)
        ),
    )
    assert rules(flow) == {Rule.TEXT_TOO_LONG}
    ok = swap(
        good_flow(),
        Node(
            "bye", "reply", params={"text": "x" * 4096, "mode": "play"}, branches=(Branch("end"),)
        ),
    )
    assert rules(ok) == set()


def test_expression_that_does_not_parse() -> None:
    judge = Node("j", "judge", branches=(Branch("end", when="FLOW.amount >"), Branch("end")))
    flow = swap(
        good_flow(judge),
        Node("bye", "reply", params={"text": "x", "mode": "play"}, branches=(Branch("j"),)),
    )
    assert rules(flow) == {Rule.BAD_EXPRESSION}


def test_unknown_variable_in_text_and_expression() -> None:
    judge = Node("j", "judge", branches=(Branch("end", when="FLOW.nope == 1"), Branch("end")))
    flow = swap(
        good_flow(judge),
        Node(
            "bye",
            "reply",
            params={"text": "${GLOBAL.who}", "mode": "play"},
            branches=(Branch("j"),),
        ),
    )
    problems = validate_flow(flow, CATALOGUE)
    assert [p.rule for p in problems] == [Rule.UNKNOWN_VARIABLE, Rule.UNKNOWN_VARIABLE]


def test_unknown_template() -> None:
    flow = swap(
        good_flow(),
        Node(
            "bye", "reply", params={"template": "nope", "mode": "play"}, branches=(Branch("end"),)
        ),
    )
    assert rules(flow) == {Rule.UNKNOWN_TEMPLATE}


def test_unknown_interface() -> None:
    call = Node("call", "invoke", params={"interface": "nope"}, branches=(Branch("end"),))
    flow = swap(
        good_flow(call),
        Node("bye", "reply", params={"text": "x", "mode": "play"}, branches=(Branch("call"),)),
    )
    assert rules(flow) == {Rule.UNKNOWN_INTERFACE}


def test_unknown_domain_and_intent() -> None:
    flow = swap(
        good_flow(), Node("nlu", "recognize", params={"domain": "cars"}, branches=(Branch("bye"),))
    )
    assert rules(flow) == {Rule.UNKNOWN_DOMAIN}
    flow = swap(
        good_flow(),
        Node(
            "nlu",
            "recognize",
            params={"domain": "banking"},
            branches=(Branch("bye", intent="pizza"), Branch("bye")),
        ),
    )
    assert rules(flow) == {Rule.UNKNOWN_INTENT}


def test_subflow_cycle() -> None:
    hop = Node("hop", "subflow", params={"flow": "other"})
    flow = swap(
        good_flow(hop),
        Node("bye", "reply", params={"text": "x", "mode": "play"}, branches=(Branch("hop"),)),
    )
    flow = replace(flow, nodes=tuple(n for n in flow.nodes if n.id != "end"))
    assert rules(flow) == set()
    cyclic = replace(
        CATALOGUE, subflows={"other": frozenset({"third"}), "third": frozenset({"main"})}
    )
    problems = validate_flow(flow, cyclic)
    assert [p.rule for p in problems] == [Rule.SUBFLOW_CYCLE]
    assert "main -> other -> third -> main" in problems[0].message


def test_every_problem_is_listed_at_once() -> None:
    flow = swap(
        good_flow(Node("island", "end")),
        Node(
            "bye",
            "reply",
            params={"template": "nope", "mode": "play"},
            branches=(Branch("end"), Branch("ghost", on="timeout1")),
        ),
    )
    assert rules(flow) >= {Rule.UNREACHABLE, Rule.UNKNOWN_TEMPLATE, Rule.UNKNOWN_TARGET}


@pytest.mark.parametrize(
    ("start", "end", "valid"),
    [
        ("08:00", "20:00", True),
        ("00:00", "24:00", True),  # the whole day, its last minute included
        ("20:00", "08:00", False),
        ("00:00", "24:30", False),
        ("24:00", "24:00", False),
        ("8:00", "20:00", False),
    ],
)
def test_time_periods(start: str, end: str, valid: bool) -> None:
    hours = Node(
        "hours",
        "time",
        params={
            "timezone": "Europe/Paris",
            "periods": [{"days": ["mon", "sun"], "from": start, "to": end}],
        },
        branches=(Branch("bye", on="open"), Branch("bye", on="closed")),
    )
    assert (Rule.BAD_PARAMETER not in rules(good_flow(hours))) is valid
