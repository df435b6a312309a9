"""Lock-out after repeated wrong secrets, counted so that a burst cannot outrun it.

Every check of a secret first reserves an attempt with one atomic increment in the session
store, and only a reserved attempt is checked, so at most ``attempts`` secrets are ever
checked per window, however many requests arrive at once and on however many workers share
the store. The counter is also the lock: the wrong secret that uses up the allowance raises
it to ``LOCKED`` with the lock's duration as its TTL; a right secret deletes it.

A request that finds the allowance taken by checks still in flight (a client asking for
several tokens at once, with the right secret) is not refused: it waits for them to end,
since a right one starts the count again and a wrong one may lock, and then tries again.
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from oiap.services.ports import SessionStore

LOCKED = 1 << 40
"""The count of a locked account; increments while locked stay above it."""
SETTLE_WAIT = 5.0
"""Seconds a request waits for the checks in flight before it is refused as locked."""


@dataclass(frozen=True)
class LockoutRule:
    attempts: int
    """Secrets checked per window; a wrong one at this count locks."""
    window: float
    """Seconds a run of attempts is remembered after its first one."""
    duration: float
    """Seconds a lock lasts."""


@dataclass(frozen=True)
class Attempt:
    """One reserved check of a secret; tell it how the check went."""

    sessions: SessionStore
    key: str
    rule: LockoutRule
    number: int

    async def wrong(self) -> bool:
        """Count a wrong secret; True when it locks (the answer is then "locked")."""
        if self.number < self.rule.attempts:
            return False
        await self.sessions.set(self.key, str(LOCKED).encode(), self.rule.duration)
        return True

    async def right(self) -> None:
        """A right secret starts the count again (and lifts a lock a racing wrong one set)."""
        await self.sessions.delete(self.key)


async def reserve(sessions: SessionStore, key: str, rule: LockoutRule) -> Attempt | None:
    """An attempt to check a secret, or None when the account is locked (check nothing)."""
    deadline = time.monotonic() + SETTLE_WAIT
    pause = 0.01
    while True:
        number = await sessions.incr(key, rule.window)
        if number <= rule.attempts:
            return Attempt(sessions, key, rule, number)
        if number > LOCKED:
            return None
        # The allowance is taken by checks in flight: wait until they settle.
        while True:
            if time.monotonic() >= deadline:
                return None
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)
            raw = await sessions.get(key)
            count = 0 if raw is None else int(raw)
            if count >= LOCKED:
                return None
            if count < rule.attempts:
                break


async def lock_left(sessions: SessionStore, key: str) -> float | None:
    """Seconds until a refused account may try again, as the counter's TTL says; None when
    the store no longer holds it (the lock just ended or an operator lifted it)."""
    left = await sessions.ttl(key)
    return left if left is not None and left > 0 else None


async def locked_detail(sessions: SessionStore, key: str) -> str:
    """The part of a lock-out answer that says how long it lasts, so a client knows when to
    try again rather than hammering a locked account (which only keeps it counted)."""
    left = await lock_left(sessions, key)
    if left is None:
        return "Try again now."
    seconds = math.ceil(left)
    until = datetime.now(UTC) + timedelta(seconds=seconds)
    return (
        f"Try again in {seconds} s (after {until:%Y-%m-%dT%H:%M:%SZ}), "
        "or ask the operator to unlock it."
    )


async def unlock(sessions: SessionStore, key: str) -> bool:
    """Lift a lock and forget the wrong attempts counted; True when there was anything."""
    had = await sessions.get(key) is not None
    await sessions.delete(key)
    return had
