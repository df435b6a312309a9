"""What callers said and what the platform answered: the record of dialog turns (spec §10)."""

from __future__ import annotations

from dataclasses import dataclass

from oiap.services.dialog_ports import TurnRecord
from oiap.services.ports import Storage

MAX_TURNS_PER_CALL = 500


@dataclass(frozen=True)
class CallHistory:
    call_id: str
    calling: str
    turns: list[TurnRecord]


async def latest_call(storage: Storage, tenant_id: str, calling: str) -> CallHistory | None:
    """The turns of the caller's latest call to this tenant, first turn first."""
    async with storage.reader() as repos:
        latest = await repos.dialogs.list_turns(tenant_id, calling=calling, limit=1)
        if not latest:
            return None
        call_id = latest[0].call_id
        turns = await repos.dialogs.list_turns(tenant_id, call_id=call_id, limit=MAX_TURNS_PER_CALL)
    return CallHistory(call_id, calling, list(reversed(turns)))
