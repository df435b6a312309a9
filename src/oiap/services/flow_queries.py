"""The flow query interface (spec §6): flows with their publication state."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from oiap.domain.flows import Flow, NodeKind, ReplyMode
from oiap.services.bot_ports import StoredFlow
from oiap.services.ports import Storage


class FlowSource(StrEnum):
    """The two kinds of flow the spec's ``source`` asks for."""

    IVR = "IVR"  # a traditional IVR flow: prompts, digits, menus, interfaces, transfers
    OIFDE = "OIFDE"  # an intelligent flow: it understands what the caller says


_UNDERSTANDING_KINDS = frozenset({NodeKind.RECOGNIZE.value, NodeKind.QA.value})
_SPEECH_MODES = frozenset(m.value for m in ReplyMode if m.value.startswith("asr"))


def flow_source(flow: Flow) -> FlowSource:
    """A flow is intelligent once any node understands free input: semantic recognition,
    a Q&A lookup, a robot reply that listens for speech or text (its default mode), or a
    branch taken on an intent. Anything else is what a traditional IVR does."""
    for node in flow.nodes:
        if node.kind in _UNDERSTANDING_KINDS:
            return FlowSource.OIFDE
        mode = node.params.get("mode", ReplyMode.ASR.value)
        if node.kind == NodeKind.REPLY.value and mode in _SPEECH_MODES:
            return FlowSource.OIFDE
        if any(branch.intent for branch in node.branches):
            return FlowSource.OIFDE
    return FlowSource.IVR


@dataclass(frozen=True)
class FlowFilter:
    flow_id: str | None = None
    name: str | None = None
    code: str | None = None
    source: FlowSource = FlowSource.IVR  # the spec's default


@dataclass(frozen=True)
class FlowView:
    stored: StoredFlow
    default_version: int | None  # the version new dialogs run on unless a gray rule applies


def _matches(stored: StoredFlow, wanted: FlowFilter) -> bool:
    return (
        (wanted.flow_id is None or wanted.flow_id == str(stored.flow_id))
        and (wanted.name is None or wanted.name == stored.flow.name)
        and (wanted.code is None or wanted.code == stored.flow.code)
        and flow_source(stored.flow) is wanted.source
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
