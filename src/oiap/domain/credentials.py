"""App secrets and access tokens.

Secrets are kept only as scrypt hashes; a leaked database does not reveal them. Tokens are
256 random bits: because they cannot be guessed, a fast SHA-256 digest is enough to store
them, and the store is keyed by that digest so a stolen store gives no usable token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

_SCRYPT_N = 2**14
_SCRYPT_R = 8
_SCRYPT_P = 1
_SCHEME = "scrypt"
TOKEN_PREFIX = "v1"


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def hash_secret(secret: str, *, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        secret.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32
    )
    parts = (
        _SCHEME,
        str(_SCRYPT_N),
        str(_SCRYPT_R),
        str(_SCRYPT_P),
        base64.b64encode(salt).decode(),
        base64.b64encode(digest).decode(),
    )
    return "$".join(parts)


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != _SCHEME:
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        actual = hashlib.scrypt(
            secret.encode(), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


@dataclass(frozen=True)
class IssuedToken:
    token: str
    digest: str
    expires_at: int


def issue_token(ttl_seconds: int, *, now: float | None = None) -> IssuedToken:
    """A token carries its own expiry so that an expired token (900001) can be told
    apart from a forged one (900002) after the store has dropped it."""
    issued = time.time() if now is None else now
    expires_at = int(issued) + ttl_seconds
    token = f"{TOKEN_PREFIX}.{expires_at:x}.{secrets.token_urlsafe(32)}"
    return IssuedToken(token=token, digest=token_digest(token), expires_at=expires_at)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_expiry(token: str) -> int | None:
    """The expiry written in a well-formed token, or None for a malformed one."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not 40 <= len(parts[2]) <= 64:
        return None
    try:
        return int(parts[1], 16)
    except ValueError:
        return None
