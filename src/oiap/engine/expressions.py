"""Branch-condition expressions: a whitelist parser and evaluator (never ``eval``).

Grammar (JavaScript-like, as flows write it, spec §11.3 Branch Judgment)::

    or      := and ("||" and)*
    and     := unary ("&&" unary)*
    unary   := "!" unary | compare
    compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand)?
    operand := STRING | NUMBER | true | false | null | VARIABLE | "(" or ")"

Variables are dotted names under a known namespace (``FLOW.x``, ``GLOBAL.y``, ``SYS.z``,
``TOC.a``, ``IVRREQUEST.b``). Work is bounded by the text length and the nesting depth, so a
hostile flow cannot make a turn slow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_LENGTH = 4096
MAX_DEPTH = 32
NAMESPACES = ("FLOW", "GLOBAL", "SYS", "TOC", "IVRREQUEST")
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")

Value = str | int | float | bool | None


class ExpressionError(ValueError):
    def __init__(self, position: int, message: str) -> None:
        self.position = position
        self.message = message
        super().__init__(f"{message} at character {position + 1}")


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
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Comparison:
    operator: str
    left: Expr
    right: Expr


Expr = Literal | Variable | Not | Logical | Comparison

_TOKEN = re.compile(
    r"""\s*(?:
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
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            start = position + len(text[position:]) - len(text[position:].lstrip())
            raise ExpressionError(start, f"unexpected character {text[start]!r}")
        start = match.start(match.lastgroup)
        tokens.append(_Token(match.lastgroup, match.group(match.lastgroup), start))
        position = match.end()
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


class _Parser:
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
        expr = self.conjunction(depth)
        while self.at("||"):
            self.take()
            expr = Logical("||", expr, self.conjunction(depth))
        return expr

    def conjunction(self, depth: int) -> Expr:
        expr = self.unary(depth)
        while self.at("&&"):
            self.take()
            expr = Logical("&&", expr, self.unary(depth))
        return expr

    def unary(self, depth: int) -> Expr:
        if depth > MAX_DEPTH:
            token = self.peek()
            raise ExpressionError(token.position if token else 0, "expression nested too deeply")
        if self.at("!"):
            self.take()
            return Not(self.unary(depth + 1))
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
            if depth > MAX_DEPTH:
                raise ExpressionError(token.position, "expression nested too deeply")
            inner = self.disjunction(depth + 1)
            closing = self.peek()
            if closing is None or closing.text != ")":
                where = closing.position if closing else len(self.text)
                raise ExpressionError(where, "missing ')'")
            self.take()
            return inner
        raise ExpressionError(token.position, f"unexpected {token.text!r}")


def parse(text: str) -> Expr:
    """Parse a condition; ``ExpressionError`` says where it goes wrong."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(MAX_LENGTH, f"expression longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionError(0, "empty expression")
    return _Parser(text).parse()


def variables(expr: Expr) -> set[str]:
    """Every variable the expression reads."""
    match expr:
        case Variable(name):
            return {name}
        case Not(operand):
            return variables(operand)
        case Logical(_, left, right) | Comparison(_, left, right):
            return variables(left) | variables(right)
        case _:
            return set()


def truthy(value: object) -> bool:
    if isinstance(value, str):
        return value not in ("", "false")
    return bool(value)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
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
    """The value of ``expr``; ``lookup`` answers a variable's value (None when unset)."""
    match expr:
        case Literal(value):
            return value
        case Variable(name):
            return lookup(name)
        case Not(operand):
            return not truthy(evaluate(operand, lookup))
        case Logical("&&", left, right):
            return truthy(evaluate(left, lookup)) and truthy(evaluate(right, lookup))
        case Logical(_, left, right):
            return truthy(evaluate(left, lookup)) or truthy(evaluate(right, lookup))
        case Comparison(operator, left, right):
            return _compare(operator, evaluate(left, lookup), evaluate(right, lookup))
    raise TypeError(f"not an expression: {expr!r}")
