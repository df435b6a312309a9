"""The intent list query (spec §10): the intents of a tenant's activated domains."""

from __future__ import annotations

from dataclasses import dataclass

from oiap.domain.bots import UNKNOWN_INTENT_CODE, Domain, Intent
from oiap.errors import Err, OiapError
from oiap.services.ports import Storage


@dataclass(frozen=True)
class IntentView:
    domain: Domain
    intent: Intent


async def query_intents(
    storage: Storage,
    tenant_id: str,
    *,
    language: str,
    domain_id: int | None,
    page: tuple[int, int],
) -> tuple[int, list[IntentView]]:
    """The total of matching intents and one page of them, by domain name then position.

    Only activated domains count, as in the domain query (spec §4); the preset unknown
    intent is left out, as documented. A ``domain_id`` the tenant has no activated domain
    of is unknown (10000003).
    """
    async with storage.reader() as repos:
        specs = [(d, s) for d, s in await repos.bots.list_domain_specs(tenant_id) if d.active]
    if domain_id is not None:
        specs = [(d, s) for d, s in specs if d.domain_id == domain_id]
        if not specs:
            raise OiapError(Err.NOT_FOUND, f"No activated domain {domain_id}.")
    found = [
        IntentView(domain, intent)
        for domain, spec in specs
        if domain.language.value == language
        for intent in spec.intents
        if intent.code != UNKNOWN_INTENT_CODE
    ]
    number, size = page
    return len(found), found[(number - 1) * size : number * size]
