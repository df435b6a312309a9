"""Access-code bindings managed over the OIAP interfaces (spec §5): one function per call.

Every lookup is filtered by tenant, so an access ID of another tenant reads as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from oiap.domain.bots import AccessCode, DialogType, Domain, access_code_problem
from oiap.errors import Err, OiapError
from oiap.services.bot_ports import StoredAccessCode
from oiap.services.ports import Repositories, Storage

FIRST_GENERATED_CODE = 10000
ACCESS_ID_MAX = 2**31 - 1  # the column is a 32-bit integer; larger ids cannot exist


@dataclass(frozen=True)
class BindingView:
    """A binding as the query interface shows it: domain by id, flow with its name."""

    stored: StoredAccessCode
    domain_id: int | None
    flow_name: str | None


@dataclass(frozen=True)
class BindingInput:
    """What a create or update call asks for; ``None`` means "not given"."""

    dialog_type: DialogType
    access_code: str | None = None
    domain_id: int | None = None
    flow_code: str | None = None
    description: str | None = None
    source: str | None = None


def _require_writable_code(code: str) -> None:
    # Checked where a code is written, not where it is read: a binding stored before this
    # rule can still be found and deleted.
    problem = access_code_problem(code)
    if problem is not None:
        raise OiapError(Err.PARAMETER, f"'accessCode' {code!r}: {problem}.")


def access_id_of(text: str) -> int | None:
    """The numeric access ID behind the wire's string; ``None`` when none could exist."""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= ACCESS_ID_MAX else None


async def _domain_by_id(repos: Repositories, tenant_id: str, domain_id: int) -> Domain:
    for domain in await repos.domains.list_domains(tenant_id):
        if domain.domain_id == domain_id:
            return domain
    raise OiapError(Err.NOT_FOUND, f"No domain {domain_id}.")


async def _require_flow(repos: Repositories, tenant_id: str, flow_code: str) -> None:
    if await repos.bots.get_flow(tenant_id, flow_code) is None:
        raise OiapError(Err.NOT_FOUND, f"No flow '{flow_code}'.")


async def _require_free_code(
    repos: Repositories, tenant_id: str, access_code: str, *, owner: int | None = None
) -> None:
    for found in await repos.bots.list_access_codes(tenant_id, access_code=access_code):
        if found.access_id != owner:
            raise OiapError(Err.ALREADY_EXISTS, f"Access code '{access_code}' is bound.")


def _generated_code(taken: list[StoredAccessCode]) -> str:
    """The next numeric code above every numeric code the tenant has."""
    numbers = [int(s.binding.access_code) for s in taken if s.binding.access_code.isdigit()]
    return str(max([FIRST_GENERATED_CODE - 1, *numbers]) + 1)


async def query_bindings(
    storage: Storage,
    tenant_id: str,
    *,
    access_code: str | None,
    source: str,
    page: tuple[int, int] | None,
) -> tuple[int, list[BindingView]]:
    """The total of matching bindings and the requested page of them (all when no page)."""
    async with storage.reader() as repos:
        found = [
            s
            for s in await repos.bots.list_access_codes(tenant_id, access_code=access_code)
            if s.binding.source == source
        ]
        domain_ids = {d.name: d.domain_id for d in await repos.domains.list_domains(tenant_id)}
        flow_names = {s.flow.code: s.flow.name for s in await repos.bots.list_flows(tenant_id)}
    shown = found
    if page is not None:
        number, size = page
        shown = found[(number - 1) * size : number * size]
    views = [
        BindingView(
            stored=s,
            domain_id=domain_ids.get(s.binding.domain) if s.binding.domain else None,
            flow_name=flow_names.get(s.binding.flow_code),
        )
        for s in shown
    ]
    return len(found), views


async def create_binding(
    storage: Storage, tenant_id: str, wanted: BindingInput, *, overwrite: bool
) -> StoredAccessCode:
    """Bind an access code to a flow; ``overwrite`` replaces a binding of the same code."""
    if wanted.flow_code is None:
        raise OiapError(Err.PARAMETER, "'flowCode' is missing.")
    async with storage.transaction() as repos:
        await _require_flow(repos, tenant_id, wanted.flow_code)
        domain = None
        if wanted.domain_id is not None:
            domain = (await _domain_by_id(repos, tenant_id, wanted.domain_id)).name
        code = wanted.access_code
        if code is not None:
            _require_writable_code(code)
        if code is None:
            code = _generated_code(await repos.bots.list_access_codes(tenant_id))
        elif overwrite:
            for old in await repos.bots.list_access_codes(tenant_id, access_code=code):
                await repos.bots.delete_access_code(tenant_id, old.access_id)
        else:
            await _require_free_code(repos, tenant_id, code)
        binding = AccessCode(
            access_code=code,
            dialog_type=wanted.dialog_type,
            flow_code=wanted.flow_code,
            domain=domain,
            description=wanted.description or "",
            source=wanted.source or "IVR",
        )
        return await repos.bots.add_access_code(tenant_id, binding)


async def update_binding(
    storage: Storage, tenant_id: str, access_id: str, wanted: BindingInput
) -> StoredAccessCode:
    """Change a binding; fields not given keep their value."""
    number = access_id_of(access_id)
    async with storage.transaction() as repos:
        current = await repos.bots.get_access_code(tenant_id, number) if number else None
        if current is None or number is None:
            raise OiapError(Err.NOT_FOUND, f"No binding '{access_id}'.")
        binding = replace(current.binding, dialog_type=wanted.dialog_type)
        if wanted.access_code is not None:
            _require_writable_code(wanted.access_code)
            await _require_free_code(repos, tenant_id, wanted.access_code, owner=number)
            binding = replace(binding, access_code=wanted.access_code)
        if wanted.flow_code is not None:
            await _require_flow(repos, tenant_id, wanted.flow_code)
            binding = replace(binding, flow_code=wanted.flow_code)
        if wanted.domain_id is not None:
            domain = await _domain_by_id(repos, tenant_id, wanted.domain_id)
            binding = replace(binding, domain=domain.name)
        if wanted.description is not None:
            binding = replace(binding, description=wanted.description)
        if wanted.source is not None:
            binding = replace(binding, source=wanted.source)
        await repos.bots.update_access_code(tenant_id, number, binding)
        updated = await repos.bots.get_access_code(tenant_id, number)
        assert updated is not None
        return updated


async def delete_bindings(
    storage: Storage, tenant_id: str, access_ids: list[str], access_codes: list[str]
) -> int:
    """Delete the named bindings, all or none: one unknown ID or code deletes nothing."""
    async with storage.transaction() as repos:
        doomed: set[int] = set()
        for text in access_ids:
            number = access_id_of(text)
            found = await repos.bots.get_access_code(tenant_id, number) if number else None
            if found is None:
                raise OiapError(Err.NOT_FOUND, f"No binding '{text}'.")
            doomed.add(found.access_id)
        for code in access_codes:
            matches = await repos.bots.list_access_codes(tenant_id, access_code=code)
            if not matches:
                raise OiapError(Err.NOT_FOUND, f"No binding of access code '{code}'.")
            doomed.update(m.access_id for m in matches)
        for number in sorted(doomed):
            await repos.bots.delete_access_code(tenant_id, number)
        return len(doomed)
