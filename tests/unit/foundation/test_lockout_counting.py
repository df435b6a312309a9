"""Lock-out counting under concurrency, and secret checks off the event loop (issue 12,
items 9 and 15), on the in-process session store."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from oiap.adapters.sessions.memory import MemorySessionStore
from oiap.domain.credentials import hash_secret
from oiap.services import auth, lockout

RULE = lockout.LockoutRule(attempts=5, window=60, duration=60)
KEY = "authfail:acme"


async def check(sessions: MemorySessionStore, right: bool, checked: list[bool]) -> str:
    """One request: reserve, check (yielding, as a check off the loop does), answer."""
    attempt = await lockout.reserve(sessions, KEY, RULE)
    if attempt is None:
        return "locked"
    await asyncio.sleep(0.01)
    checked.append(right)
    if right:
        await attempt.right()
        return "ok"
    return "locked" if await attempt.wrong() else "wrong"


async def test_a_burst_of_wrong_secrets_checks_no_more_than_the_allowance() -> None:
    sessions = MemorySessionStore()
    checked: list[bool] = []
    answers = await asyncio.gather(*(check(sessions, False, checked) for _ in range(40)))
    assert len(checked) == RULE.attempts
    assert answers.count("wrong") == RULE.attempts - 1
    assert answers.count("locked") == 40 - (RULE.attempts - 1)
    # Locked: the right secret is refused without being checked.
    assert await check(sessions, True, checked) == "locked"
    assert len(checked) == RULE.attempts


async def test_a_burst_of_right_secrets_is_granted_whole() -> None:
    sessions = MemorySessionStore()
    checked: list[bool] = []
    answers = await asyncio.gather(*(check(sessions, True, checked) for _ in range(20)))
    assert answers == ["ok"] * 20  # beyond the allowance they waited, none was refused


async def test_a_right_secret_before_the_allowance_is_used_up_starts_the_count_again() -> None:
    sessions = MemorySessionStore()
    checked: list[bool] = []
    for _ in range(RULE.attempts - 1):
        assert await check(sessions, False, checked) == "wrong"
    assert await check(sessions, True, checked) == "ok"
    for _ in range(RULE.attempts - 1):
        assert await check(sessions, False, checked) == "wrong"
    assert await check(sessions, False, checked) == "locked"


async def test_the_lock_lasts_its_duration_not_the_window() -> None:
    sessions = MemorySessionStore()
    rule = lockout.LockoutRule(attempts=2, window=60, duration=0.3)
    for expected in (False, True):
        attempt = await lockout.reserve(sessions, KEY, rule)
        assert attempt is not None
        assert await attempt.wrong() is expected
    assert await lockout.reserve(sessions, KEY, rule) is None
    await asyncio.sleep(0.4)
    assert await lockout.reserve(sessions, KEY, rule) is not None


async def test_secret_checks_leave_the_event_loop_free() -> None:
    stored = hash_secret("right")
    checks = auth.SecretChecks(2)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    running = asyncio.create_task(ticker())
    try:
        assert await checks.verify("right", stored)
        assert not await checks.verify("wrong", stored)
        assert await checks.verify("new", await checks.hash("new"))
    finally:
        done.set()
        await running
        checks.close()
    assert ticks > 3  # the loop went on while the hashes ran


async def test_secret_checks_run_at_most_their_concurrency_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lock = threading.Lock()
    now, most = 0, 0

    def slow_verify(secret: str, stored: str) -> bool:
        nonlocal now, most
        with lock:
            now += 1
            most = max(most, now)
        time.sleep(0.02)
        with lock:
            now -= 1
        return secret == stored

    monkeypatch.setattr(auth, "verify_secret", slow_verify)
    checks = auth.SecretChecks(2)
    try:
        results = await asyncio.gather(*(checks.verify("a", "a") for _ in range(8)))
    finally:
        checks.close()
    assert all(results)
    assert most == 2
