"""The authorization interface (spec §10, ``/chatbot/serverauth/login``): a challenge login.

A caller that has not answered a challenge gets a nonce; it answers with the HMAC-SHA256 of
that nonce under its account's login key and gets a token of that account, the same token
``gettoken`` issues. The login key is a shared secret the server must be able to use, so it
is kept sealed under the server key (``domain.sealed_keys``), not hashed like an appSecret.

Every refusal hands out a fresh nonce. A nonce lives in the session store for a short while
and is good for one answer, right or wrong. An unknown account, an account without a login
key and a wrong checksum are one and the same refusal, counted by the same lock-out as
``gettoken``'s wrong secrets.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from oiap.domain.sealed_keys import SealBroken, unseal
from oiap.domain.tenants import PrincipalKind, is_valid_account_id
from oiap.errors import Err
from oiap.services import lockout
from oiap.services.auth import AuthPolicy, GrantedToken, failures_key, grant_token
from oiap.services.ports import SessionStore, Storage

ACCOUNT_MAX = 32
NONCE_MAX = 128
CHECKSUM_MAX = 512


@dataclass(frozen=True)
class Challenge:
    """A refusal: why, and the nonce to sign next."""

    error: Err
    nonce: str
    detail: str = ""
    """More than the code's message says (how long a lock lasts)."""

    @property
    def text(self) -> str:
        return f"{self.error.message} {self.detail}" if self.detail else self.error.message


def new_login_key() -> str:
    """256 random bits, as text a client uses as the HMAC key (its UTF-8 bytes)."""
    return secrets.token_urlsafe(32)


def _nonce_key(nonce: str) -> str:
    return f"srvauth:nonce:{nonce}"


def _used_key(nonce: str) -> str:
    return f"srvauth:used:{nonce}"


async def challenge(
    sessions: SessionStore, error: Err, nonce_ttl: float, detail: str = ""
) -> Challenge:
    nonce = secrets.token_urlsafe(32)
    await sessions.set(_nonce_key(nonce), b"1", nonce_ttl)
    return Challenge(error, nonce, detail)


async def _use_nonce(sessions: SessionStore, nonce: str, nonce_ttl: float) -> bool:
    """True for exactly one answer to a nonce we issued and that has not expired: the claim
    is one atomic set-if-absent, so two answers racing on several workers cannot both win."""
    if await sessions.get(_nonce_key(nonce)) is None:
        return False
    if not await sessions.set_if_absent(_used_key(nonce), b"1", nonce_ttl):
        return False
    await sessions.delete(_nonce_key(nonce))
    return True


def _digest_of(checksum: str) -> bytes | None:
    """The 32 bytes a checksum spells, in hex (any case) or Base64 (standard or URL-safe).

    A client computes HMAC-SHA256 of the nonce's UTF-8 bytes under its login key's UTF-8
    bytes (docs/api.md)."""
    text = checksum.strip()
    try:
        if len(text) == 64:
            return bytes.fromhex(text)
        raw = base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
        )
    except (ValueError, binascii.Error):
        return None
    return raw if len(raw) == 32 else None


async def _login_key(
    storage: Storage, server_key: bytes, account: str
) -> tuple[PrincipalKind, str] | None:
    """The account's kind and its login key in clear, or None when it cannot log in."""
    if not is_valid_account_id(account):
        return None
    async with storage.reader() as repos:
        found = await repos.accounts.login_key(account)
    if found is None:
        return None
    kind, sealed = found
    if sealed is None:
        return None
    try:
        return kind, unseal(server_key, sealed)
    except SealBroken:
        return None  # sealed under another server key: the key must be issued again


async def login(
    storage: Storage,
    sessions: SessionStore,
    policy: AuthPolicy,
    server_key: bytes,
    *,
    account: str | None,
    nonce: str | None,
    checksum: str | None,
    nonce_ttl: float,
) -> GrantedToken | Challenge:
    """A token of ``account`` for a right checksum of a live nonce; a challenge otherwise."""
    if not account or not nonce or not checksum:
        return await challenge(sessions, Err.LOGIN_CHALLENGE, nonce_ttl)
    if not await _use_nonce(sessions, nonce, nonce_ttl):
        return await challenge(sessions, Err.LOGIN_NONCE, nonce_ttl)
    counter = failures_key(account)
    attempt = await lockout.reserve(sessions, counter, policy.lockout_rule)
    if attempt is None:
        detail = await lockout.locked_detail(sessions, counter)
        return await challenge(sessions, Err.LOGIN_LOCKED, nonce_ttl, detail)
    found = await _login_key(storage, server_key, account)
    # Without a key, a throw-away one keeps the work (and the time it takes) the same.
    key = found[1] if found else secrets.token_urlsafe(32)
    expected = hmac.new(key.encode(), nonce.encode(), hashlib.sha256).digest()
    given = _digest_of(checksum)
    right = hmac.compare_digest(expected, given if given is not None else bytes(32))
    if found is None or given is None or not right:
        if await attempt.wrong():
            detail = await lockout.locked_detail(sessions, counter)
            return await challenge(sessions, Err.LOGIN_LOCKED, nonce_ttl, detail)
        return await challenge(sessions, Err.LOGIN_FAILED, nonce_ttl)
    await attempt.right()
    return await grant_token(sessions, policy, found[0], account)
