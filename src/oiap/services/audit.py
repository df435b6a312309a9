"""The audit log: who changed which configuration object, when, from where, and how.

Every committed write to a tenant's bot configuration passes through ``StampedStorage``
(services/config_versions.py), which writes an entry in the same transaction; console
sign-ins are written by the sign-in route. Who acted travels in a context variable: a
management request sets it once its credentials are resolved (api/access.py); a write made
while serving a request that set none (the OIAP interfaces, which authenticate by body
token) is the tenant's own machine principal; a write made outside any request is the
command line's ("cli").

The log is append-only: no interface edits or deletes an entry, and the database refuses
UPDATE and DELETE on the table (migration 0010).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import inspect
import json
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, Protocol, TypeVar

from oiap.services import telemetry

CLI_PRINCIPAL = "cli"


@dataclass(frozen=True)
class Actor:
    principal: str  # a console user's name, a machine account, a tenant id, or "cli"
    address: str | None = None  # the client's address, where known


_actor: ContextVar[Actor | None] = ContextVar("oiap_audit_actor", default=None)


def acting_as(principal: str, address: str | None = None) -> None:
    """Name who the rest of this request (or command) acts as."""
    _actor.set(Actor(principal[:128], address[:64] if address else None))


def current_actor(tenant_id: str | None) -> Actor:
    named = _actor.get()
    if named is not None:
        return named
    if telemetry.current_request.get() is not None:
        # Serving a request whose route named no actor: an OIAP interface, authenticated
        # by the tenant's own token (or a machine account acting for it).
        return Actor(tenant_id or "")
    return Actor(CLI_PRINCIPAL)


P = ParamSpec("P")
R = TypeVar("R")


def notes_actor(resolve: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Wrap a dependency that resolves a request's access (its result has ``actor``; it
    takes ``request``) so that the request's changes are audited as that actor."""

    @functools.wraps(resolve)
    async def resolved(*args: P.args, **kwargs: P.kwargs) -> R:
        access = await resolve(*args, **kwargs)
        request: Any = kwargs.get("request", args[0] if args else None)
        client = getattr(request, "client", None)
        acting_as(str(getattr(access, "actor", "")), getattr(client, "host", None))
        return access

    return resolved


# -- entries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditEntry:
    tenant_id: str | None  # None: a sign-in attempt by a name that belongs to no tenant
    at: datetime
    principal: str
    address: str | None
    object_kind: str  # flow, flow routing, access code, variable, ..., session
    object_name: str  # a flow's code, an access code, a variable's name, a user's name
    action: str  # create, update, delete, publish, route, sign-in, sign-in failed
    version: int | None = None  # the version a publish made
    before_digest: str | None = None  # SHA-256 of the object's canonical JSON; None: absent
    after_digest: str | None = None
    entry_id: int | None = None


@dataclass(frozen=True)
class AuditQuery:
    tenant_id: str
    object_name: str | None = None
    object_kind: str | None = None
    principal: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    offset: int = 0
    limit: int = 50


