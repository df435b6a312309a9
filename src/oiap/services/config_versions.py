"""Configuration versions: a per-tenant stamp that changes with every committed change.

A binding, a publish, a rollback, a gray rule, a Q&A, an interface, a variable or a template
written through the platform changes the tenant's stamp in the session store once its
transaction has committed. Workers key what they cache of a tenant's configuration by the
stamp, so a cached copy is exact rather than "fresh enough":

- the worker that made a change knows the new stamp at once; every other worker hears a
  change notice (Redis pub/sub, within milliseconds), so no turn reads the store for it;
- while a worker is not sure to hear every notice (before it has subscribed, after its
  subscription broke), a new call reads the stamp from the store instead (one read);
- a stamp a worker has not confirmed for a second is read again in the background, in case
  a notice was lost without the connection breaking.

The stamp is bumped after the commit, never before: a worker that reads the old stamp and
then the new rows only caches them under the old stamp, which the next reader replaces.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from typing import Any

from oiap.services.audit import audited_write
from oiap.services.ports import Repositories, SessionStore, Storage, StoreUnavailable

log = logging.getLogger("oiap.config")

STAMP_TTL = 30 * 24 * 3600.0  # a stamp that expires reads as another one: one reload, no harm
RECHECK = 1.0  # seconds a continuing turn trusts the stamp this worker last saw
CHANNEL = "config-changes"  # notices: the tenant whose stamp changed, and the new stamp
_READS = ("get_", "list_", "has_")  # repository methods that change nothing


def _key(tenant_id: str) -> str:
    return f"config:{tenant_id}"


class ConfigVersions:
    """The tenants' configuration stamps, as this worker knows them."""

    def __init__(self, sessions: SessionStore) -> None:
        self.sessions = sessions
        self._known: dict[str, tuple[float, bytes]] = {}  # tenant -> (seen at, stamp)
        self._checking: dict[str, asyncio.Task[bytes]] = {}
        self._listening: asyncio.Task[None] | None = None
        self._hearing = False  # subscribed: every notice from now on reaches this worker

    async def changed(self, tenant_ids: Iterable[str]) -> None:
        """New stamps for ``tenant_ids``, after their change has committed."""
        for tenant_id in sorted(set(tenant_ids)):
            stamp = secrets.token_hex(8).encode()
            self._remember(tenant_id, stamp)  # this worker: at once, even if the store is away
            try:
                await self.sessions.set(_key(tenant_id), stamp, STAMP_TTL)
                await self.sessions.announce(CHANNEL, tenant_id.encode() + b" " + stamp)
            except StoreUnavailable:
                # The change is committed and answered; other workers see it when they next
                # renew their copies (within a second: the caches' own renewal).
                log.warning("configuration stamp of tenant %s not shared: store away", tenant_id)

    async def check(self, tenant_id: str) -> bytes:
        """The stamp a new call runs with: the store's as of now. While this worker hears
        every notice that is what it knows; otherwise it reads the store."""
        self._listen()
        if self._hearing and tenant_id in self._known:
            return await self.stamp(tenant_id)
        return await self.read(tenant_id)

    async def read(self, tenant_id: str) -> bytes:
        began = time.monotonic()
        stamp = await self.sessions.get(_key(tenant_id)) or b""
        known = self._known.get(tenant_id)
        if known is not None and known[0] > began:
            return known[1]  # a notice (or this worker's own change) came meanwhile
        self._remember(tenant_id, stamp)
        return stamp

    async def stamp(self, tenant_id: str) -> bytes:
        """The stamp this worker last saw (a continuing turn); read once if it has none,
        renewed in the background once it is older than ``RECHECK``."""
        known = self._known.get(tenant_id)
        if known is None:
            return await self.read(tenant_id)
        if known[0] + RECHECK < time.monotonic() and tenant_id not in self._checking:
            self._checking[tenant_id] = asyncio.create_task(self._recheck(tenant_id))
        return known[1]

    async def _recheck(self, tenant_id: str) -> bytes:
        try:
            return await self.read(tenant_id)
        except StoreUnavailable:
            return self._known[tenant_id][1]
        finally:
            self._checking.pop(tenant_id, None)

    def _listen(self) -> None:
        if self._listening is None or self._listening.done():
            self._listening = asyncio.create_task(self._hear_notices())

    async def _hear_notices(self) -> None:
        try:
            async for notice in self.sessions.notices(CHANNEL):
                if notice is None:  # deaf for now: new calls read the store
                    self._hearing = False
                    continue
                tenant, _, stamp = notice.decode(errors="replace").partition(" ")
                if not tenant:
                    # Listening (again): what was missed before is read afresh.
                    self._known.clear()
                    self._hearing = True
                elif tenant in self._known:
                    self._remember(tenant, stamp.encode())
        except Exception:
            log.exception("configuration notices stopped; new calls read the stamp")
        finally:
            self._hearing = False

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            self._listening = None

    def _remember(self, tenant_id: str, stamp: bytes) -> None:
        if len(self._known) > 100_000:
            self._known.clear()
        self._known[tenant_id] = (time.monotonic(), stamp)


