"""OIAP token authentication (spec §3): issuing tokens, checking them, locking accounts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from oiap.domain.credentials import issue_token, token_digest, token_expiry, verify_secret
from oiap.domain.tenants import Principal, PrincipalKind
from oiap.errors import Err, OiapError
from oiap.services.ports import SessionStore, Storage


@dataclass(frozen=True)
class AuthPolicy:
    token_ttl: int = 3600
    lockout_threshold: int = 5
    lockout_window: int = 900
    lockout_duration: int = 900


@dataclass(frozen=True)
class GrantedToken:
    auth_token: str
    expire_time: int


def _token_key(digest: str) -> str:
    return f"tok:{digest}"


def _tokens_of(kind: PrincipalKind, account_id: str) -> str:
    return f"toks:{kind.value}:{account_id}"


def _failures_key(account_id: str) -> str:
    return f"authfail:{account_id}"


def _locked_key(account_id: str) -> str:
    return f"locked:{account_id}"


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
    if await sessions.get(_locked_key(app_key)) is not None:
        raise OiapError(Err.ACCOUNT_LOCKED)
    if not verify_secret(app_secret, stored):
        failures = await sessions.incr(_failures_key(app_key), policy.lockout_window)
        if failures >= policy.lockout_threshold:
            await sessions.set(_locked_key(app_key), b"1", policy.lockout_duration)
            await sessions.delete(_failures_key(app_key))
            raise OiapError(Err.ACCOUNT_LOCKED)
        raise OiapError(Err.KEY_WRONG)
    await sessions.delete(_failures_key(app_key))
    issued = issue_token(policy.token_ttl)
    record = json.dumps({"k": kind.value, "a": app_key}).encode()
    await sessions.set(_token_key(issued.digest), record, policy.token_ttl)
    await sessions.add_member(_tokens_of(kind, app_key), issued.digest, policy.token_ttl)
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
