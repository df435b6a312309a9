"""What the console's workbench asks of a flow before it is released: the publish checks on
an unsaved draft, each problem placed on a node or an edge, and the draft's difference from
the version that callers get now, in the text ``oiap bot pull`` writes."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from oiap.adapters.bot_folder.writer import file_stem, flow_file_text
from oiap.domain.flow_validation import Problem, validate_flow
from oiap.domain.flows import Flow, flow_from_data, flow_to_data
from oiap.errors import Err, OiapError
from oiap.services.flow_publishing import tenant_catalogue
from oiap.services.ports import Storage
from oiap.services.releases import untrainable_domains

UNTRAINABLE = "untrainable-domain"


async def check_draft(storage: Storage, tenant_id: str, flow: Flow) -> list[Problem]:
    """Every problem publishing ``flow`` would meet now, as ``oiap bot validate`` and the
    publish checks find them (the tenant's domains, templates, interfaces ... as stored)."""
    async with storage.reader() as repos:
        domains = [spec for _, spec in await repos.bots.list_domain_specs(tenant_id)]
        catalogue = await tenant_catalogue(repos, tenant_id, domains)
    problems = validate_flow(flow, catalogue)
    return problems + [Problem(UNTRAINABLE, m) for m in untrainable_domains(domains, flow)]


@dataclass(frozen=True)
class FlowDiff:
    version: int | None  # the default version compared against; None before any publish
    before: str
    after: str
    unified: str
    added: list[str]
    removed: list[str]
    changed: list[str]


def _nodes(flow: Flow | None) -> dict[str, object]:
    if flow is None:
        return {}
    return {n["id"]: n for n in flow_to_data(flow)["nodes"]}


def flow_diff(live: Flow | None, version: int | None, draft: Flow) -> FlowDiff:
    before = flow_file_text(live) if live is not None else ""
    after = flow_file_text(draft)
    name = f"flows/{file_stem(draft.code)}.yaml"
    unified = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"{name} (version {version})" if version is not None else "/dev/null",
            tofile=f"{name} (draft)",
        )
    )
    old, new = _nodes(live), _nodes(draft)
    return FlowDiff(
        version=version,
        before=before,
        after=after,
        unified=unified,
        added=[n for n in new if n not in old],
        removed=[n for n in old if n not in new],
        changed=[n for n in new if n in old and new[n] != old[n]],
    )


async def draft_diff(storage: Storage, tenant_id: str, code: str) -> FlowDiff:
    """The draft of ``code`` against its default (live) version."""
    async with storage.reader() as repos:
        stored = await repos.bots.get_flow(tenant_id, code)
        if stored is None:
            raise OiapError(Err.NOT_FOUND, f"No flow '{code}'.")
        versions = await repos.bots.list_versions(tenant_id, code)
    live = next((v for v in versions if v.is_default), None)
    before = flow_from_data(json.loads(live.definition)) if live is not None else None
    return flow_diff(before, live.number if live is not None else None, stored.flow)
