"""What the dialog runtime needs from storage, and the record it keeps of every turn."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


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


class TurnRecordsRefused(Exception):
    """The database refused turn records for something in their data (a value it cannot
    store, a tenant that no longer exists), not because it is away: retrying the same
    records cannot succeed."""


class DialogRepository(Protocol):
    async def get_model(self, tenant_id: str, model_key: str) -> bytes | None: ...

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
