"""Flows: a graph of nodes joined by branches, and the resources nodes refer to.

A node's ``params`` stay a plain mapping of JSON values so that a flow reads and writes
unchanged through YAML, JSON and the database; ``flow_validation`` decides what each kind
of node must carry.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

MAX_TEXT = 4096  # any text box of a diagram element (spec §11.2)


class Scenario(StrEnum):
    MAIN = "Default"
    SUB_FLOW = "subFlow"
    ERROR = "SYS_ERROR_DEFAULT"


class NodeKind(StrEnum):
    START = "start"
    REPLY = "reply"  # robot reply
    PLAYBACK = "playback"  # voice playback, collects nothing
    COLLECT = "collect"  # play and collect DTMF digits
    MENU = "menu"
    RECOGNIZE = "recognize"  # semantic recognition
    JUDGE = "judge"  # branch judgment
    ASSIGN = "assign"
    INVOKE = "invoke"  # business interface
    TRANSFER = "transfer"  # call transfer
    SUBFLOW = "subflow"  # flow transfer / sub-flow
    QUERY = "query"  # information query (queue state)
    CLEAR_ERRORS = "clear_errors"
    TIME = "time"  # time selection
    QA = "qa"  # Q&A lookup
    END = "end"


PRESET_CONDITIONS = frozenset(
    {
        "timeout1",
        "timeout2",
        "nomatch1",
        "nomatch2",
        "error3",
        "SYSERROR_INNER",
        "SYSERROR_INTERFACE",
    }
)
DEFAULT_BRANCH = "default"


class ReplyMode(StrEnum):
    """Robot-reply modes (spec §11.4); the value is the ``model_type`` prefix."""

    PLAY = "play"
    ASR = "asr"
    DTMF = "dtmf"
    ASR_DTMF = "asr_dtmf"
    ASR_AFTER = "asr_after"
    ASR_DTMF_AFTER = "asr_dtmf_after"
    DTMF_NO_BARGE = "dtmf_no_barge"

    @property
    def model_type_prefix(self) -> str:
        return {
            "play": "100",
            "asr": "110",
            "dtmf": "101",
            "asr_dtmf": "111",
            "asr_after": "120",
            "asr_dtmf_after": "122",
            "dtmf_no_barge": "102",
        }[self.value]

    @property
    def collects_dtmf(self) -> bool:
        return self.model_type_prefix[2] != "0"


@dataclass(frozen=True)
class Branch:
    """A connection line. Exactly one of the qualifiers says when it is taken; none means
    the default branch."""

    to: str
    on: str | None = None  # preset condition or a kind's own outcome (e.g. "open")
    key: str | None = None  # menu key
    intent: str | None = None  # semantic recognition
    when: str | None = None  # branch judgment expression

    @property
    def label(self) -> str:
        for name in ("on", "key", "intent", "when"):
            value = getattr(self, name)
            if value is not None:
                return f"{name} {value}"
        return DEFAULT_BRANCH


@dataclass(frozen=True)
class Node:
    id: str
    kind: str  # a NodeKind value once validated; kept open so files can say anything
    name: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    branches: tuple[Branch, ...] = ()


class VariableType(StrEnum):
    INTEGER = "integer"
    STRING = "string"
    LONG = "long"
    FLOAT = "float"
    LIST = "list"
    OBJECT = "object"

    def default(self) -> Any:
        return {
            "integer": 0,
            "string": None,
            "long": 0,
            "float": 0.0,
            "list": [],
            "object": {},
        }[self.value]


@dataclass(frozen=True)
class Variable:
    name: str  # without namespace
    type: VariableType
    default: Any = None
    description: str = ""


@dataclass(frozen=True)
class Flow:
    code: str
    name: str
    scenario: Scenario = Scenario.MAIN
    description: str = ""
    variables: tuple[Variable, ...] = ()  # FLOW.* variables
    nodes: tuple[Node, ...] = ()

    def node(self, node_id: str) -> Node | None:
        return next((n for n in self.nodes if n.id == node_id), None)


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    description: str = ""


@dataclass(frozen=True)
class InterfaceParameter:
    name: str
    value: str = ""  # input/header: constant or ``${FLOW.x}``; output: JSON path
    description: str = ""


@dataclass(frozen=True)
class BusinessInterface:
    name: str
    method: str
    url: str
    timeout: int = 5
    inputs: tuple[InterfaceParameter, ...] = ()
    outputs: tuple[InterfaceParameter, ...] = ()
    headers: tuple[InterfaceParameter, ...] = ()
    description: str = ""

    def duplicates(self) -> tuple[str | None, str | None, str | None]:
        """The first repeated input, output and header name (10000006/7/8)."""

        def first_repeat(params: tuple[InterfaceParameter, ...]) -> str | None:
            seen: set[str] = set()
            for p in params:
                if p.name in seen:
                    return p.name
                seen.add(p.name)
            return None

        return first_repeat(self.inputs), first_repeat(self.outputs), first_repeat(self.headers)


PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def placeholders(text: str) -> list[str]:
    """The variable names written ``${...}`` in a reply or template text."""
    return [m.strip() for m in PLACEHOLDER.findall(text)]


# -- canonical form: what a published version stores and a turn loads ------------------


def flow_to_data(flow: Flow) -> dict[str, Any]:
    return {
        "code": flow.code,
        "name": flow.name,
        "scenario": flow.scenario.value,
        "description": flow.description,
        "variables": [variable_to_data(v) for v in flow.variables],
        "nodes": [
            {
                "id": n.id,
                "kind": n.kind,
                "name": n.name,
                "params": n.params,
                "branches": [
                    {k: v for k, v in vars(b).items() if v is not None} for b in n.branches
                ],
            }
            for n in flow.nodes
        ],
    }


def variable_to_data(v: Variable) -> dict[str, Any]:
    return {
        "name": v.name,
        "type": v.type.value,
        "default": v.default,
        "description": v.description,
    }


def variable_from_data(data: dict[str, Any]) -> Variable:
    return Variable(
        name=data["name"],
        type=VariableType(data["type"]),
        default=data.get("default"),
        description=data.get("description", ""),
    )


def flow_from_data(data: dict[str, Any]) -> Flow:
    return Flow(
        code=data["code"],
        name=data["name"],
        scenario=Scenario(data.get("scenario", Scenario.MAIN.value)),
        description=data.get("description", ""),
        variables=tuple(variable_from_data(v) for v in data.get("variables", [])),
        nodes=tuple(
            Node(
                id=n["id"],
                kind=n["kind"],
                name=n.get("name", ""),
                params=dict(n.get("params", {})),
                branches=tuple(Branch(**b) for b in n.get("branches", [])),
            )
            for n in data.get("nodes", [])
        ),
    )


def canonical_json(flow: Flow) -> str:
    """One spelling per flow, so equal flows store equal bytes and compare cheaply."""
    return json.dumps(flow_to_data(flow), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
