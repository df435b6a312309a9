"""The management API's use cases: one function per operation on domains, flows, flow
versions and their routing, global variables, templates and business interfaces.

Each write is one transaction for one tenant, and every rule is checked before anything
is written, so a refused write changes nothing. Lookups never leave the tenant: another
tenant's names read as unknown (10000003).

A resource that a flow's draft uses cannot be deleted (or, for a variable, retyped) from
under it, or the draft would no longer publish. Published versions carry frozen copies of the
templates, interfaces, variables and models they run with (``releases``), so they hold on to
nothing but the sub-flows they call by code: a flow cannot be deleted while another flow's
draft or a version that routing can still choose calls it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, NoReturn, Protocol, TypeVar

from oiap.domain.bot_definition import interface_problems
from oiap.domain.bots import DomainSpec
from oiap.domain.flow_versions import GrayRule, select_version
from oiap.domain.flows import (
    BusinessInterface,
    Flow,
    Template,
    Variable,
    VariableType,
    flow_from_data,
    placeholders,
)
from oiap.domain.references import References, flow_references, template_variables
from oiap.errors import Err, OiapError, parameter_error
from oiap.services import flow_publishing
from oiap.services.bot_ports import FlowVersion, StoredFlow
from oiap.services.ports import Repositories, Storage

T = TypeVar("T")

PAGE_SIZE_MAX = 100
TEMPLATE_NAMESPACES = frozenset({"GLOBAL", "FLOW", "SYS", "IVRREQUEST", "TOC"})
_INTEGER_RANGE = {
    VariableType.INTEGER: (-(2**31), 2**31 - 1),
    VariableType.LONG: (-(2**63), 2**63 - 1),
}


# -- pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Page(Generic[T]):
    total: int
    number: int
    size: int
    items: list[T]


def page_of(items: Sequence[T], number: int, size: int) -> Page[T]:
    if number < 1:
        raise parameter_error("page", "must be 1 or more")
    if not 1 <= size <= PAGE_SIZE_MAX:
        raise parameter_error("page_size", f"must be 1-{PAGE_SIZE_MAX}")
    start = (number - 1) * size
    return Page(len(items), number, size, list(items[start : start + size]))


class _Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=_Named)


def _named(items: Iterable[N], name: str) -> N | None:
    return next((item for item in items if item.name == name), None)


def _existing(found: T | None, noun: str, name: str) -> T:
    if found is None:
        raise OiapError(Err.NOT_FOUND, f"No {noun} {name!r}.")
    return found


# -- who uses what --------------------------------------------------------------------


@dataclass(frozen=True)
class _User:
    """A flow definition that may run: a draft, or a version routing can choose."""

    code: str
    label: str  # "flow 'main'" or "flow 'main' version 2"
    references: References


def routable_versions(versions: Sequence[FlowVersion]) -> list[FlowVersion]:
    """The versions a new dialog can still be started on (see ``select_version``)."""
    chosen = [v for v in versions if v.is_default or v.gray is not None]
    if versions and not any(v.is_default for v in versions) and versions[-1] not in chosen:
        chosen.append(versions[-1])
    return chosen


async def _users(repos: Repositories, tenant_id: str, *, versions: bool = False) -> list[_User]:
    """Every draft; with ``versions``, also every version routing can choose."""
    users = []
    for stored in await repos.bots.list_flows(tenant_id):
        code = stored.flow.code
        users.append(_User(code, f"flow {code!r}", flow_references(stored.flow)))
        if not versions:
            continue
        for version in routable_versions(await repos.bots.list_versions(tenant_id, code)):
            flow = flow_from_data(json.loads(version.definition))
            users.append(
                _User(code, f"flow {code!r} version {version.number}", flow_references(flow))
            )
    return users


def _refuse_if_used(error: Err, what: str, users: list[str]) -> None:
    if users:
        shown = ", ".join(users[:3]) + (f" and {len(users) - 3} more" if len(users) > 3 else "")
        raise OiapError(error, f"{what} is used by {shown}.")


# -- domains --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredDomain:
    domain_id: int
    spec: DomainSpec


async def _domains(repos: Repositories, tenant_id: str) -> list[StoredDomain]:
    return [StoredDomain(d.domain_id, s) for d, s in await repos.bots.list_domain_specs(tenant_id)]


async def _domain(repos: Repositories, tenant_id: str, name: str) -> StoredDomain:
    found = next((d for d in await _domains(repos, tenant_id) if d.spec.name == name), None)
    return _existing(found, "domain", name)


def _check_domain(spec: DomainSpec) -> None:
    seen: set[str] = set()
    for index, intent in enumerate(spec.intents):
        if intent.code in seen:
            raise parameter_error(f"intents[{index}].code", f"repeats intent code {intent.code!r}")
        seen.add(intent.code)
    if not 0 <= spec.threshold <= 1:
        raise parameter_error("threshold", "must be from 0 to 1")


async def list_domains(
    storage: Storage, tenant_id: str, number: int, size: int
) -> Page[StoredDomain]:
    async with storage.reader() as repos:
        return page_of(await _domains(repos, tenant_id), number, size)


async def get_domain(storage: Storage, tenant_id: str, name: str) -> StoredDomain:
    async with storage.reader() as repos:
        return await _domain(repos, tenant_id, name)


async def put_domain(
    storage: Storage, tenant_id: str, spec: DomainSpec
) -> tuple[StoredDomain, bool]:
    """Create the domain or replace it with its intents; ``True`` when it is new."""
    _check_domain(spec)
    async with storage.transaction() as repos:
        current = next(
            (d for d in await _domains(repos, tenant_id) if d.spec.name == spec.name), None
        )
        domain = await repos.bots.save_domain(
            tenant_id, spec, current.domain_id if current else None
        )
        return StoredDomain(domain.domain_id, spec), current is None


async def delete_domain(storage: Storage, tenant_id: str, name: str) -> None:
    """Refused (20000003) while a flow recognises the domain's intents."""
    async with storage.transaction() as repos:
        found = await _domain(repos, tenant_id, name)
        users = [u.label for u in await _users(repos, tenant_id) if name in u.references.domains]
        _refuse_if_used(Err.NODE_REFERENCED, f"Domain {name!r}", users)
        await repos.bots.delete_domain(tenant_id, found.domain_id)


