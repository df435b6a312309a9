"""The session-store contract, on the in-process store and on a real Redis.

Locks are short leases that their holder renews while it runs; a write made as a lock is let
go happens only if the lock is still the holder's (fencing). The in-process store's locks die
only with their process, so the tests of lost and abandoned locks run on Redis alone.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from oiap.adapters.sessions import open_session_store
from oiap.services.ports import LockLost, LockTimeout, SessionStore

LEASE = 1.0  # seconds: the shortest lease the settings allow, to keep these tests quick


@pytest.fixture
async def store(session_store_url: str) -> AsyncIterator[SessionStore]:
    opened = open_session_store(
        session_store_url, prefix=f"test:{secrets.token_hex(4)}:", lock_lease=LEASE
    )
    yield opened
    await opened.close()


def needs_redis(url: str) -> None:
    if url == "memory":
        pytest.skip("in-process locks are never lost or left behind by a live process")


async def test_values_expire(store: SessionStore) -> None:
    await store.set("k", b"v", 0.3)
    assert await store.get("k") == b"v"
    assert await store.get_many(["k", "missing"]) == [b"v", None]
    await asyncio.sleep(0.5)
    assert await store.get("k") is None


async def test_set_if_absent_only_once(store: SessionStore) -> None:
    assert await store.set_if_absent("once", b"1", 5)
    assert not await store.set_if_absent("once", b"2", 5)
    assert await store.get("once") == b"1"
    await store.delete("once")
    assert await store.set_if_absent("once", b"3", 5)


async def test_counter_window_starts_with_first_increment(store: SessionStore) -> None:
    assert [await store.incr("n", 0.5) for _ in range(3)] == [1, 2, 3]
    remaining = await store.ttl("n")
    assert remaining is not None and remaining <= 0.5
    await asyncio.sleep(0.7)
    assert await store.incr("n", 0.5) == 1


async def test_members_are_taken_once(store: SessionStore) -> None:
    await store.add_member("set", "a", 5)
    await store.add_member("set", "b", 5)
    await store.add_member("set", "a", 5)
    assert await store.take_members("set") == ["a", "b"]
    assert await store.take_members("set") == []


async def test_lock_serialises_holders(store: SessionStore) -> None:
    order: list[str] = []

    async def hold(name: str) -> None:
        async with store.lock("dialog-1", timeout_seconds=5):
            order.append(f"{name}+")
            await asyncio.sleep(0.05)
            order.append(f"{name}-")

    await asyncio.gather(hold("a"), hold("b"), hold("c"))
    # Never two holders at once: every entry is followed directly by its own exit.
    assert all(order[i][0] == order[i + 1][0] for i in range(0, len(order), 2))
    assert sorted(order) == ["a+", "a-", "b+", "b-", "c+", "c-"]


async def test_busy_lock_times_out(store: SessionStore) -> None:
    async with store.lock("busy", timeout_seconds=1):
        with pytest.raises(LockTimeout):
            async with store.lock("busy", timeout_seconds=0.2):
                pass
    async with store.lock("busy", timeout_seconds=0.2):
        pass


async def test_ping(store: SessionStore) -> None:
    assert await store.ping()


async def test_a_held_value_is_written_as_the_lock_is_let_go(store: SessionStore) -> None:
    async with store.hold("dialog-2", timeout_seconds=5) as held:
        assert held.value is None
        held.keep(b"turn 1", 5)
        assert await store.get("dialog-2") is None  # not before the block ends
    assert await store.get("dialog-2") == b"turn 1"
    async with store.hold("dialog-2", timeout_seconds=5) as held:
        assert held.value == b"turn 1"
    assert await store.get("dialog-2") == b"turn 1"  # nothing kept: left as it was


async def test_a_failing_holder_writes_nothing_and_frees_the_lock(store: SessionStore) -> None:
    await store.set("dialog-3", b"before", 5)
    with pytest.raises(RuntimeError):
        async with store.hold("dialog-3", timeout_seconds=5) as held:
            held.keep(b"after", 5)
            raise RuntimeError("the turn failed")
    async with store.hold("dialog-3", timeout_seconds=0.2) as held:
        assert held.value == b"before"


async def test_holders_of_one_key_take_turns(store: SessionStore) -> None:
    async def add_one() -> None:
        async with store.hold("counter", timeout_seconds=5) as held:
            count = int(held.value or b"0")
            await asyncio.sleep(0.01)  # another holder would read the same count here
            held.keep(str(count + 1).encode(), 5)

    await asyncio.gather(*(add_one() for _ in range(8)))
    assert await store.get("counter") == b"8"
    async with store.hold("counter", timeout_seconds=1):
        with pytest.raises(LockTimeout):
            async with store.hold("counter", timeout_seconds=0.2):
                pass


async def test_a_lock_is_renewed_while_its_holder_runs(store: SessionStore) -> None:
    async with store.hold("long-turn", timeout_seconds=1) as held:
        await asyncio.sleep(LEASE * 1.6)  # past the lease: only renewal keeps it
        with pytest.raises(LockTimeout):
            async with store.hold("long-turn", timeout_seconds=0.2):
                pass
        held.keep(b"written late", 5)
    assert await store.get("long-turn") == b"written late"
    async with store.hold("long-turn", timeout_seconds=0.2) as held:
        assert held.value == b"written late"


async def test_a_holder_that_lost_its_lock_writes_nothing(
    store: SessionStore, session_store_url: str
) -> None:
    needs_redis(session_store_url)
    await store.set("fenced", b"before", 5)
    with pytest.raises(LockLost):
        async with store.hold("fenced", timeout_seconds=1) as held:
            # As if this holder stalled past its lease and another one took the dialog.
            await store.delete("lock:fenced")
            assert await store.set_if_absent("lock:fenced", b"another holder", 5)
            held.keep(b"stale state", 5)
    assert await store.get("fenced") == b"before"
    assert await store.get("lock:fenced") == b"another holder"  # not released by the loser


async def test_a_lock_left_by_a_dead_holder_frees_within_its_lease(
    store: SessionStore, session_store_url: str
) -> None:
    needs_redis(session_store_url)
    # What a killed worker leaves: its lock with the lease it last renewed, and nobody renewing.
    await store.set("lock:orphaned", b"dead worker", LEASE)
    async with store.hold("orphaned", timeout_seconds=LEASE * 3) as held:
        held.keep(b"continued", 5)
    assert await store.get("orphaned") == b"continued"
