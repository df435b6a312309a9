"""Secret keys sealed under the server key: confidential and tamper-evident at rest.

A value is sealed with AES-256-GCM from the ``cryptography`` package: a random 96-bit nonce
per value, the 128-bit tag checked on opening, and the seal's version as associated data so
a value cannot be passed off as another format. The AES key is derived from the server key
with HKDF-SHA256 under a label of its own, so the server key is never used directly.
Sealed text: ``s2.<base64url(nonce || ciphertext || tag)>``.

Values sealed before (``s1.``: an HMAC-SHA256 keystream with an HMAC tag, written with the
standard library alone) are still opened, read-only, so no stored key is lost. They are not
re-sealed when read: that would make authentication write, and a re-seal racing a
``rotate-key`` or a new login key could store the old key back over the new one. A value
moves to ``s2`` at its next write (``oiap project rotate-key``, ``oiap tenant login-key``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CURRENT = "s2"
_NONCE_BYTES = 12
_TAG_BYTES = 16


class SealBroken(Exception):
    """The sealed value was altered or sealed under another server key."""


def _aead(server_key: bytes) -> AESGCM:
    # Imported on first use: every ``oiap`` command imports this module, few of them seal.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"oiap-sealed-keys/s2")
    return AESGCM(hkdf.derive(server_key))


def _payload(encoded: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(encoded.encode())
    except ValueError as exc:
        raise SealBroken("not base64") from exc


def seal(server_key: bytes, plaintext: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    cipher = _aead(server_key).encrypt(nonce, plaintext.encode(), CURRENT.encode())
    return f"{CURRENT}.{base64.urlsafe_b64encode(nonce + cipher).decode()}"


def unseal(server_key: bytes, sealed: str) -> str:
    version, _, encoded = sealed.partition(".")
    if version == "s1":
        return _open_s1(server_key, _payload(encoded))
    if version != CURRENT:
        raise SealBroken("unknown seal version")
    from cryptography.exceptions import InvalidTag

    raw = _payload(encoded)
    if len(raw) < _NONCE_BYTES + _TAG_BYTES:
        raise SealBroken("too short")
    try:
        plain = _aead(server_key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], CURRENT.encode())
    except InvalidTag as exc:
        raise SealBroken("authentication failed") from exc
    return plain.decode()


def is_current(sealed: str) -> bool:
    """Whether a stored value is sealed the current way (the rest move at their next write)."""
    return sealed.startswith(CURRENT + ".")


# -- s1, read only --------------------------------------------------------------------------
# The former format, kept only so that values stored with it still open; nothing seals it.

_S1_NONCE_BYTES = 16
_S1_TAG_BYTES = 32


def _s1_subkey(server_key: bytes, label: bytes) -> bytes:
    return hmac.new(server_key, b"oiap-sealed-keys/" + label, hashlib.sha256).digest()


def _open_s1(server_key: bytes, raw: bytes) -> str:
    if len(raw) < _S1_NONCE_BYTES + _S1_TAG_BYTES:
        raise SealBroken("too short")
    nonce, cipher = raw[:_S1_NONCE_BYTES], raw[_S1_NONCE_BYTES:-_S1_TAG_BYTES]
    tag = raw[-_S1_TAG_BYTES:]
    expected = hmac.new(_s1_subkey(server_key, b"mac"), nonce + cipher, hashlib.sha256).digest()
    if not hmac.compare_digest(tag, expected):
        raise SealBroken("authentication failed")
    enc = _s1_subkey(server_key, b"enc")
    stream = b"".join(
        hmac.new(enc, nonce + i.to_bytes(8, "big"), hashlib.sha256).digest()
        for i in range((len(cipher) + 31) // 32)
    )
    try:
        return bytes(a ^ b for a, b in zip(cipher, stream, strict=False)).decode()
    except UnicodeDecodeError as exc:
        raise SealBroken("not text") from exc