# -- flows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowDetail:
    stored: StoredFlow
    default_version: int | None  # what new dialogs run on unless a gray rule picks another


async def _detail(repos: Repositories, tenant_id: str, stored: StoredFlow) -> FlowDetail:
    versions = await repos.bots.list_versions(tenant_id, stored.flow.code)
    default = next((v.number for v in versions if v.is_default), None)
    if default is None and versions:
        default = versions[-1].number  # routing falls back to the newest
    return FlowDetail(stored, default)


async def _stored_flow(repos: Repositories, tenant_id: str, code: str) -> StoredFlow:
    return _existing(await repos.bots.get_flow(tenant_id, code), "flow", code)


async def list_flows(storage: Storage, tenant_id: str, number: int, size: int) -> Page[FlowDetail]:
    async with storage.reader() as repos:
        page = page_of(await repos.bots.list_flows(tenant_id), number, size)
        items = [await _detail(repos, tenant_id, s) for s in page.items]
    return Page(page.total, page.number, page.size, items)


async def get_flow(storage: Storage, tenant_id: str, code: str) -> FlowDetail:
    async with storage.reader() as repos:
        return await _detail(repos, tenant_id, await _stored_flow(repos, tenant_id, code))


async def put_flow(storage: Storage, tenant_id: str, flow: Flow) -> tuple[FlowDetail, bool]:
    """Create the flow or replace its draft; published versions are not touched.

    A draft may be incomplete: the publishing checks run when it is published. Flow names
    are unique within a tenant (20000002).
    """
    async with storage.transaction() as repos:
        flows = await repos.bots.list_flows(tenant_id)
        clash = next(
            (s for s in flows if s.flow.name == flow.name and s.flow.code != flow.code), None
        )
        if clash is not None:
            raise OiapError(
                Err.FLOW_NAME_EXISTS, f"Flow {clash.flow.code!r} is named {flow.name!r}."
            )
        created = not any(s.flow.code == flow.code for s in flows)
        stored = await repos.bots.save_flow(tenant_id, flow)
        return await _detail(repos, tenant_id, stored), created


async def delete_flow(storage: Storage, tenant_id: str, code: str) -> None:
    """Delete a flow with its versions; refused (20000003) while another flow calls it."""
    async with storage.transaction() as repos:
        await _stored_flow(repos, tenant_id, code)
        users = [
            u.label
            for u in await _users(repos, tenant_id, versions=True)
            if u.code != code and code in u.references.flows
        ]
        _refuse_if_used(Err.NODE_REFERENCED, f"Flow {code!r}", users)
        await repos.bots.delete_flow(tenant_id, code)


# -- versions and routing -------------------------------------------------------------


async def _versions(repos: Repositories, tenant_id: str, code: str) -> list[FlowVersion]:
    await _stored_flow(repos, tenant_id, code)
    return await repos.bots.list_versions(tenant_id, code)


