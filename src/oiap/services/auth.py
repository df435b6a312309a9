"""OIAP token authentication (spec §3): issuing tokens, checking them, locking accounts."""

from __future__ import annotations

import asyncio
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from oiap.domain.credentials import (
    hash_secret,
    issue_token,
    token_digest,
    token_expiry,
    verify_secret,
)
from oiap.domain.tenants import Principal, PrincipalKind
from oiap.errors import Err, OiapError
from oiap.services import lockout
from oiap.services.ports import SessionStore, Storage


class SecretChecks:
    """A worker's slow hashes (scrypt, tens of milliseconds each), run on ``concurrency``
    threads of their own. On the event loop a burst of ``gettoken`` stalled every dialog of
    the worker; hashlib.scrypt releases the GIL, so the loop keeps answering meanwhile, and
    the small pool bounds how many cores a burst may take (the rest wait their turn)."""

    def __init__(self, concurrency: int = 2) -> None:
        self.concurrency = concurrency
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0

    def _executor(self) -> ThreadPoolExecutor:
        # A forked worker inherits the pool but not its threads: it makes its own.
        if self._pool is None or self._pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="secret-check")
            self._pid = os.getpid()
        return self._pool

    async def verify(self, secret: str, stored: str) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), verify_secret, secret, stored)

    async def hash(self, secret: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(), hash_secret, secret)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


WORKER_SECRET_CHECKS = SecretChecks()
"""For callers that bring none (the CLI, start-up); the server's come from its settings."""


@dataclass(frozen=True)
class AuthPolicy:
    token_ttl: int = 3600
    lockout_threshold: int = 5
    lockout_window: int = 900
    lockout_duration: int = 900
    secret_checks: SecretChecks = field(default=WORKER_SECRET_CHECKS, compare=False)

    @property
    def lockout_rule(self) -> lockout.LockoutRule:
        return lockout.LockoutRule(
            self.lockout_threshold, self.lockout_window, self.lockout_duration
        )


@dataclass(frozen=True)
class GrantedToken:
    auth_token: str
    expire_time: int


def _token_key(digest: str) -> str:
    return f"tok:{digest}"


def _tokens_of(kind: PrincipalKind, account_id: str) -> str:
    return f"toks:{kind.value}:{account_id}"


def failures_key(account_id: str) -> str:
    """The lock-out counter of an account: one per account, whichever way it logs in."""
    return f"authfail:{account_id}"


class TokenCache:
    """Tokens this worker checked in the last ``ttl`` seconds, so a call's every turn does not
    cost a session-store read. A token revoked meanwhile is honoured for at most ``ttl``
    seconds by a worker that checked it just before (docs/errors.md)."""

    def __init__(self, ttl: float = 1.0, size: int = 10_000) -> None:
        self.ttl = ttl
        self.size = size
        self._items: dict[str, tuple[float, Principal]] = {}

    def get(self, digest: str) -> Principal | None:
        hit = self._items.get(digest)
        if hit is None or hit[0] <= time.monotonic():
            return None
        return hit[1]

    def put(self, digest: str, principal: Principal, expiry: float) -> None:
        if len(self._items) >= self.size:
            self._items.clear()  # a burst of new tokens; they are read again on next use
        lives = min(self.ttl, expiry - time.time())
        if lives > 0:
            self._items[digest] = (time.monotonic() + lives, principal)


