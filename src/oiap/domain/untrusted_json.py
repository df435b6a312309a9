"""JSON from outside (request bodies, business interfaces, language models), read with limits.

Every edge that parses JSON it did not write goes through ``load_untrusted``: the parser
refuses more than 1,024 levels by itself, and we refuse more than ``MAX_DEPTH`` before any
recursive code of ours or a library's walks the value. Text that PostgreSQL cannot store
(NUL, lone surrogates) is found by ``unsafe_text_at`` so an edge can refuse it by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted; real payloads stay under ten."""

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


class UntrustedJsonError(ValueError):
    """The text is not JSON, or not JSON we accept; the message says which."""


class JsonTooDeep(UntrustedJsonError):
    """Arrays and objects nest deeper than the limit."""


@dataclass(frozen=True)
class UntrustedJson:
    """A parsed value and what one walk over it found."""

    value: Any
    unsafe_at: str | None
    """The dotted path of the first key or string holding NUL or a lone surrogate."""
    wide_integer: bool
    """orjson read an integer wider than 64 bits, as a float: its digits were not kept."""


def read_untrusted(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> UntrustedJson:
    """Parse ``raw`` and walk it once (iteratively): its depth, unsafe text, wide integers."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):
            raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels.") from None
        raise UntrustedJsonError("The body is not valid JSON.") from None
    unsafe = wide = False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            unsafe = unsafe or _UNSAFE.search(item) is not None
        elif isinstance(item, float):
            wide = wide or (item.is_integer() and abs(item) >= 2**63)
        elif isinstance(item, dict | list):
            if depth > max_depth:
                raise JsonTooDeep(f"JSON nested deeper than {max_depth} levels.")
            if isinstance(item, dict):
                unsafe = unsafe or any(_UNSAFE.search(key) is not None for key in item)
                children: Any = item.values()
            else:
                children = item
            stack.extend((child, depth + 1) for child in children)
    # The path is only worked out for the rare body that is refused for it.
    return UntrustedJson(value, unsafe_text_at(value) if unsafe else None, wide)


def load_untrusted(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """The parsed value, within the depth limit (answers of interfaces and models)."""
    return read_untrusted(raw, max_depth=max_depth).value


def is_unsafe_text(text: str) -> bool:
    """NUL or a lone surrogate: text no database column or UTF-8 encoder takes."""
    return _UNSAFE.search(text) is not None


def unsafe_text_at(value: Any) -> str | None:
    """The dotted path of the first key or string holding unsafe text, or None."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if is_unsafe_text(item):
                return path or "(body)"
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and is_unsafe_text(key):
                    return where.encode("utf-8", "backslashreplace").decode()
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None
