"""Reading one YAML file as a tree of marked nodes, so every problem can cite file:line."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 1024 * 1024
"""Largest bot-folder file read; the demo bot's largest is a few kilobytes."""
MAX_NESTING = 64
"""Deepest nesting of mappings and lists in one file; bot files use about six levels."""


class BotFileLoader(yaml.SafeLoader):
    """The safe loader without aliases and with bounded nesting.

    The bot format never needs anchors and aliases (docs/bot-format.md), and an alias is how a
    ten-line file expands to billions of values ("billion laughs"), so an alias is refused
    where it stands. Composing recurses once per level, so nesting is bounded too.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.nesting = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            message = f"aliases (*{event.anchor}) are not supported in bot files; write it out"
            mark = event.start_mark if isinstance(event.start_mark, yaml.error.Mark) else None
            raise yaml.composer.ComposerError(None, None, message, mark)
        if self.nesting >= MAX_NESTING:
            message = f"nested deeper than {MAX_NESTING} levels"
            raise yaml.composer.ComposerError(None, None, message, event.start_mark)
        self.nesting += 1
        try:
            node: yaml.Node | None = super().compose_node(parent, index)
        finally:
            self.nesting -= 1
        return node


def compose_bot_file(text: str) -> yaml.Node | None:
    """One bot-folder YAML document as marked nodes; ``yaml.YAMLError`` names the line."""
    loader = BotFileLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


@dataclass(frozen=True)
class FileProblem:
    file: str
    line: int  # 1-based; 0 when the problem concerns the whole file
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _quoted(message: str) -> list[str]:
    """The values a message quotes, as ``repr`` wrote them, in the order it names them."""
    found = []
    for match in _QUOTED.finditer(message):
        try:
            value = ast.literal_eval(match.group())
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, str) and value:
            found.append(value)
    return found


def _scalars(node: yaml.Node) -> Iterator[yaml.ScalarNode]:
    """Every key and value under ``node``, in the order the file has them."""
    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _scalars(key)
            yield from _scalars(value)


def line_named_by(node: yaml.Node, message: str) -> int:
    """The line, under ``node``, of the key or value that ``message`` quotes.

    Problems found after reading (an unknown branch target, a bad parameter) name the thing
    they are about but not where it stands; the first quoted text that is a key or value of
    the object points at the line to fix (an expression may be quoted inside a longer value).
    Without one, the object's own first line.
    """
    scalars = list(_scalars(node))
    quoted = _quoted(message)
    for text in quoted:
        for scalar in scalars:
            if scalar.value == text:
                return line_of(scalar)
    for text in quoted:
        for scalar in scalars:
            if isinstance(scalar.value, str) and text in scalar.value:
                return line_of(scalar)
    return line_of(node)


@dataclass
class Source:
    """One file being read; collects its problems instead of stopping at the first."""

    name: str
    problems: list[FileProblem] = field(default_factory=list)

    def problem(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(FileProblem(self.name, line_of(node) if node else 0, message))

    def compose(self, path: Path) -> yaml.Node | None:
        try:
            with path.open("rb") as file:
                raw = file.read(MAX_FILE_BYTES + 1)
            text = raw.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(FileProblem(self.name, 0, f"cannot read: {exc}"))
            return None
        if len(raw) > MAX_FILE_BYTES:
            message = f"larger than {MAX_FILE_BYTES // 1024} KiB; split it or shorten it"
            self.problems.append(FileProblem(self.name, 0, message))
            return None
        try:
            root = compose_bot_file(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = int(mark.line) + 1 if mark is not None else 0
            problem = getattr(exc, "problem", None) or str(exc)
            self.problems.append(FileProblem(self.name, line, f"not valid YAML: {problem}"))
            return None
        if root is None:
            self.problems.append(FileProblem(self.name, 0, "the file is empty"))
        return root

    def value(self, node: yaml.Node) -> Any:
        """The plain Python value of a node; None (and a problem) when it cannot be built."""
        try:
            return _plain(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
            self.problem(node, f"cannot read value: {exc}")
            return None

    def mapping(self, node: yaml.Node | None, what: str) -> Fields | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping")
            return None
        return Fields(self, node)

    def sequence(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        return list(node.value)


def _plain(node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key, value in node.value:
            result[str(_plain(key))] = _plain(value)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item) for item in node.value]
    constructor = yaml.SafeLoader("")
    return constructor.construct_object(node, deep=True)


class Fields:
    """The keys of one YAML mapping, read one by one with type checks."""

    def __init__(self, source: Source, node: yaml.MappingNode) -> None:
        self.source = source
        self.node = node
        self.entries: dict[str, yaml.Node] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if not isinstance(name, str):
                source.problem(key, "keys must be plain names")
                continue
            if name in self.entries:
                source.problem(key, f"key {name!r} appears twice")
            self.entries[name] = value

    @property
    def line(self) -> int:
        return line_of(self.node)

    def only(self, *allowed: str) -> None:
        for name, value in self.entries.items():
            if name not in allowed:
                self.source.problem(value, f"unknown key {name!r} (expected {', '.join(allowed)})")

    def has(self, key: str) -> bool:
        return key in self.entries

    def node_of(self, key: str) -> yaml.Node | None:
        return self.entries.get(key)

    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        node = self.entries.get(key)
        if node is None:
            if required:
                self.source.problem(self.node, f"missing {key!r}")
            return default
        value = self.source.value(node)
        if value is None and not required:
            return default
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.source.problem(node, f"{key!r} must be text")
            return default
        return str(value)

    def number(self, key: str, default: float, *, whole: bool = False) -> float:
        node = self.entries.get(key)
        if node is None:
            return default
        value = self.source.value(node)
        ok = isinstance(value, int) if whole else isinstance(value, int | float)
        if isinstance(value, bool) or not ok:
            self.source.problem(node, f"{key!r} must be a {'whole ' if whole else ''}number")
            return default
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        node = self.entries.get(key)
        if node is None:
            return default
        value = self.source.value(node)
        if not isinstance(value, bool):
            self.source.problem(node, f"{key!r} must be true or false")
            return default
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        result = []
        for item in self.source.sequence(self.entries.get(key), repr(key)):
            value = self.source.value(item)
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                self.source.problem(item, f"items of {key!r} must be text")
                continue
            result.append(str(value))
        return tuple(result)

    def items(self, key: str) -> Iterator[yaml.Node]:
        yield from self.source.sequence(self.entries.get(key), repr(key))

    def plain(self, key: str, default: Any = None) -> Any:
        node = self.entries.get(key)
        return default if node is None else self.source.value(node)
