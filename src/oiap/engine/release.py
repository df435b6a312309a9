"""What a dialog runs on: one published flow version with everything it refers to, frozen.

A release is compiled once (when first needed after publishing) and shared by every dialog on
that version, so a turn never parses a flow, trains a model or reads the database for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from oiap.domain.flows import BusinessInterface, Flow, Node, Scenario, Variable
from oiap.nlu import FaqIndex, IntentModel


@dataclass(frozen=True)
class FlowRelease:
    code: str
    version: int
    flow: Flow
    language: str = "en_US"
    templates: Mapping[str, str] = field(default_factory=dict)
    interfaces: Mapping[str, BusinessInterface] = field(default_factory=dict)
    global_variables: tuple[Variable, ...] = ()
    domains: Mapping[str, IntentModel] = field(default_factory=dict)
    faq: Mapping[str, FaqIndex] = field(default_factory=dict)
    _nodes: dict[str, Node] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for node in self.flow.nodes:
            self._nodes.setdefault(node.id, node)

    def node(self, node_id: str) -> Node | None:
        return self._nodes.get(node_id)

    @property
    def start(self) -> Node | None:
        return next((n for n in self.flow.nodes if n.kind == "start"), None)

    @property
    def is_exception_flow(self) -> bool:
        return self.flow.scenario is Scenario.ERROR


@dataclass(frozen=True)
class InterfaceCall:
    name: str
    method: str
    url: str
    inputs: Mapping[str, str]
    headers: Mapping[str, str]
    timeout: float
    tenant_id: str = ""  # whose dialog calls: each tenant gets its own share of connections


@dataclass(frozen=True)
class InterfaceAnswer:
    """A JSON object answered by the interface, or why there is none."""

    data: Mapping[str, Any] | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.data is not None


class DialogPorts(Protocol):
    """The outside world as one dialog sees it; the service layer supplies it per turn."""

    async def flow(self, code: str, version: int | None) -> FlowRelease | None:
        """The pinned ``version`` of ``code``, or with None the one the caller is routed to."""
        ...

    async def exception_flow(self) -> FlowRelease | None:
        """The tenant's published exception flow (scenario ``SYS_ERROR_DEFAULT``), if any."""
        ...

    async def call_interface(self, call: InterfaceCall) -> InterfaceAnswer: ...

    def now(self) -> datetime:
        """The current time, aware, in the platform's time zone."""
        ...