async def _version(repos: Repositories, tenant_id: str, code: str, number: int) -> FlowVersion:
    await _stored_flow(repos, tenant_id, code)
    found = await repos.bots.get_version(tenant_id, code, number)
    if found is None:
        raise OiapError(Err.NOT_FOUND, f"Flow {code!r} has no version {number}.")
    return found


async def list_versions(
    storage: Storage, tenant_id: str, code: str, number: int, size: int
) -> Page[FlowVersion]:
    async with storage.reader() as repos:
        return page_of(await _versions(repos, tenant_id, code), number, size)


async def get_version(storage: Storage, tenant_id: str, code: str, number: int) -> FlowVersion:
    async with storage.reader() as repos:
        return await _version(repos, tenant_id, code, number)


async def change_version(storage: Storage, tenant_id: str, code: str, number: int) -> NoReturn:
    """What a write to a published version answers: it is immutable (20000001)."""
    async with storage.reader() as repos:
        await _version(repos, tenant_id, code, number)
    raise OiapError(
        Err.RELEASED,
        f"Version {number} of flow {code!r} is published; change the draft and publish again.",
    )


@dataclass(frozen=True)
class Routing:
    default: int | None
    gray: dict[int, GrayRule] = field(default_factory=dict)
    selected: int | None = None  # for the calling number asked about


def _routing(versions: Sequence[FlowVersion], calling_number: str | None = None) -> Routing:
    return Routing(
        default=next((v.number for v in versions if v.is_default), None),
        gray={v.number: v.gray for v in versions if v.gray is not None and not v.is_default},
        selected=(
            select_version([v.routing for v in versions], calling_number)
            if calling_number is not None
            else None
        ),
    )


async def get_routing(
    storage: Storage, tenant_id: str, code: str, calling_number: str | None = None
) -> Routing:
    """The default version and gray rules; with a calling number, the version it gets."""
    async with storage.reader() as repos:
        return _routing(await _versions(repos, tenant_id, code), calling_number)


async def put_routing(
    storage: Storage,
    tenant_id: str,
    code: str,
    *,
    default: int,
    gray: Mapping[int, GrayRule],
) -> Routing:
    """Choose the default version and gray rules; rolling back is an older default."""
    versions = await flow_publishing.set_routing(
        storage, tenant_id, code, default=default, gray=gray
    )
    return _routing(versions)


# -- global variables -----------------------------------------------------------------


def _check_variable(variable: Variable) -> None:
    value, kind = variable.default, variable.type
    if value is None:
        return
    if kind in _INTEGER_RANGE:
        low, high = _INTEGER_RANGE[kind]
        fits = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        if not fits:
            raise parameter_error("default", f"must be a whole number from {low} to {high}")
    elif kind is VariableType.FLOAT:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise parameter_error("default", "must be a number")
    else:
        expected = {VariableType.STRING: str, VariableType.LIST: list, VariableType.OBJECT: dict}
        if not isinstance(value, expected[kind]):
            raise parameter_error("default", f"must be a {kind.value} or null")


async def _variable_users(repos: Repositories, tenant_id: str, name: str) -> list[str]:
    users = [
        u.label for u in await _users(repos, tenant_id) if name in u.references.global_variables
    ]
    users += [
        f"template {t.name!r}"
        for t in await repos.bots.list_templates(tenant_id)
        if name in template_variables(t)
    ]
    return users


async def _variable(repos: Repositories, tenant_id: str, name: str) -> Variable | None:
    return _named(await repos.bots.list_variables(tenant_id), name)


async def list_variables(
    storage: Storage, tenant_id: str, number: int, size: int
) -> Page[Variable]:
    async with storage.reader() as repos:
        return page_of(await repos.bots.list_variables(tenant_id), number, size)


async def get_variable(storage: Storage, tenant_id: str, name: str) -> Variable:
    async with storage.reader() as repos:
        return _existing(await _variable(repos, tenant_id, name), "variable", name)


async def put_variable(
    storage: Storage, tenant_id: str, variable: Variable
) -> tuple[Variable, bool]:
    """Create or replace a GLOBAL variable; its type is fixed while it is used (20000005)."""
    _check_variable(variable)
    async with storage.transaction() as repos:
        current = await _variable(repos, tenant_id, variable.name)
        if current is not None and current.type != variable.type:
            _refuse_if_used(
                Err.VARIABLE_IN_USE,
                f"Variable {variable.name!r} of type {current.type.value}",
                await _variable_users(repos, tenant_id, variable.name),
            )
        await repos.bots.put_variable(tenant_id, variable)
        return variable, current is None


