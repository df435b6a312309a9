"""Who a MetaStudio request speaks for: AK/SK signatures and IAM-style tokens (spec §2).

A signature is good within ``CLOCK_SKEW`` of its ``X-Sdk-Date``, as often as it is sent.
Every failure is the gateway's ``APIGW.0301``; the detail says which check failed, never
anything about the secret. More than ``AK_LOCK_AFTER`` wrong signatures (or wrong SK
passwords) in a row lock the AK for ``AK_LOCK_SECONDS``; the counters live in the session
store, so with Redis every worker sees the same count (spec §12 item 15), and each check is
reserved before it is made, so a burst cannot have more checked (services/lockout.py).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from oiap.domain import signing
from oiap.domain.projects import Project
from oiap.domain.sealed_keys import SealBroken, unseal
from oiap.errors import MetaStudioError, MsErr
from oiap.services import lockout
from oiap.services.ports import SessionStore, Storage

CLOCK_SKEW = timedelta(minutes=15)
TOKEN_LIFETIME = timedelta(hours=24)
_REQUIRED_SIGNED = ("host", "x-sdk-date")
AK_LOCK_AFTER = 5
"""Wrong signatures in a row an AK may have; the next one locks it."""
AK_FAILURE_WINDOW = 900.0
"""Seconds a run of failures is remembered after its first failure."""
AK_LOCK_SECONDS = 300.0
_AK_LOCKOUT = lockout.LockoutRule(AK_LOCK_AFTER + 1, AK_FAILURE_WINDOW, AK_LOCK_SECONDS)


@dataclass(frozen=True)
class SignedRequest:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str] = field(default_factory=dict)
    """Lower-cased names."""
    body: bytes = b""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    project: Project
    issued_at: datetime
    expires_at: datetime


def _refuse(detail: str) -> MetaStudioError:
    return MetaStudioError(MsErr.GATEWAY_AUTH, detail)


def _token_key(token: str) -> str:
    return "ms:tok:" + hashlib.sha256(token.encode()).hexdigest()


def _tokens_of(project_id: str) -> str:
    return f"ms:toks:{project_id}"


def _ak_failures_key(access_key: str) -> str:
    return "ms:akfail:" + hashlib.sha256(access_key.encode()).hexdigest()


async def _locked(sessions: SessionStore, counter: str) -> MetaStudioError:
    when = await lockout.locked_detail(sessions, counter)
    return _refuse(f"The access key is locked after repeated authentication failures. {when}")


async def _reserve_check(sessions: SessionStore, access_key: str) -> lockout.Attempt:
    """Leave to check one secret of the AK; raises while it is locked."""
    counter = _ak_failures_key(access_key)
    attempt = await lockout.reserve(sessions, counter, _AK_LOCKOUT)
    if attempt is None:
        raise await _locked(sessions, counter)
    return attempt


async def _wrong(attempt: lockout.Attempt, detail: str) -> MetaStudioError:
    """The refusal for a wrong secret; the one that exceeds the allowance locks the AK."""
    if await attempt.wrong():
        return await _locked(attempt.sessions, attempt.key)
    return _refuse(detail)


async def _project_and_secret(
    storage: Storage, server_key: bytes, access_key: str
) -> tuple[Project, str] | None:
    async with storage.reader() as repos:
        found = await repos.projects.by_access_key(access_key)
    if found is None:
        return None
    project, sealed = found
    try:
        return project, unseal(server_key, sealed)
    except SealBroken:
        # Sealed under another server key: the pair cannot be checked, so it fails.
        return None


async def verify_signature(
    storage: Storage,
    sessions: SessionStore,
    server_key: bytes,
    request: SignedRequest,
    now: datetime,
) -> Project:
    auth = signing.parse_authorization(request.headers.get("authorization", ""))
    if auth is None:
        raise _refuse("verify aksk signature fail: malformed Authorization header.")
    if any(name not in auth.signed_headers for name in _REQUIRED_SIGNED):
        raise _refuse("verify aksk signature fail: host and x-sdk-date must be signed.")
    when = signing.parse_sdk_date(request.headers.get("x-sdk-date", ""))
    if when is None:
        raise _refuse("verify aksk signature fail: X-Sdk-Date missing or malformed.")
    if abs(now - when) > CLOCK_SKEW:
        raise _refuse("signature expired: X-Sdk-Date differs from server time by over 15 min.")
    found = await _project_and_secret(storage, server_key, auth.access_key)
    if found is None:
        raise _refuse("verify aksk signature fail: unknown access key.")
    project, secret_key = found
    canonical = signing.canonical_request(
        request.method,
        request.path,
        request.query,
        request.headers,
        auth.signed_headers,
        request.body,
    )
    to_sign = signing.string_to_sign(canonical, request.headers["x-sdk-date"])
    expected = signing.signature(secret_key, to_sign)
    attempt = await _reserve_check(sessions, auth.access_key)
    if not signing.same_signature(expected, auth.signature):
        raise await _wrong(attempt, "verify aksk signature fail.")
    await attempt.right()
    # No replay check, as Huawei's gateway has none: the official SDK signs with a
    # one-second X-Sdk-Date and no nonce, so identical calls within one second (concurrent
    # job starts, a retried stop, minting codes in a loop) carry identical signatures.
    return project


async def issue_token(
    storage: Storage,
    sessions: SessionStore,
    server_key: bytes,
    *,
    user_name: str,
    password: str,
    project_id: str | None,
    now: datetime,
) -> IssuedToken:
    """The IAM password method, where the user name is a project's AK and the password its
    SK; the scope must name that project (docs/metastudio.md)."""
    found = await _project_and_secret(storage, server_key, user_name)
    if found is None:
        raise _refuse("The username or password is wrong.")
    attempt = await _reserve_check(sessions, user_name)
    if not secrets.compare_digest(found[1].encode(), password.encode()):
        raise await _wrong(attempt, "The username or password is wrong.")
    await attempt.right()
    project = found[0]
    if project_id is not None and project_id != project.project_id:
        raise _refuse("The token scope names another project.")
    token = "MIIo" + secrets.token_urlsafe(48)
    expires = now + TOKEN_LIFETIME
    lifetime = TOKEN_LIFETIME.total_seconds()
    record = json.dumps({"project_id": project.project_id}).encode()
    await sessions.set(_token_key(token), record, lifetime)
    await sessions.add_member(_tokens_of(project.project_id), _token_key(token), lifetime)
    return IssuedToken(token=token, project=project, issued_at=now, expires_at=expires)


async def verify_token(storage: Storage, sessions: SessionStore, token: str) -> Project:
    raw = await sessions.get(_token_key(token))
    if raw is None:
        raise _refuse("decrypt token fail or token expires.")
    project_id = json.loads(raw)["project_id"]
    async with storage.reader() as repos:
        project = await repos.projects.get(project_id)
    if project is None:
        raise _refuse("The token's project no longer exists.")
    return project


async def revoke_project_tokens(sessions: SessionStore, project_id: str) -> None:
    keys = await sessions.take_members(_tokens_of(project_id))
    if keys:
        await sessions.delete(*keys)
