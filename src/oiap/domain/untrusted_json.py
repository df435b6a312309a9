"""JSON from outside (request bodies, business interfaces, language models), read with limits.

Every edge that parses JSON it did not write goes through ``load_untrusted``: the parser
refuses more than 1,024 levels by itself, and we refuse more than ``MAX_DEPTH`` before any
recursive code of ours or a library's walks the value. Text that PostgreSQL cannot store
(NUL, lone surrogates) is found by ``unsafe_text_at`` so an edge can refuse it by name.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects accepted; real payloads stay under ten."""

_UNSAFE = re.compile("[\x00\ud800-\udfff]")


class UntrustedJsonError(ValueError):
    """The text is not JSON, or not JSON we accept; the message says which."""


def load_untrusted(raw: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc):
            raise UntrustedJsonError(f"JSON nested deeper than {max_depth} levels.") from None
        raise UntrustedJsonError("The body is not valid JSON.") from None
    if depth_exceeds(value, max_depth):
        raise UntrustedJsonError(f"JSON nested deeper than {max_depth} levels.")
    return value


def depth_exceeds(value: Any, max_depth: int) -> bool:
    """Whether arrays and objects nest deeper than ``max_depth``; iterative, never recursive."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > max_depth:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


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