async def delete_variable(storage: Storage, tenant_id: str, name: str) -> None:
    """Refused (20000004) while a flow or a template uses the variable."""
    async with storage.transaction() as repos:
        _existing(await _variable(repos, tenant_id, name), "variable", name)
        _refuse_if_used(
            Err.VARIABLE_REFERENCED,
            f"Variable {name!r}",
            await _variable_users(repos, tenant_id, name),
        )
        await repos.bots.delete_variable(tenant_id, name)


# -- templates ------------------------------------------------------------------------


async def _template(repos: Repositories, tenant_id: str, name: str) -> Template | None:
    return _named(await repos.bots.list_templates(tenant_id), name)


async def list_templates(
    storage: Storage, tenant_id: str, number: int, size: int
) -> Page[Template]:
    async with storage.reader() as repos:
        return page_of(await repos.bots.list_templates(tenant_id), number, size)


async def get_template(storage: Storage, tenant_id: str, name: str) -> Template:
    async with storage.reader() as repos:
        return _existing(await _template(repos, tenant_id, name), "template", name)


async def put_template(
    storage: Storage, tenant_id: str, template: Template
) -> tuple[Template, bool]:
    """Create or replace a template; every ``${GLOBAL.x}`` it uses must exist."""
    async with storage.transaction() as repos:
        known = {v.name for v in await repos.bots.list_variables(tenant_id)}
        for name in placeholders(template.text):
            namespace, _, rest = name.partition(".")
            if namespace not in TEMPLATE_NAMESPACES or (
                namespace == "GLOBAL" and rest not in known
            ):
                raise parameter_error("text", f"refers to unknown variable {name!r}")
        current = await _template(repos, tenant_id, template.name)
        await repos.bots.put_template(tenant_id, template)
        return template, current is None


async def delete_template(storage: Storage, tenant_id: str, name: str) -> None:
    """Refused (20000003) while a flow replies with the template."""
    async with storage.transaction() as repos:
        _existing(await _template(repos, tenant_id, name), "template", name)
        users = [u.label for u in await _users(repos, tenant_id) if name in u.references.templates]
        _refuse_if_used(Err.NODE_REFERENCED, f"Template {name!r}", users)
        await repos.bots.delete_template(tenant_id, name)


# -- business interfaces --------------------------------------------------------------


_DUPLICATE_ERRORS = (
    ("inputs", Err.DUPLICATE_INPUT_PARAMETER),
    ("outputs", Err.DUPLICATE_OUTPUT_PARAMETER),
    ("headers", Err.DUPLICATE_HEADER_PARAMETER),
)


def _check_interface(interface: BusinessInterface) -> None:
    for (section, error), name in zip(_DUPLICATE_ERRORS, interface.duplicates(), strict=True):
        if name is not None:
            raise OiapError(error, f"'{section}' names {name!r} twice.")
    problems = interface_problems(interface)
    if problems:
        raise OiapError(Err.PARAMETER, f"{problems[0][0].upper()}{problems[0][1:]}.")


async def _interface(repos: Repositories, tenant_id: str, name: str) -> BusinessInterface | None:
    return _named(await repos.bots.list_interfaces(tenant_id), name)


async def list_interfaces(
    storage: Storage, tenant_id: str, number: int, size: int
) -> Page[BusinessInterface]:
    async with storage.reader() as repos:
        return page_of(await repos.bots.list_interfaces(tenant_id), number, size)


async def get_interface(storage: Storage, tenant_id: str, name: str) -> BusinessInterface:
    async with storage.reader() as repos:
        return _existing(await _interface(repos, tenant_id, name), "business interface", name)


async def put_interface(
    storage: Storage, tenant_id: str, interface: BusinessInterface
) -> tuple[BusinessInterface, bool]:
    """Create or replace a business interface; parameter names are unique per section
    (10000006 inputs, 10000007 outputs, 10000008 headers)."""
    _check_interface(interface)
    async with storage.transaction() as repos:
        current = await _interface(repos, tenant_id, interface.name)
        await repos.bots.put_interface(tenant_id, interface)
        return interface, current is None


async def delete_interface(storage: Storage, tenant_id: str, name: str) -> None:
    """Refused (20000003) while a flow invokes the interface."""
    async with storage.transaction() as repos:
        _existing(await _interface(repos, tenant_id, name), "business interface", name)
        users = [u.label for u in await _users(repos, tenant_id) if name in u.references.interfaces]
        _refuse_if_used(Err.NODE_REFERENCED, f"Business interface {name!r}", users)
        await repos.bots.delete_interface(tenant_id, name)
