"""Interactive dialogs ("smart chat rooms"): what a dialog reserves and how it is found.

The full writable document of a dialog (video, voices, layers ...) is kept as the client
sent it; the members the platform acts on are lifted out as typed fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class BillingMode(StrEnum):
    CONCURRENCY = "CONCURRENCY"
    CLIENT = "CLIENT"
    CLIENT_TOKENS = "CLIENT_TOKENS"


@dataclass(frozen=True)
class Room:
    room_id: str
    project_id: str
    room_name: str
    create_time: datetime
    update_time: datetime
    document: dict[str, Any] = field(default_factory=dict)
    """Every writable attribute (spec §5.1) the client set, in wire form."""
    last_job_start: datetime | None = None

    @property
    def billing_mode(self) -> BillingMode:
        return BillingMode(self.document.get("billing_mode") or BillingMode.CONCURRENCY)

    @property
    def concurrency(self) -> int:
        return int(self.document.get("concurrency") or 0)

    @property
    def client_nums(self) -> int:
        return int(self.document.get("client_nums") or 0)

    @property
    def reuse_resource(self) -> bool:
        return bool(self.document.get("reuse_resource"))

    @property
    def exit_mute_threshold(self) -> int:
        """Minutes of silence before a job ends; 0 (or unset) never ends one."""
        return int(self.document.get("exit_mute_threshold") or 0)

    @property
    def robot_id(self) -> str | None:
        value = self.document.get("robot_id")
        return str(value) if value else None

    @property
    def model_asset_id(self) -> str | None:
        value = self.document.get("model_asset_id")
        return str(value) if value else None

    @property
    def capacity(self) -> int:
        """Jobs the dialog itself may run at once: sessions or terminals by billing mode."""
        if self.billing_mode is BillingMode.CONCURRENCY:
            return self.concurrency
        return self.client_nums

    @property
    def may_borrow(self) -> bool:
        # Terminal billing cannot reuse unallocated concurrency (spec §10).
        return self.reuse_resource and self.billing_mode is BillingMode.CONCURRENCY


def merged(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """An update keeps the members it does not name (docs/metastudio.md, update semantics)."""
    return {**document, **changes}


@dataclass(frozen=True)
class RoomFilter:
    offset: int = 0
    limit: int = 10
    room_name: str | None = None
    model_name: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


@dataclass(frozen=True)
class RoomTotals:
    count: int
    count_concurrency: int
    count_client_nums: int
    count_client_nums_token: int


def allocated_concurrency(rooms: list[Room]) -> int:
    """What the project's dialogs reserve out of its quota."""
    return sum(r.concurrency for r in rooms if r.billing_mode is BillingMode.CONCURRENCY)


def totals(matching: int, rooms: list[Room]) -> RoomTotals:
    def by_mode(mode: BillingMode) -> int:
        return sum(r.client_nums for r in rooms if r.billing_mode is mode)

    return RoomTotals(
        count=matching,
        count_concurrency=allocated_concurrency(rooms),
        count_client_nums=by_mode(BillingMode.CLIENT),
        count_client_nums_token=by_mode(BillingMode.CLIENT_TOKENS),
    )
