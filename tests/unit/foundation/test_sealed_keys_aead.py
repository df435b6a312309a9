"""Secret keys sealed at rest with AES-GCM, and values sealed the former way still open."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

import pytest

from oiap.domain.sealed_keys import SealBroken, is_current, seal, unseal

SERVER_KEY = bytes.fromhex("7f" * 32)


def _seal_s1(server_key: bytes, plaintext: str, nonce: bytes) -> str:
    """The former sealing, written out here so the test does not depend on the opener it
    checks: HMAC-SHA256 keystream XOR, then an HMAC-SHA256 tag over nonce and ciphertext."""

    def subkey(label: bytes) -> bytes:
        return hmac.new(server_key, b"oiap-sealed-keys/" + label, hashlib.sha256).digest()

    data = plaintext.encode()
    blocks = (len(data) + 31) // 32
    stream = b"".join(
        hmac.new(subkey(b"enc"), nonce + i.to_bytes(8, "big"), hashlib.sha256).digest()
        for i in range(blocks)
    )[: len(data)]
    cipher = bytes(a ^ b for a, b in zip(data, stream, strict=True))
    tag = hmac.new(subkey(b"mac"), nonce + cipher, hashlib.sha256).digest()
    return "s1." + base64.urlsafe_b64encode(nonce + cipher + tag).decode()


# Sealed by the code before this change (commit a0b5e7e), under SERVER_KEY.
STORED_S1 = _seal_s1(SERVER_KEY, "sk-stored-before-the-upgrade-0123456789", bytes(range(16)))


def test_a_value_sealed_the_old_way_still_opens() -> None:
    assert unseal(SERVER_KEY, STORED_S1) == "sk-stored-before-the-upgrade-0123456789"
    assert not is_current(STORED_S1)


def test_new_values_are_sealed_with_aes_gcm_and_open() -> None:
    secret = secrets.token_urlsafe(32)
    sealed = seal(SERVER_KEY, secret)
    assert sealed.startswith("s2.") and is_current(sealed)
    raw = base64.urlsafe_b64decode(sealed[3:])
    assert len(raw) == 12 + len(secret) + 16  # nonce, ciphertext, GCM tag
    assert unseal(SERVER_KEY, sealed) == secret
    assert seal(SERVER_KEY, secret) != sealed  # a fresh nonce each time


@pytest.mark.parametrize("sealed_with", ["s1", "s2"])
def test_tampering_and_a_foreign_server_key_are_detected(sealed_with: str) -> None:
    sealed = STORED_S1 if sealed_with == "s1" else seal(SERVER_KEY, "sk-0123456789")
    version, _, payload = sealed.partition(".")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    for index in (0, len(raw) // 2, len(raw) - 1):  # nonce, ciphertext, tag
        altered = bytearray(raw)
        altered[index] ^= 0x01
        forged = f"{version}.{base64.urlsafe_b64encode(bytes(altered)).decode()}"
        with pytest.raises(SealBroken):
            unseal(SERVER_KEY, forged)
    with pytest.raises(SealBroken):
        unseal(bytes(32), sealed)
    with pytest.raises(SealBroken):
        unseal(SERVER_KEY, f"{version}.{base64.urlsafe_b64encode(bytes(raw[:8])).decode()}")
    # An s2 value relabelled as s1 (or back) does not open either.
    other = "s1" if version == "s2" else "s2"
    with pytest.raises(SealBroken):
        unseal(SERVER_KEY, f"{other}.{payload}")
    with pytest.raises(SealBroken):
        unseal(SERVER_KEY, "s9." + payload)
