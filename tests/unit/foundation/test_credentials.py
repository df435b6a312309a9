from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from oiap.domain.credentials import (
    hash_secret,
    issue_token,
    new_secret,
    token_digest,
    token_expiry,
    verify_secret,
)


def test_secret_hash_verifies_only_the_right_secret() -> None:
    secret = new_secret()
    stored = hash_secret(secret)
    assert verify_secret(secret, stored)
    assert not verify_secret(secret + "x", stored)
    assert hash_secret(secret) != stored  # salted


def test_corrupt_stored_hash_never_verifies() -> None:
    for stored in ["", "plain", "scrypt$1$2", "bcrypt$x$y$z$a$b", "scrypt$a$b$c$!!$!!"]:
        assert not verify_secret("anything", stored)


def test_tokens_are_random_and_carry_their_expiry() -> None:
    now = time.time()
    first, second = issue_token(60, now=now), issue_token(60, now=now)
    assert first.token != second.token
    assert token_expiry(first.token) == int(now) + 60
    assert first.digest == token_digest(first.token) != first.token
    # 32 random bytes: well over the 128 bits asked for.
    assert len(first.token.split(".")[2]) >= 43


@given(st.text(max_size=120))
def test_token_expiry_never_raises_on_arbitrary_text(text: str) -> None:
    expiry = token_expiry(text)
    assert expiry is None or isinstance(expiry, int)