@functools.cache
def _names_tenant_of(function: Any) -> bool:
    parameters = [name for name in inspect.signature(function).parameters if name != "self"]
    return bool(parameters) and parameters[0] == "tenant_id"


def _names_tenant(method: Any) -> bool:
    """Whether a repository method's first parameter is the tenant (Q&A methods name the
    group instead, and the access-code lookup of system accounts spans tenants)."""
    return _names_tenant_of(getattr(method, "__func__", method))


class _TrackedBots:
    """A transaction's bot repository that notes the tenants whose configuration it writes,
    and writes an audit entry for every write, in the same transaction."""

    def __init__(self, repos: Repositories, written: set[str], touched: set[str]) -> None:
        self._bots = repos.bots
        self._audit = repos.audit
        self._written = written
        self._touched = touched

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._bots, name)
        if not callable(method):
            return method
        writes = not name.startswith(_READS)
        by_tenant = _names_tenant(method)

        def call(*args: Any, **kwargs: Any) -> Any:
            tenant = kwargs.get("tenant_id", args[0] if args else None) if by_tenant else None
            if isinstance(tenant, str):
                self._touched.add(tenant)
            if writes:
                # Q&A writes name the group, not the tenant: the tenant is the one whose
                # group the transaction read (every Q&A write checks its group first).
                self._written.add(tenant if isinstance(tenant, str) else "")
                if inspect.iscoroutinefunction(method):
                    return self._audited(name, method, args, kwargs, tenant)
            return method(*args, **kwargs)

        return call

    async def _audited(self, name: str, method: Any, args: Any, kwargs: Any, tenant: Any) -> Any:
        if not isinstance(tenant, str):
            tenant = next(iter(self._touched)) if len(self._touched) == 1 else None
        result, made = await audited_write(self._bots, name, method, args, kwargs, tenant)
        if made is not None:
            await self._audit.add(made)
        return result


class _TrackedRepositories:
    def __init__(self, repos: Repositories, written: set[str], touched: set[str]) -> None:
        self._repos = repos
        self.bots = _TrackedBots(repos, written, touched)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repos, name)


class StampedStorage:
    """Configuration storage whose committed writes to a tenant's bot change its stamp and
    leave an audit entry (services/audit.py), written in the write's own transaction.

    Every write path (the OIAP interfaces, the management API, bot push) goes through a
    transaction, so none can forget the stamp or the entry; reads pass straight through."""

    def __init__(self, storage: Storage, versions: ConfigVersions) -> None:
        self.inner = storage
        self.versions = versions

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Repositories]:
        written: set[str] = set()
        touched: set[str] = set()
        async with self.inner.transaction() as repos:
            tracked: Any = _TrackedRepositories(repos, written, touched)
            yield tracked
        if written:  # committed: the block ended without an exception
            tenants = {t for t in written if t} | (touched if "" in written else set())
            await self.versions.changed(tenants)

    def reader(self) -> Any:
        return self.inner.reader()

    async def ping(self) -> bool:
        return await self.inner.ping()

    async def close(self) -> None:
        await self.inner.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
