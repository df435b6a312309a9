"""The flow query interface (spec §6): flows with their publication state."""

from __future__ import annotations

from dataclasses import dataclass

from oiap.services.bot_ports import StoredFlow
from oiap.services.ports import Storage


@dataclass(frozen=True)
class FlowFilter:
    flow_id: str | None = None
    name: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class FlowView:
    stored: StoredFlow
    default_version: int | None  # the version new dialogs run on unless a gray rule applies


def _matches(stored: StoredFlow, wanted: FlowFilter) -> bool:
    return (
        (wanted.flow_id is None or wanted.flow_id == str(stored.flow_id))
        and (wanted.name is None or wanted.name == stored.flow.name)
        and (wanted.code is None or wanted.code == stored.flow.code)
    )


async def query_flows(
    storage: Storage, tenant_id: str, wanted: FlowFilter, page: tuple[int, int] | None
) -> tuple[int, list[FlowView]]:
    """The total of matching flows and the requested page of them (all when no page)."""
    async with storage.reader() as repos:
        found = [s for s in await repos.bots.list_flows(tenant_id) if _matches(s, wanted)]
        if page is not None:
            number, size = page
            shown = found[(number - 1) * size : number * size]
        else:
            shown = found
        views = []
        for stored in shown:
            versions = await repos.bots.list_versions(tenant_id, stored.flow.code)
            default = next((v.number for v in versions if v.is_default), None)
            if default is None and versions:
                default = versions[-1].number  # routing falls back to the newest
            views.append(FlowView(stored, default))
    return len(found), views