async def get_token(
    storage: Storage, sessions: SessionStore, policy: AuthPolicy, app_key: str, app_secret: str
) -> GrantedToken:
    """Exchange an appKey/appSecret for a token, locking the account after repeated failures.

    Tenant IDs and machine-account names share one namespace, so an appKey names exactly one
    account of either kind.
    """
    async with storage.reader() as repos:
        kind = PrincipalKind.TENANT
        stored = await repos.accounts.secret_hash(kind, app_key)
        if stored is None:
            kind = PrincipalKind.SYSTEM
            stored = await repos.accounts.secret_hash(kind, app_key)
    if stored is None:
        raise OiapError(Err.KEY_NOT_FOUND)
    counter = failures_key(app_key)
    attempt = await lockout.reserve(sessions, counter, policy.lockout_rule)
    if attempt is None:
        raise OiapError(Err.ACCOUNT_LOCKED, await lockout.locked_detail(sessions, counter))
    if not await policy.secret_checks.verify(app_secret, stored):
        if await attempt.wrong():
            raise OiapError(Err.ACCOUNT_LOCKED, await lockout.locked_detail(sessions, counter))
        raise OiapError(Err.KEY_WRONG)
    await attempt.right()
    return await grant_token(sessions, policy, kind, app_key)


async def unlock_account(storage: Storage, sessions: SessionStore, account_id: str) -> bool:
    """Lift the lock-out of a tenant or machine account (both ways it logs in); True when it
    was locked or had wrong attempts counted."""
    async with storage.reader() as repos:
        known = await repos.accounts.get_tenant(account_id) is not None
        known = known or await repos.accounts.get_system_user(account_id) is not None
    if not known:
        raise OiapError(Err.NOT_FOUND, f"No tenant or machine account '{account_id}'.")
    return await lockout.unlock(sessions, failures_key(account_id))


async def grant_token(
    sessions: SessionStore, policy: AuthPolicy, kind: PrincipalKind, account_id: str
) -> GrantedToken:
    """A new token of the account, once it has proved who it is (any way it logs in)."""
    issued = issue_token(policy.token_ttl)
    record = json.dumps({"k": kind.value, "a": account_id}).encode()
    await sessions.set(_token_key(issued.digest), record, policy.token_ttl)
    await sessions.add_member(_tokens_of(kind, account_id), issued.digest, policy.token_ttl)
    return GrantedToken(auth_token=issued.token, expire_time=policy.token_ttl)


async def revoke_tokens(sessions: SessionStore, kind: PrincipalKind, account_id: str) -> None:
    digests = await sessions.take_members(_tokens_of(kind, account_id))
    if digests:
        await sessions.delete(*[_token_key(d) for d in digests])


async def authenticate(
    sessions: SessionStore,
    *,
    token: str | None,
    tenant_id: str | None,
    system_user: str | None = None,
    cache: TokenCache | None = None,
) -> Principal:
    """The one token check every OIAP interface uses.

    ``system_user`` is set when the token came in the ``username``/``token`` headers, which
    only machine accounts use (spec §3.2). A token in the body must be a tenant's own.
    """
    if not token:
        raise OiapError(Err.TOKEN_MISSING_OR_EXPIRED, "No token was given.")
    expiry = token_expiry(token)
    if expiry is None:
        raise OiapError(Err.TOKEN_INVALID)
    digest = token_digest(token)
    principal = cache.get(digest) if cache is not None else None
    if principal is None:
        raw = await sessions.get(_token_key(digest))
        if raw is None:
            if expiry <= time.time():
                raise OiapError(Err.TOKEN_MISSING_OR_EXPIRED, "The token has expired.")
            raise OiapError(Err.TOKEN_INVALID)
        record = json.loads(raw)
        principal = Principal(kind=PrincipalKind(record["k"]), account_id=record["a"])
        if cache is not None:
            cache.put(digest, principal, expiry)
    if system_user is not None:
        if principal.kind is not PrincipalKind.SYSTEM or principal.account_id != system_user:
            raise OiapError(Err.TOKEN_INVALID)
    elif principal.kind is not PrincipalKind.TENANT:
        raise OiapError(Err.TOKEN_INVALID, "Machine accounts send their token in headers.")
    if tenant_id is not None and not principal.may_act_for(tenant_id):
        raise OiapError(Err.TOKEN_INVALID, "The token belongs to another tenant.")
    return principal
