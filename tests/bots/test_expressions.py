from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oiap.engine.expressions import ExpressionError, evaluate, parse, variables


def run(text: str, **values: object) -> object:
    return evaluate(parse(text), lambda name: values.get(name.replace(".", "_")))


def test_comparisons_and_logic() -> None:
    assert run("FLOW.x > 3 && FLOW.y == 'a'", FLOW_x="10", FLOW_y="a") is True
    assert run("!(FLOW.x > 3) || GLOBAL.n <= 1", FLOW_x=5, GLOBAL_n=2) is False
    assert run(
        "(SYS.systemTime > '110000') && (SYS.systemTime < '220000')", SYS_systemTime="120000"
    )
    assert run('FLOW.s != "b"', FLOW_s="a") is True
    assert run("FLOW.missing == null") is True


def test_variables_are_listed() -> None:
    assert variables(parse("FLOW.a > 1 && !(GLOBAL.b == TOC.c)")) == {"FLOW.a", "GLOBAL.b", "TOC.c"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "FLOW.x >",
        "x == 1",
        "FLOW.x == 1 &&",
        "(FLOW.x == 1",
        "FLOW.x = 1",
        "__import__('os')",
        "FLOW.x == 1)",
        "FLOW.x + 1",
    ],
)
def test_malformed_expressions_are_refused(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_nesting_is_bounded() -> None:
    with pytest.raises(ExpressionError, match="deeply"):
        parse("(" * 200 + "FLOW.x" + ")" * 200)
    with pytest.raises(ExpressionError, match="deeply"):
        parse("!" * 200 + "FLOW.x")


@given(st.text(max_size=200))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    with contextlib.suppress(ExpressionError):
        parse(text)
