"""Expression limits: every size a hostile flow controls is bounded when it is parsed, and
evaluation fails only as ``EvaluationError`` (which a dialog turns into SYSERROR_INNER)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oiap.engine.expressions import (
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER_DIGITS,
    MAX_STRING_LENGTH,
    MAX_TERMS,
    EvaluationError,
    ExpressionError,
    Literal,
    Logical,
    Not,
    evaluate,
    parse,
    variables,
)


def value_of(text: str, **values: object) -> object:
    return evaluate(parse(text), lambda name: values.get(name.replace(".", "_")))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 == " + "1" * 4000, f"number literal longer than {MAX_NUMBER_DIGITS} digits"),
        ("FLOW.x > " + "9" * (MAX_NUMBER_DIGITS + 1), "number literal longer"),
        ("FLOW.x > 1." + "5" * MAX_NUMBER_DIGITS, "number literal longer"),
        ("FLOW.x == '" + "a" * (MAX_STRING_LENGTH + 1) + "'", "string literal longer"),
        ("||".join(["1"] * 1365), f"more than {MAX_TERMS} terms"),
        ("&&".join(["FLOW.a"] * (MAX_TERMS + 1)), "more than"),
        ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "nested too deeply"),
        ("!" * (MAX_DEPTH + 1) + "1", "nested too deeply"),
        ("1" + " " * MAX_LENGTH, f"longer than {MAX_LENGTH} characters"),
    ],
    ids=[
        "4000-digits",
        "31-digits",
        "long-fraction",
        "long-string",
        "1365-terms",
        "129-terms",
        "parentheses",
        "negations",
        "length",
    ],
)
def test_limits_are_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse(text)


def test_the_largest_accepted_expressions_evaluate() -> None:
    assert value_of("9" * MAX_NUMBER_DIGITS + " > 1") is True
    assert value_of("FLOW.s == '" + "a" * MAX_STRING_LENGTH + "'", FLOW_s="a" * 1024) is True
    assert value_of("||".join(["0"] * (MAX_TERMS - 1) + ["1"])) is True
    assert value_of("&&".join(["1"] * MAX_TERMS)) is True
    nested = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert value_of(nested) == 1
    assert value_of("!" * MAX_DEPTH + "1") is (MAX_DEPTH % 2 == 0)


def test_chains_are_flat_so_nothing_walks_deep() -> None:
    tree = parse("||".join(f"FLOW.v{i} == {i}" for i in range(MAX_TERMS // 2)))
    assert isinstance(tree, Logical) and len(tree.operands) == MAX_TERMS // 2
    assert len(variables(tree)) == MAX_TERMS // 2


@pytest.mark.parametrize("text", ["9**9**9", "'a' * 1000000000", "FLOW.x + 1", "1 << 100000"])
def test_there_is_no_arithmetic_to_blow_up(text: str) -> None:
    with pytest.raises(ExpressionError, match="unexpected"):
        parse(text)


def test_wide_integers_compare_exactly_without_overflow() -> None:
    # An interface or an older release may hand over integers no float can hold.
    huge = 10**4000
    assert value_of("FLOW.n > 5", FLOW_n=huge) is True
    assert value_of("FLOW.n == 1.5", FLOW_n=huge) is False
    assert value_of("FLOW.n < FLOW.m", FLOW_n=huge, FLOW_m=huge + 1) is True
    assert value_of("FLOW.s > 5", FLOW_s="1e999") is True  # text reads as infinity


def test_any_failure_while_evaluating_is_an_evaluation_error() -> None:
    # int -> str refuses more than 4,300 digits (CPython's limit against quadratic work).
    with pytest.raises(EvaluationError):
        value_of("FLOW.n == 'text'", FLOW_n=10**5000)

    class Hostile:
        def __eq__(self, other: object) -> bool:
            raise OverflowError("overflow")

        __hash__ = None  # type: ignore[assignment]

    with pytest.raises(EvaluationError, match="OverflowError"):
        value_of("FLOW.x == 1", FLOW_x=Hostile())
    with pytest.raises(EvaluationError):
        evaluate(parse("FLOW.x"), lambda _name: (_ for _ in ()).throw(KeyError("x")))


def test_a_hand_built_tree_past_the_stack_is_an_evaluation_error() -> None:
    tree: Not | Literal = Literal(True)
    for _ in range(100_000):
        tree = Not(tree)
    with pytest.raises(EvaluationError, match="RecursionError"):
        evaluate(tree, lambda _name: None)


_PIECES = st.sampled_from(
    ["1", "9" * 31, "FLOW.a", "'x'", "(", ")", "!", "&&", "||", "==", "<", " ", "null"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=400))
def test_any_token_soup_parses_and_evaluates_or_is_refused_cleanly(pieces: list[str]) -> None:
    text = "".join(pieces)
    with contextlib.suppress(ExpressionError):
        tree = parse(text)
        variables(tree)
        evaluate(tree, lambda _name: "1")


def test_a_text_of_the_longest_length_made_of_terms_is_refused() -> None:
    text = "||".join(["FLOW.a"] * (MAX_LENGTH // 8))
    with pytest.raises(ExpressionError, match="terms"):
        parse(text)
