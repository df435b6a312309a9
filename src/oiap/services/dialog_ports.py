"""What the dialog runtime needs from storage, and the record it keeps of every turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class TurnRecord:
    """One request of a dialog and what the platform answered (analytics, spec §10)."""

    tenant_id: str
    call_id: str
    calling: str
    access_code: str
    at: datetime
    inter_idx: int
    inaction: int
    input: str
    intent: str | None
    score: float | None
    source: str | None  # "intent" or "faq"
    reply: str
    outaction: int
    flow_code: str
    flow_version: int
    node: str | None
    latency_ms: float
    # Facts for analytics and replay (migration 0009; /work/notes/turn-record-fields.md).
    # Plain JSON values only: a record crosses the Redis stream as JSON and comes back with
    # lists where tuples were.
    entry_node: str | None = None  # the node the dialog waited at when the request came
    path: tuple[str, ...] = ()  # nodes run in this turn
    exits: tuple[tuple[str, str, str], ...] = ()  # (node, branch label, next node)
    faults: tuple[tuple[str, str], ...] = ()  # (node, timeout | nomatch | error3 | SYSERROR_*)
    interfaces: tuple[dict[str, Any], ...] = ()  # see INTERFACE_FACT_KEYS in turn_facts
    transfer_type: int | None = None  # outaction 11
    release_reason: str | None = None  # outaction 10
    hangup: bool = False  # the caller hung up
    call_outcome: str | None = None  # "contained" | "transferred" | "abandoned", once a call
    ended: bool = False  # this turn ended the dialog


# -- what analytics reads (adapters/sql/analytics_queries.py) ------------------------------


@dataclass(frozen=True)
class Scope:
    """Which turns a figure counts: a tenant's, in a time range, with optional filters."""

    tenant_id: str
    start: datetime
    end: datetime  # exclusive
    access_code: str | None = None
    flow_code: str | None = None
    flow_version: int | None = None


@dataclass(frozen=True)
class Count:
    hour: datetime | None  # None when summed over the whole range
    metric: str
    key: str
    count: int


@dataclass(frozen=True)
class Utterance:
    text: str
    intent: str | None
    score: float | None
    at: datetime
    call_id: str
    flow_code: str
    flow_version: int
    node: str | None


class TurnRecordsRefused(Exception):
    """The database refused turn records for something in their data (a value it cannot
    store, a tenant that no longer exists), not because it is away: retrying the same
    records cannot succeed."""


class DialogRepository(Protocol):
    async def get_model(self, tenant_id: str, model_key: str) -> bytes | None: ...

    async def delete_turns_before(self, cutoff: datetime, limit: int) -> int:
        """Delete up to ``limit`` of the oldest turn records made before ``cutoff``."""
        ...

    async def has_model(self, tenant_id: str, model_key: str) -> bool: ...

    async def put_model(self, tenant_id: str, model_key: str, domain: str, data: bytes) -> None: ...

    async def add_turns(self, records: list[TurnRecord]) -> None:
        """Raises ``TurnRecordsRefused`` when the records' data is refused."""
        ...

    async def list_turns(
        self,
        tenant_id: str,
        *,
        calling: str | None = None,
        call_id: str | None = None,
        limit: int = 100,
    ) -> list[TurnRecord]: ...

    async def analytics_counts(
        self, scope: Scope, metrics: Sequence[str], *, by_hour: bool
    ) -> list[Count]:
        """Sums of the hourly rollup (services/turn_facts.py) by metric and key."""
        ...

    async def not_understood(self, scope: Scope, *, below: float, limit: int) -> list[Utterance]:
        """The latest turns recognised as Unknown or below ``below`` confidence."""
        ...
