"""The in-process session store: the embedded default for a single worker.

Its locks live and die with the one process that uses them, so they need no lease: a holder
never loses its lock while it runs, and a crash takes every lock (and dialog) with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from oiap.services.ports import Held, LockTimeout
from oiap.services.telemetry import meters


@dataclass
class _Entry:
    value: bytes | set[str]
    expires_at: float


@dataclass
class MemorySessionStore:
    _data: dict[str, _Entry] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _sweep_every: int = 1000
    _writes: int = 0
    _listeners: dict[str, list[asyncio.Queue[bytes]]] = field(default_factory=dict)

    def _live(self, key: str) -> _Entry | None:
        entry = self._data.get(key)
        if entry is None:
            return None
        if entry.expires_at <= time.monotonic():
            del self._data[key]
            return None
        return entry

    def _put(self, key: str, value: bytes | set[str], ttl_seconds: float) -> None:
        self._data[key] = _Entry(value, time.monotonic() + ttl_seconds)
        self._writes += 1
        if self._writes % self._sweep_every == 0:
            self._sweep()

    def _sweep(self) -> None:
        # Expired keys are otherwise only dropped when read; a periodic sweep bounds memory.
        now = time.monotonic()
        for key in [k for k, e in self._data.items() if e.expires_at <= now]:
            del self._data[key]

    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        if entry is None or not isinstance(entry.value, bytes):
            return None
        return entry.value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        self._put(key, value, ttl_seconds)

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        if self._live(key) is not None:
            return False
        self._put(key, value, ttl_seconds)
        return True

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def incr(self, key: str, ttl_seconds: float) -> int:
        entry = self._live(key)
        if entry is None or not isinstance(entry.value, bytes):
            self._put(key, b"1", ttl_seconds)
            return 1
        count = int(entry.value) + 1
        entry.value = str(count).encode()
        return count

    async def ttl(self, key: str) -> float | None:
        entry = self._live(key)
        if entry is None:
            return None
        return entry.expires_at - time.monotonic()

    async def add_member(self, key: str, member: str, ttl_seconds: float) -> None:
        entry = self._live(key)
        if entry is None or not isinstance(entry.value, set):
            self._put(key, {member}, ttl_seconds)
            return
        entry.value.add(member)
        entry.expires_at = max(entry.expires_at, time.monotonic() + ttl_seconds)

    async def take_members(self, key: str) -> list[str]:
        entry = self._live(key)
        self._data.pop(key, None)
        if entry is None or not isinstance(entry.value, set):
            return []
        return sorted(entry.value)

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        if not lock.locked():
            await lock.acquire()  # free: taken at once, without wait_for's extra task
        else:
            began = time.perf_counter()
            try:
                await asyncio.wait_for(lock.acquire(), timeout_seconds)
            except TimeoutError as exc:
                meters.lock_timeouts.inc()
                raise LockTimeout(key) from exc
            meters.lock_wait_seconds.observe(time.perf_counter() - began)
        try:
            yield
        finally:
            lock.release()
            if not lock.locked() and not getattr(lock, "_waiters", None):
                self._locks.pop(key, None)

    @asynccontextmanager
    async def hold(self, key: str, timeout_seconds: float) -> AsyncIterator[Held]:
        async with self.lock(key, timeout_seconds):
            began = time.perf_counter()
            held = Held(await self.get(key))
            meters.session_store_seconds["lock_read"].observe(time.perf_counter() - began)
            yield held
            if held.kept is not None:
                began = time.perf_counter()
                self._put(key, *held.kept)
                meters.session_store_seconds["write_release"].observe(time.perf_counter() - began)

    async def announce(self, channel: str, message: bytes) -> None:
        for queue in self._listeners.get(channel, []):
            queue.put_nowait(message)

    async def notices(self, channel: str) -> AsyncIterator[bytes | None]:
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        self._listeners.setdefault(channel, []).append(queue)
        try:
            yield b""
            while True:
                yield await queue.get()
        finally:
            self._listeners[channel].remove(queue)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        self._data.clear()