class AuditRepository(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...

    async def query(self, query: AuditQuery) -> tuple[int, list[AuditEntry]]:
        """The total matching and one page of it, newest first."""
        ...


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def canonical_json(value: Any) -> str:
    """One text per value: sorted keys, no spaces, tuples as lists, enums by value."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: Any) -> str | None:
    """SHA-256 (hex) of the object's canonical JSON; None for an object that is not there."""
    if value is None:
        return None
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def entry(
    tenant_id: str | None,
    kind: str,
    name: str,
    action: str,
    *,
    before: Any = None,
    after: Any = None,
    version: int | None = None,
) -> AuditEntry:
    actor = current_actor(tenant_id)
    return AuditEntry(
        tenant_id=tenant_id,
        at=datetime.now(UTC),
        principal=actor.principal,
        address=actor.address,
        object_kind=kind,
        object_name=name[:256],
        action=action,
        version=version,
        before_digest=digest(before),
        after_digest=digest(after),
    )


# -- what each bot-repository write changes -------------------------------------------------

Read = Callable[[], Awaitable[Any]]


@dataclass(frozen=True)
class _Target:
    kind: str
    name: str
    before: Read
    after: Callable[[Any], Awaitable[Any]]  # given the write's result
    action: str | None = None  # None: create, update or delete, from what was there


async def _absent(*_: Any) -> Any:
    return None


def _now(read: Read) -> Callable[[Any], Awaitable[Any]]:
    async def again(_result: Any) -> Any:
        return await read()

    return again


def _named(items: Read, name: str, key: str = "name") -> Read:
    async def find() -> Any:
        return next((i for i in await items() if getattr(i, key) == name), None)

    return find


async def _plan(bots: Any, method: str, a: dict[str, Any]) -> _Target | None:
    t = a.get("tenant_id")
    if method == "put_bot":
        get_bot: Read = lambda: bots.get_bot(t)  # noqa: E731
        return _Target("bot", a["header"].name, get_bot, _now(get_bot))
    if method in ("save_domain", "delete_domain"):

        async def domain(by_id: int | None, by_name: str | None) -> Any:
            for d, spec in await bots.list_domain_specs(t):
                if (by_id is not None and d.domain_id == by_id) or d.name == by_name:
                    return spec
            return None

        if method == "delete_domain":
            gone = await domain(a["domain_id"], None)
            return _Target(
                "domain", gone.name if gone else "", lambda: domain(a["domain_id"], None), _absent
            )
        spec = a["spec"]
        return _Target(
            "domain",
            spec.name,
            lambda: domain(a.get("domain_id"), spec.name),
            lambda _: domain(None, spec.name),
        )
    if method in ("add_access_code", "update_access_code", "delete_access_code"):
        if method == "add_access_code":
            return _Target("access code", a["binding"].access_code, _absent, _kept)
        code: Read = lambda: bots.get_access_code(t, a["access_id"])  # noqa: E731
        if method == "update_access_code":
            return _Target("access code", a["binding"].access_code, code, _now(code))
        old = await code()
        return _Target("access code", old.binding.access_code if old else "", code, _absent)
    if method in ("save_flow", "delete_flow"):
        flow_code = a["flow"].code if method == "save_flow" else a["code"]

        async def draft() -> Any:
            stored = await bots.get_flow(t, flow_code)
            return stored.flow if stored else None

        return _Target("flow", flow_code, draft, _now(draft) if method == "save_flow" else _absent)
    if method == "add_version":

        async def latest() -> Any:
            versions = await bots.list_versions(t, a["code"])
            return json.loads(versions[-1].definition) if versions else None

        async def published(version: Any) -> Any:
            return json.loads(version.definition)

        return _Target("flow", a["code"], latest, published, action="publish")
    if method == "set_routing":
        routing: Read = lambda: _routing(bots, t, a["code"])  # noqa: E731
        return _Target("flow routing", a["code"], routing, _now(routing), action="route")
    for kind in ("variable", "template", "interface"):
        if method in (f"put_{kind}", f"delete_{kind}"):
            listed: Any = getattr(bots, f"list_{kind}s")
            name = a[kind].name if method.startswith("put_") else a["name"]
            items: Read = functools.partial(listed, t)
            one = _named(items, name)
            return _Target(kind, name, one, _now(one) if method.startswith("put_") else _absent)
    if method in ("save_faq_group", "delete_faq_group"):
        group_id = a.get("group_id")

        async def group() -> Any:
            stored = await bots.get_faq_group(t, group_id) if group_id is not None else None
            return stored.group if stored else None

        if method == "delete_faq_group":
            old_group = await group()
            return _Target("faq group", old_group.name if old_group else "", group, _absent)
        return _Target("faq group", a["group"].name, group, _group_saved)
    if method in ("save_faq", "delete_faq"):
        faq_id = a.get("faq_id")

        async def faq() -> Any:
            if faq_id is None:
                return None
            found = [f.faq for f in await bots.list_faqs(a["group_id"]) if f.faq_id == faq_id]
            return found[0] if found else None

        if method == "delete_faq":
            old_faq = await faq()
            return _Target("faq", old_faq.question if old_faq else "", faq, _absent)
        return _Target("faq", a["faq"].question, faq, _faq_saved)
    return None


async def _kept(stored: Any) -> Any:
    return stored


async def _group_saved(stored: Any) -> Any:
    return stored.group


async def _faq_saved(stored: Any) -> Any:
    return stored.faq


async def _routing(bots: Any, tenant_id: Any, code: str) -> Any:
    versions = await bots.list_versions(tenant_id, code)
    return [v.routing for v in versions] or None


def _action(before: str | None, after: str | None) -> str:
    if before is None:
        return "create"
    return "delete" if after is None else "update"


async def audited_write(
    bots: Any,
    name: str,
    call: Callable[..., Awaitable[Any]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    tenant_id: str | None,
) -> tuple[Any, AuditEntry | None]:
    """Run one write of the bot repository ``bots`` and say what it changed: an entry, or
    None when the object is as it was (a push that rewrites an unchanged flow)."""
    bound = inspect.signature(call).bind(*args, **kwargs)
    bound.apply_defaults()
    target = await _plan(bots, name, dict(bound.arguments))
    if target is None:  # a write this table does not know yet: recorded, without digests
        result = await call(*args, **kwargs)
        return result, entry(tenant_id, name.partition("_")[2] or name, "", name)
    before = digest(await target.before())
    result = await call(*args, **kwargs)
    after = digest(await target.after(result))
    if target.action is None and before == after:
        return result, None
    version = getattr(result, "number", None) if target.action == "publish" else None
    made = entry(tenant_id, target.kind, target.name, target.action or _action(before, after))
    return result, dataclasses.replace(
        made, version=version, before_digest=before, after_digest=after
    )
