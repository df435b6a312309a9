"""Publishing flows into immutable versions, and choosing which versions serve calls."""

from __future__ import annotations

import json
from collections.abc import Mapping

from oiap.domain.bot_definition import catalogue_of
from oiap.domain.bots import DomainSpec
from oiap.domain.flow_validation import Catalogue, Problem, validate_flow
from oiap.domain.flow_versions import GrayRule, VersionRouting, select_version
from oiap.domain.flows import Flow, canonical_json, flow_from_data
from oiap.errors import Err, OiapError
from oiap.services.bot_ports import FlowVersion
from oiap.services.ports import Repositories, Storage
from oiap.services.releases import freeze_resources, untrainable_domains

CLI_ACTOR = "cli"
"""The author recorded for versions published from the command line (``oiap bot push``)."""
NOTE_MAX = 1024


class InvalidConfiguration(OiapError):
    """Refused configuration; the body lists every problem, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(Err.CONFIGURATION_INVALID, f"{len(problems)} problem(s).")
        self.problems = problems

    def body(self) -> dict[str, object]:
        return {**super().body(), "problems": self.problems}


async def tenant_catalogue(
    repos: Repositories, tenant_id: str, domains: list[DomainSpec]
) -> Catalogue:
    flows = [s.flow for s in await repos.bots.list_flows(tenant_id)]
    return catalogue_of(
        variables=await repos.bots.list_variables(tenant_id),
        templates=await repos.bots.list_templates(tenant_id),
        interfaces=await repos.bots.list_interfaces(tenant_id),
        domains=domains,
        faq_groups=[g.group.name for g in await repos.bots.list_faq_groups(tenant_id)],
        flows=flows,
    )


def problem_lines(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


async def publish_in(
    repos: Repositories,
    tenant_id: str,
    code: str,
    *,
    published_by: str = CLI_ACTOR,
    note: str | None = None,
) -> FlowVersion:
    """Publish the draft of ``code`` inside an open transaction.

    The draft is validated against everything the tenant has now; the stored version is
    the canonical JSON of the validated flow, so a turn loads it without re-checking, with
    the resources it runs with frozen beside it (``releases.freeze_resources``). A draft and
    resources equal to the latest version's publish nothing new (and ``note`` is dropped).
    The version records who published it and their note; a caller that names nobody is
    the command line.
    """
    if note is not None and len(note) > NOTE_MAX:
        raise OiapError(Err.PARAMETER, f"'note' is at most {NOTE_MAX} characters.")
    stored = await repos.bots.get_flow(tenant_id, code)
    if stored is None:
        raise OiapError(Err.NOT_FOUND, f"No flow '{code}'.")
    domains = [spec for _, spec in await repos.bots.list_domain_specs(tenant_id)]
    catalogue = await tenant_catalogue(repos, tenant_id, domains)
    problems = [f"flow {code!r}: {p}" for p in validate_flow(stored.flow, catalogue)]
    problems += untrainable_domains(domains, stored.flow)
    if problems:
        raise InvalidConfiguration(problems)
    definition = canonical_json(stored.flow)
    resources = await freeze_resources(repos, tenant_id, stored.flow, domains)
    versions = await repos.bots.list_versions(tenant_id, code)
    if versions and (versions[-1].definition, versions[-1].resources) == (definition, resources):
        return versions[-1]
    version = await repos.bots.add_version(
        tenant_id, code, definition, resources, published_by=published_by, note=note or None
    )
    if not any(v.is_default for v in versions):
        routing = [v.routing for v in versions] + [VersionRouting(version.number, True)]
        await repos.bots.set_routing(tenant_id, code, routing)
    return version


async def publish_flow(
    storage: Storage,
    tenant_id: str,
    code: str,
    *,
    published_by: str = CLI_ACTOR,
    note: str | None = None,
) -> FlowVersion:
    async with storage.transaction() as repos:
        return await publish_in(repos, tenant_id, code, published_by=published_by, note=note)


async def publish_draft(
    storage: Storage, tenant_id: str, code: str, *, published_by: str, note: str | None
) -> tuple[FlowVersion, bool]:
    """Publish the draft (the management API's publish); ``True`` when that made a new
    version. The version is answered as routing left it: the first becomes the default."""
    async with storage.transaction() as repos:
        before = await repos.bots.list_versions(tenant_id, code)
        published = await publish_in(repos, tenant_id, code, published_by=published_by, note=note)
        version = await repos.bots.get_version(tenant_id, code, published.number)
    assert version is not None
    created = not before or before[-1].number != version.number
    return version, created


async def set_routing(
    storage: Storage,
    tenant_id: str,
    code: str,
    *,
    default: int,
    gray: Mapping[int, GrayRule],
) -> list[FlowVersion]:
    """Make ``default`` the default version and give the listed versions gray rules.

    Rolling back is this with an older ``default``. Versions not named lose their rules.
    """
    async with storage.transaction() as repos:
        if await repos.bots.get_flow(tenant_id, code) is None:
            raise OiapError(Err.NOT_FOUND, f"No flow '{code}'.")
        numbers = {v.number for v in await repos.bots.list_versions(tenant_id, code)}
        unknown = sorted(({default} | set(gray)) - numbers)
        if unknown:
            raise OiapError(Err.NOT_FOUND, f"Flow '{code}' has no version {unknown[0]}.")
        if default in gray:
            raise OiapError(Err.PARAMETER, "The default version takes the calls no rule names.")
        if any(rule.empty for rule in gray.values()):
            raise OiapError(Err.PARAMETER, "A gray rule names numbers or prefixes.")
        routing = [VersionRouting(n, n == default, gray.get(n)) for n in sorted(numbers)]
        await repos.bots.set_routing(tenant_id, code, routing)
        return await repos.bots.list_versions(tenant_id, code)


async def version_for_call(
    storage: Storage, tenant_id: str, code: str, calling_number: str
) -> tuple[int, Flow] | None:
    """The published flow a new dialog from ``calling_number`` runs on."""
    async with storage.reader() as repos:
        versions = await repos.bots.list_versions(tenant_id, code)
    number = select_version([v.routing for v in versions], calling_number)
    if number is None:
        return None
    version = next(v for v in versions if v.number == number)
    return number, flow_from_data(json.loads(version.definition))
