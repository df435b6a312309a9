"""What the services need from the outside world; adapters implement these."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from oiap.domain.bots import Domain, NewDomain
from oiap.domain.tenants import PrincipalKind, SystemUser, Tenant
from oiap.errors import Err
from oiap.services.audit import AuditRepository
from oiap.services.bot_ports import BotRepository
from oiap.services.conversation_test_ports import ConversationTestRepository
from oiap.services.dialog_ports import DialogRepository
from oiap.services.metastudio_ports import (
    ActiveCodeRepository,
    JobRepository,
    ProjectRepository,
    RobotRepository,
    RoomRepository,
)
from oiap.services.user_ports import UserRepository


class LockTimeout(Exception):
    """A per-key lock could not be taken in time."""


class LockLost(Exception):
    """A holder's lease ran out before it let go (its renewals could not reach the store, or
    its process stalled), and another holder may have taken the key: nothing was written."""


class StoreUnavailable(Exception):
    """The session store refused, failed or did not answer within its timeouts. Requests
    answer ``STORE_UNAVAILABLE`` (HTTP 503) and may be retried; the store recovers by itself
    once it answers again."""


class DatabaseUnavailable(StoreUnavailable):
    """The configuration database refused, failed or is busy beyond its timeouts: answered
    ``DATABASE_UNAVAILABLE`` (HTTP 503), retried by the client; nothing was changed."""


def unavailable_error(exc: StoreUnavailable) -> Err:
    """The catalogue entry a request answers when a store it needs is away."""
    return (
        Err.DATABASE_UNAVAILABLE if isinstance(exc, DatabaseUnavailable) else Err.STORE_UNAVAILABLE
    )


@dataclass
class Held:
    """A value read under its lock; what is kept is written as the lock is let go."""

    value: bytes | None
    kept: tuple[bytes, float] | None = None

    def keep(self, value: bytes, ttl_seconds: float) -> None:
        self.kept = (value, ttl_seconds)


class SessionStore(Protocol):
    """Short-lived shared state: tokens, lock-out counters, live dialogs, quotas.

    The in-process store serves one worker; the Redis store is shared by every worker and
    outlives a restart of the platform. Values are opaque bytes; every key has a TTL. Every
    operation either answers within the store's timeouts or raises StoreUnavailable.
    """

    async def get(self, key: str) -> bytes | None: ...

    async def get_many(self, keys: list[str]) -> list[bytes | None]: ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None: ...

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool: ...

    async def delete(self, *keys: str) -> None: ...

    async def incr(self, key: str, ttl_seconds: float) -> int:
        """Add one; the TTL starts with the first increment and is not extended."""
        ...

    async def ttl(self, key: str) -> float | None: ...

    async def add_member(self, key: str, member: str, ttl_seconds: float) -> None:
        """Add to a set, extending the set's TTL to at least ``ttl_seconds``."""
        ...

    async def take_members(self, key: str) -> list[str]:
        """Remove a set and return what it held."""
        ...

    def lock(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[None]:
        """Mutual exclusion across every worker sharing the store; LockTimeout when busy
        after waiting ``timeout_seconds``. The lock is a short lease that its holder renews
        while the block runs, so a dead worker's lock frees within one lease."""
        ...

    def hold(self, key: str, timeout_seconds: float) -> AbstractAsyncContextManager[Held]:
        """Lock ``key`` and read it; a kept value is written when the block ends without an
        exception, and only if the lock is still this holder's (LockLost otherwise, with
        nothing written). With Redis both ends are one round trip each (a dialog's turn)."""
        ...

    async def announce(self, channel: str, message: bytes) -> None:
        """Tell every worker sharing the store listening on ``channel`` (at most once: a
        worker not listening at that moment misses it)."""
        ...

    def notices(self, channel: str) -> AsyncIterator[bytes | None]:
        """What is announced on ``channel``, for as long as it is iterated. An empty message
        comes once listening, first and after every reconnection (notices may have been
        missed before it); None when the connection is lost (notices are missed until then)."""
        ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


class AccountRepository(Protocol):
    async def get_tenant(self, tenant_id: str) -> Tenant | None: ...

    async def list_tenants(self) -> list[Tenant]: ...

    async def add_tenant(self, tenant: Tenant, secret_hash: str) -> None: ...

    async def set_tenant_secret(self, tenant_id: str, secret_hash: str) -> None: ...

    async def secret_hash(self, kind: PrincipalKind, account_id: str) -> str | None: ...

    async def get_system_user(self, name: str) -> SystemUser | None: ...

    async def add_system_user(self, user: SystemUser, secret_hash: str) -> None: ...

    async def login_key(self, account_id: str) -> tuple[PrincipalKind, str | None] | None:
        """The account's kind and sealed login key (None: it has none); None if no account."""
        ...

    async def set_login_key(self, kind: PrincipalKind, account_id: str, sealed: str) -> bool: ...


class DomainRepository(Protocol):
    async def list_domains(
        self, tenant_id: str, *, language: str | None = None, active_only: bool = False
    ) -> list[Domain]: ...

    async def get_domain_by_name(self, tenant_id: str, name: str) -> Domain | None: ...

    async def add_domain(self, domain: NewDomain) -> Domain: ...


class Repositories(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def domains(self) -> DomainRepository: ...

    @property
    def bots(self) -> BotRepository: ...

    @property
    def projects(self) -> ProjectRepository: ...

    @property
    def rooms(self) -> RoomRepository: ...

    @property
    def robots(self) -> RobotRepository: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def active_codes(self) -> ActiveCodeRepository: ...

    @property
    def dialogs(self) -> DialogRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def conversation_tests(self) -> ConversationTestRepository: ...

    @property
    def audit(self) -> AuditRepository: ...


class Storage(Protocol):
    """Configuration storage. Each ``transaction()`` block is one unit of work."""

    def transaction(self) -> AbstractAsyncContextManager[Repositories]: ...

    def reader(self) -> AbstractAsyncContextManager[Repositories]: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
