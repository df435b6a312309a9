"""The Redis session store: shared by every worker and kept across restarts."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import NoScriptError, RedisError

from oiap.services.ports import Held, LockTimeout

# ``hold``: take the lock and read the value in one round trip, then write and let go in one.
# The lock is deleted only by its owner, atomically: a lock that expired and was taken by
# another worker must not be released by the first one.
_TAKE_AND_READ = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('get', KEYS[2])}
end
return {0}
"""
_WRITE_AND_RELEASE = """
if ARGV[2] == '1' then redis.call('set', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
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


_SHA = {
    script: hashlib.sha1(script.encode()).hexdigest()
    for script in (_TAKE_AND_READ, _WRITE_AND_RELEASE)
}


async def _run_script(conn: Any, script: str, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA on a connection of our own; EVAL once if the server has not cached it yet."""
    try:
        await conn.send_command("EVALSHA", _SHA[script], len(keys), *keys, *args)
        try:
            return await conn.read_response()
        except NoScriptError:
            await conn.send_command("EVAL", script, len(keys), *keys, *args)
            return await conn.read_response()
    except BaseException:
        # An answer may be left unread on it: never hand this connection out again.
        await conn.disconnect()
        raise


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class RedisSessionStore:
    def __init__(self, url: str, *, prefix: str = "oiap:") -> None:
        self._redis = aioredis.Redis.from_url(url, decode_responses=False)
        self._prefix = prefix
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
        # One locking mechanism: a hold that keeps nothing (its read of ``key`` is unused).
        async with self.hold(key, timeout_seconds):
            yield

    @asynccontextmanager
    async def hold(self, key: str, timeout_seconds: float) -> AsyncIterator[Held]:
        # A dialog's every turn comes here: both scripts go over one connection taken from
        # the pool once, without the client's per-command machinery (a third of the cost).
        name, value_key = self._k("lock:" + key), self._k(key)
        owner = secrets.token_hex(8)
        # The lease outlives any sane turn but not a dead worker: a crash frees it.
        lease_ms = _ms(max(timeout_seconds * 4, 10))
        deadline = asyncio.get_running_loop().time() + timeout_seconds
        delay = 0.001
        pool = self._redis.connection_pool
        conn = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            while True:
                taken = await _run_script(
                    conn, _TAKE_AND_READ, [name, value_key], [owner, lease_ms]
                )
                if taken[0] == 1:
                    break
                if asyncio.get_running_loop().time() >= deadline:
                    raise LockTimeout(key)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.02)
            held = Held(taken[1] if len(taken) > 1 else None)
            written = False
            try:
                yield held
                written = held.kept is not None
            finally:
                value, ttl = held.kept if written and held.kept is not None else (b"", 0.0)
                await _run_script(
                    conn,
                    _WRITE_AND_RELEASE,
                    [name, value_key],
                    [owner, "1" if written else "0", value, _ms(ttl)],
                )
        finally:
            await pool.release(conn)

    async def ping(self) -> bool:
        try:
            pong: bool = await self._redis.ping()  # type: ignore[misc]
            return pong
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()
