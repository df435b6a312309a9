"""Branch-condition expressions: a whitelist parser and evaluator (never ``eval``).

Grammar (JavaScript-like, as flows write it, spec §11.3 Branch Judgment)::

    or      := and ("||" and)*
    and     := unary ("&&" unary)*
    unary   := "!" unary | compare
    compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand := STRING | NUMBER | true | false | null | VARIABLE | "(" or ")"

Variables are dotted names under a known namespace (``FLOW.x``, ``GLOBAL.y``, ``SYS.z``,
``TOC.a``, ``IVRREQUEST.b``). There is no arithmetic, so no expression can compute a huge
number or string. A flow is configuration a tenant writes, so every size is bounded when it
is parsed (at publish, and again at run time): the text, each literal, the number of terms and
the nesting. ``||`` and ``&&`` chains are held flat, so the tree is never deeper than the
nesting allows and nothing that walks it can exhaust the stack.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_LENGTH = 4096
MAX_DEPTH = 32
"""Parentheses and ``!`` nested in one another."""
MAX_TERMS = 128
"""Operands (literals and variables) in one expression; real conditions use a handful."""
MAX_NUMBER_DIGITS = 30
"""Digits in a number literal, both sides of the point; account numbers fit, 10**4000 does not."""
MAX_STRING_LENGTH = 1024
"""Characters in a string literal, between the quotes."""
NAMESPACES = ("FLOW", "GLOBAL", "SYS", "TOC", "IVRREQUEST")
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")

Value = str | int | float | bool | None


class ExpressionError(ValueError):
    """The text is not an expression we run; ``position`` is where it goes wrong."""

    def __init__(self, position: int, message: str) -> None:
        self.position = position
        self.message = message
        super().__init__(f"{message} at character {position + 1}")


class EvaluationError(ValueError):
    """Evaluating a parsed expression failed on the values it met (the dialog takes
    ``SYSERROR_INNER``); whatever the evaluator raised is its cause."""


@dataclass(frozen=True)
class Literal:
    value: Value


@dataclass(frozen=True)
class Variable:
    name: str  # full dotted name, e.g. "FLOW.balance"

    @property
    def namespace(self) -> str:
        return self.name.split(".", 1)[0]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class Logical:
    operator: str  # "&&" or "||"
    operands: tuple[Expr, ...]  # two or more, evaluated left to right with short-circuit


@dataclass(frozen=True)
class Comparison:
    operator: str
    left: Expr
    right: Expr


Expr = Literal | Variable | Not | Logical | Comparison

_SPACE = re.compile(r"\s*")
_TOKEN = re.compile(
    r"""(?:
        (?P<number>-?\d+(?:\.\d+)?)
      | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op>&&|\|\||==|!=|<=|>=|<|>|!|\(|\))
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    terms = 0
    position = _skip_space(text, 0)
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            raise ExpressionError(position, f"unexpected character {text[position]!r}")
        token = _Token(match.lastgroup, match.group(), position)
        _check_literal(token)
        if token.kind != "op":
            terms += 1
            if terms > MAX_TERMS:
                raise ExpressionError(position, f"more than {MAX_TERMS} terms")
        tokens.append(token)
        position = _skip_space(text, match.end())
    return tokens


