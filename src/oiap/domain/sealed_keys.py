"""Secret keys sealed under the server key: confidential and tamper-evident at rest.

Encrypt-then-MAC from the standard library alone: the keystream is HMAC-SHA256 of a random
nonce and a block counter (HMAC as a PRF in counter mode), and a second HMAC under an
independent key authenticates nonce and ciphertext. Both keys are derived from the server
key with distinct labels. This keeps the runtime free of a native crypto dependency.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_VERSION = "s1"
_NONCE_BYTES = 16
_TAG_BYTES = 32


class SealBroken(Exception):
    """The sealed value was altered or sealed under another server key."""


def _subkey(server_key: bytes, label: bytes) -> bytes:
    return hmac.new(server_key, b"oiap-sealed-keys/" + label, hashlib.sha256).digest()


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (length + 31) // 32
    stream = b"".join(
        hmac.new(key, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest() for i in range(blocks)
    )
    return stream[:length]


def seal(server_key: bytes, plaintext: str) -> str:
    data = plaintext.encode()
    nonce = secrets.token_bytes(_NONCE_BYTES)
    stream = _keystream(_subkey(server_key, b"enc"), nonce, len(data))
    cipher = bytes(a ^ b for a, b in zip(data, stream, strict=True))
    tag = hmac.new(_subkey(server_key, b"mac"), nonce + cipher, hashlib.sha256).digest()
    return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + cipher + tag).decode()}"


def unseal(server_key: bytes, sealed: str) -> str:
    version, _, payload = sealed.partition(".")
    if version != _VERSION:
        raise SealBroken("unknown seal version")
    try:
        raw = base64.urlsafe_b64decode(payload.encode())
    except ValueError as exc:
        raise SealBroken("not base64") from exc
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealBroken("too short")
    nonce, cipher, tag = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:-_TAG_BYTES], raw[-_TAG_BYTES:]
    expected = hmac.new(_subkey(server_key, b"mac"), nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise SealBroken("authentication failed")
    stream = _keystream(_subkey(server_key, b"enc"), nonce, len(cipher))
    return bytes(a ^ b for a, b in zip(cipher, stream, strict=True)).decode()
