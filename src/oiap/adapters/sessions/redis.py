"""The Redis session store: shared by every worker and kept across restarts."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from oiap.services.ports import LockTimeout

# Deleting a lock only if we still own it must be atomic, or a lock that expired and was
# taken by another worker could be released by the first one.
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
_INCR_WITH_TTL = """
local n = redis.call('incr', KEYS[1])
if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end
return n
"""
_ADD_MEMBER = """
redis.call('sadd', KEYS[1], ARGV[1])
if redis.call('pttl', KEYS[1]) < tonumber(ARGV[2]) then redis.call('pexpire', KEYS[1], ARGV[2]) end
return 1
"""


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisSessionStore:
    def __init__(self, url: str, *, prefix: str = "oiap:") -> None:
        self._redis = aioredis.Redis.from_url(url, decode_responses=False)
        self._prefix = prefix
        self._release = self._redis.register_script(_RELEASE)
        self._incr = self._redis.register_script(_INCR_WITH_TTL)
        self._add_member = self._redis.register_script(_ADD_MEMBER)

    def _k(self, key: str) -> str:
        return self._prefix + key

    async def get(self, key: str) -> bytes | None:
        value: bytes | None = await self._redis.get(self._k(key))
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        values: list[bytes | None] = await self._redis.mget([self._k(k) for k in keys])
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        await self._redis.set(self._k(key), value, px=_ms(ttl_seconds))

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        return bool(await self._redis.set(self._k(key), value, px=_ms(ttl_seconds), nx=True))

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._redis.delete(*[self._k(k) for k in keys])

    async def incr(self, key: str, ttl_seconds: float) -> int:
        return int(await self._incr(keys=[self._k(key)], args=[_ms(ttl_seconds)]))

    async def ttl(self, key: str) -> float | None:
        ms = int(await self._redis.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    async def add_member(self, key: str, member: str, ttl_seconds: float) -> None:
        await self._add_member(keys=[self._k(key)], args=[member, _ms(ttl_seconds)])

    async def take_members(self, key: str) -> list[str]:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.smembers(self._k(key))
            pipe.delete(self._k(key))
            members, _ = await pipe.execute()
        return sorted(m.decode() for m in members)

    @asynccontextmanager
    async def lock(self, key: str, timeout_seconds: float) -> AsyncIterator[None]:
        name = self._k("lock:" + key)
        owner = secrets.token_hex(8)
        # The lease outlives any sane turn but not a dead worker: a crash frees it.
        lease_ms = _ms(max(timeout_seconds * 4, 10))
        deadline = asyncio.get_running_loop().time() + timeout_seconds
        delay = 0.001
        while not await self._redis.set(name, owner, px=lease_ms, nx=True):
            if asyncio.get_running_loop().time() >= deadline:
                raise LockTimeout(key)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.02)
        try:
            yield
        finally:
            await self._release(keys=[name], args=[owner])

    async def ping(self) -> bool:
        try:
            pong: bool = await self._redis.ping()  # type: ignore[misc]
            return pong
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()