def _skip_space(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


def _check_literal(token: _Token) -> None:
    if token.kind == "number":
        digits = sum(c.isdigit() for c in token.text)
        if digits > MAX_NUMBER_DIGITS:
            raise ExpressionError(
                token.position, f"number literal longer than {MAX_NUMBER_DIGITS} digits"
            )
    elif token.kind == "string" and len(token.text) - 2 > MAX_STRING_LENGTH:
        raise ExpressionError(
            token.position, f"string literal longer than {MAX_STRING_LENGTH} characters"
        )


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
    """Recursive descent whose recursion is bounded: every level of ``(`` or ``!`` counts
    towards ``MAX_DEPTH`` before it recurses, and chains are built as flat tuples."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.peek()
        if token is None:
            raise ExpressionError(len(self.text), "unexpected end of expression")
        self.index += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == "op" and token.text in texts

    def parse(self) -> Expr:
        expr = self.disjunction(0)
        token = self.peek()
        if token is not None:
            raise ExpressionError(token.position, f"unexpected {token.text!r}")
        return expr

    def disjunction(self, depth: int) -> Expr:
        operands = [self.conjunction(depth)]
        while self.at("||"):
            self.take()
            operands.append(self.conjunction(depth))
        return operands[0] if len(operands) == 1 else Logical("||", tuple(operands))

    def conjunction(self, depth: int) -> Expr:
        operands = [self.unary(depth)]
        while self.at("&&"):
            self.take()
            operands.append(self.unary(depth))
        return operands[0] if len(operands) == 1 else Logical("&&", tuple(operands))

    def deeper(self, depth: int, token: _Token) -> int:
        if depth >= MAX_DEPTH:
            raise ExpressionError(
                token.position, f"expression nested too deeply (more than {MAX_DEPTH} levels)"
            )
        return depth + 1

    def unary(self, depth: int) -> Expr:
        if self.at("!"):
            inner = self.deeper(depth, self.take())
            return Not(self.unary(inner))
        left = self.operand(depth)
        if self.at(*COMPARISONS):
            operator = self.take().text
            return Comparison(operator, left, self.operand(depth))
        return left

    def operand(self, depth: int) -> Expr:
        token = self.take()
        if token.kind == "number":
            number = float(token.text) if "." in token.text else int(token.text)
            return Literal(number)
        if token.kind == "string":
            return Literal(_unquote(token.text))
        if token.kind == "name":
            if token.text in ("true", "false"):
                return Literal(token.text == "true")
            if token.text == "null":
                return Literal(None)
            namespace, _, rest = token.text.partition(".")
            if namespace not in NAMESPACES or not rest:
                raise ExpressionError(
                    token.position,
                    f"unknown name {token.text!r}; variables start with "
                    + ", ".join(f"{n}." for n in NAMESPACES),
                )
            return Variable(token.text)
        if token.text == "(":
            inner = self.disjunction(self.deeper(depth, token))
            closing = self.peek()
            if closing is None or closing.text != ")":
                where = closing.position if closing else len(self.text)
                raise ExpressionError(where, "missing ')'")
            self.take()
            return inner
        raise ExpressionError(token.position, f"unexpected {token.text!r}")


def parse(text: str) -> Expr:
    """Parse a condition; ``ExpressionError`` says where it goes wrong (or which limit)."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH, f"expression longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError(0, "empty expression")
    return _Parser(text).parse()


def variables(expr: Expr) -> set[str]:
    """Every variable the expression reads (walked with a stack, not recursion)."""
    found: set[str] = set()
    stack: list[Expr] = [expr]
    while stack:
        match stack.pop():
            case Variable(name):
                found.add(name)
            case Not(operand):
                stack.append(operand)
            case Logical(_, operands):
                stack.extend(operands)
            case Comparison(_, left, right):
                stack.extend((left, right))
    return found


def truthy(value: object) -> bool:
    if isinstance(value, str):
        return value not in ("", "false")
    return bool(value)


def _number(value: object) -> int | float | None:
    # Integers stay integers: Python compares int with int or float exactly, where turning a
    # wide integer into a float would overflow.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _compare(operator: str, left: object, right: object) -> bool:
    # Flow variables arrive as strings from the IVR; compare as numbers when both sides
    # read as numbers (so "10" > 9), otherwise as text (so '110000' < '220000' works too).
    a, b = _number(left), _number(right)
    if a is None or b is None:
        if operator in ("==", "!="):
            same = left == right or (left is not None and str(left) == str(right))
            return same if operator == "==" else not same
        if left is None or right is None:
            return False
        sa, sb = str(left), str(right)
        return {"<": sa < sb, "<=": sa <= sb, ">": sa > sb, ">=": sa >= sb}[operator]
    return {
        "==": a == b,
        "!=": a != b,
        "<": a < b,
        "<=": a <= b,
        ">": a > b,
        ">=": a >= b,
    }[operator]


def evaluate(expr: Expr, lookup: Callable[[str], object]) -> object:
    """The value of ``expr``; ``lookup`` answers a variable's value (None when unset).

    Whatever goes wrong on the values met (a text form too long to build, a value that
    refuses comparison, an expression tree built by hand past the stack) is raised as
    ``EvaluationError``, the one failure a dialog turns into ``SYSERROR_INNER``.
    """
    try:
        return _value(expr, lookup)
    except EvaluationError:
        raise
    except (ArithmeticError, ValueError, TypeError, LookupError, RecursionError) as exc:
        raise EvaluationError(f"cannot evaluate: {type(exc).__name__}: {exc}") from exc


def _value(expr: Expr, lookup: Callable[[str], object]) -> object:
    match expr:
        case Literal(value):
            return value
        case Variable(name):
            return lookup(name)
        case Not(operand):
            return not truthy(_value(operand, lookup))
        case Logical("&&", operands):
            return all(truthy(_value(o, lookup)) for o in operands)
        case Logical(_, operands):
            return any(truthy(_value(o, lookup)) for o in operands)
        case Comparison(operator, left, right):
            return _compare(operator, _value(left, lookup), _value(right, lookup))
    raise TypeError(f"not an expression: {expr!r}")
