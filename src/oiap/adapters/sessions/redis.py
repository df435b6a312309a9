"""The Redis session store: shared by every worker and kept across restarts.

Every command is bounded by the connect and command timeouts; a refusal, an error or a
timeout becomes ``StoreUnavailable`` (answered 503 by the API) and one rate-limited log line,
never a traceback per request. The client reconnects by itself when Redis is back.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError

from oiap.services.ports import Held, LockLost, LockTimeout, StoreUnavailable
from oiap.services.telemetry import meters

log = logging.getLogger("oiap.sessions")

# ``hold``: take the lock and read the value in one round trip, then write and let go in one.
# The write is fenced by the lock: a holder whose lease ran out (and whose key another worker
# may now hold) writes nothing, so a late turn can never put an older dialog state back.
_TAKE_AND_READ = """
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('get', KEYS[2])}
end
return {0}
"""
_WRITE_AND_RELEASE = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '1' then redis.call('set', KEYS[2], ARGV[3], 'PX', ARGV[4]) end
redis.call('del', KEYS[1])
return 1
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
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
_FAILURES = (RedisError, OSError)  # builtin TimeoutError included (an OSError)
LOG_EVERY = 10.0  # seconds between two log lines about one kind of failure


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


class FailureLog:
    """One line per kind of failure every ``every`` seconds, with how many were not logged:
    a Redis outage under load must not write a line (let alone a traceback) per request."""

    def __init__(self, logger: logging.Logger, every: float = LOG_EVERY) -> None:
        self._log = logger
        self._every = every
        self._kinds: dict[str, tuple[float, int]] = {}

    def note(self, kind: str, detail: str) -> None:
        now = time.monotonic()
        last, quiet = self._kinds.get(kind, (float("-inf"), 0))
        if now - last < self._every:
            self._kinds[kind] = (last, quiet + 1)
            return
        self._kinds[kind] = (now, 0)
        more = f" ({quiet} more since the last report)" if quiet else ""
        self._log.warning("session store unavailable: %s: %s%s", kind, detail, more)


def bounded_client(url: str, *, connect_timeout: float, command_timeout: float) -> aioredis.Redis:
    """A Redis client whose every exchange is bounded; shared by every Redis adapter."""
    return aioredis.Redis.from_url(
        url,
        decode_responses=False,
        socket_connect_timeout=connect_timeout,
        socket_timeout=command_timeout,
        # One immediate retry on a broken connection (a pooled socket that Redis closed
        # by restarting) and none on a timeout: the client's default backs off for
        # seconds and multiplies every timeout by four.
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )


class RedisSessionStore:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "oiap:",
        lock_lease: float = 5.0,
        connect_timeout: float = 2.0,
        command_timeout: float = 2.0,
    ) -> None:
        self._redis = bounded_client(
            url, connect_timeout=connect_timeout, command_timeout=command_timeout
        )
        self._prefix = prefix
        self._lease = lock_lease
        # A whole exchange, reconnection included, for what runs beside the requests.
        self._patience = connect_timeout + command_timeout
        self._incr = self._redis.register_script(_INCR_WITH_TTL)
        self._add_member = self._redis.register_script(_ADD_MEMBER)
        self._renew = self._redis.register_script(_RENEW)
        self._failures = FailureLog(log)
        self._held: dict[str, str] = {}  # lock name -> owner token, renewed while held
        self._renewing: asyncio.Task[None] | None = None

    def _k(self, key: str) -> str:
        return self._prefix + key

    def _unavailable(self, exc: BaseException) -> StoreUnavailable:
        self._failures.note(type(exc).__name__, str(exc) or "no answer in time")
        return StoreUnavailable(f"{type(exc).__name__}: {exc}")

    @contextmanager
    def _answered(self, operation: str | None = "command") -> Iterator[None]:
        """Failures as StoreUnavailable; the time taken into the session-store latency
        metric under ``operation`` (None: not measured)."""
        began = time.perf_counter()
        try:
            yield
        except _FAILURES as exc:
            raise self._unavailable(exc) from exc
        finally:
            if operation is not None:
                meters.session_store_seconds[operation].observe(time.perf_counter() - began)

    async def get(self, key: str) -> bytes | None:
        with self._answered():
            value: bytes | None = await self._redis.get(self._k(key))
        return value

    async def get_many(self, keys: list[str]) -> list[bytes | None]:
        if not keys:
            return []
        with self._answered():
            values: list[bytes | None] = await self._redis.mget([self._k(k) for k in keys])
        return values

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        with self._answered():
            await self._redis.set(self._k(key), value, px=_ms(ttl_seconds))

    async def set_if_absent(self, key: str, value: bytes, ttl_seconds: float) -> bool:
        with self._answered():
            return bool(await self._redis.set(self._k(key), value, px=_ms(ttl_seconds), nx=True))

    async def delete(self, *keys: str) -> None:
        if keys:
            with self._answered():
                await self._redis.delete(*[self._k(k) for k in keys])

    async def incr(self, key: str, ttl_seconds: float) -> int:
        with self._answered():
            return int(await self._incr(keys=[self._k(key)], args=[_ms(ttl_seconds)]))

    async def ttl(self, key: str) -> float | None:
        with self._answered():
            ms = int(await self._redis.pttl(self._k(key)))
        return None if ms < 0 else ms / 1000

    async def add_member(self, key: str, member: str, ttl_seconds: float) -> None:
        with self._answered():
            await self._add_member(keys=[self._k(key)], args=[member, _ms(ttl_seconds)])

    async def take_members(self, key: str) -> list[str]:
        with self._answered():
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
        lease_ms = _ms(self._lease)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_seconds
        delay = 0.001
        pool = self._redis.connection_pool
        with self._answered(None):
            conn = await pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            waited_since = 0.0  # when this request found the lock held by another
            while True:
                with self._answered("lock_read"):
                    taken = await _run_script(
                        conn, _TAKE_AND_READ, [name, value_key], [owner, lease_ms]
                    )
                if taken[0] == 1:
                    break
                waited_since = waited_since or loop.time()
                if loop.time() >= deadline:
                    meters.lock_timeouts.inc()
                    raise LockTimeout(key)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 0.02)
            if waited_since:
                meters.lock_wait_seconds.observe(loop.time() - waited_since)
            self._held[name] = owner
            self._keep_renewing()
            held = Held(taken[1] if len(taken) > 1 else None)
            written = False
            try:
                yield held
                written = held.kept is not None
            finally:
                self._held.pop(name, None)
                value, ttl = held.kept if written and held.kept is not None else (b"", 0.0)
                with self._answered("write_release"):
                    ours = await _run_script(
                        conn,
                        _WRITE_AND_RELEASE,
                        [name, value_key],
                        [owner, "1" if written else "0", value, _ms(ttl)],
                    )
            if written and ours != 1:
                raise LockLost(key)
        finally:
            await pool.release(conn)

    # -- leases ---------------------------------------------------------------------------

    def _keep_renewing(self) -> None:
        if self._renewing is None or self._renewing.done():
            self._renewing = asyncio.create_task(self._renew_leases())

    async def _renew_leases(self) -> None:
        """Every third of a lease, extend every lock this worker holds, in one round trip.

        A lock that is no longer ours is left alone: its holder's write will be refused. A
        renewal that fails is retried on the next tick; past the lease the lock is lost."""
        lease_ms = _ms(self._lease)
        while self._held:
            await asyncio.sleep(self._lease / 3)
            held = list(self._held.items())
            if not held:
                return
            try:
                async with asyncio.timeout(self._patience):
                    async with self._redis.pipeline(transaction=False) as pipe:
                        for name, owner in held:
                            await self._renew(keys=[name], args=[owner, lease_ms], client=pipe)
                        await pipe.execute()
            except _FAILURES as exc:
                self._unavailable(exc)

    # -- notices ---------------------------------------------------------------------------

    async def announce(self, channel: str, message: bytes) -> None:
        with self._answered():
            await self._redis.publish(self._k(channel), message)

    async def notices(self, channel: str) -> AsyncIterator[bytes | None]:
        # Pub/sub delivers only to who listens at that moment: None tells the listener that
        # it is deaf for now, the empty message that it hears again (and may have missed some).
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._k(channel))
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None:
                        continue
                    if message.get("type") == "subscribe":  # confirmed: hearing from here
                        yield b""
                    elif message.get("type") == "message":
                        yield bytes(message["data"])
            except _FAILURES as exc:
                self._unavailable(exc)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]
            yield None
            await asyncio.sleep(0.5)

    async def ping(self) -> bool:
        try:
            async with asyncio.timeout(self._patience):
                pong: bool = await self._redis.ping()  # type: ignore[misc]
            return pong
        except _FAILURES as exc:
            self._unavailable(exc)
            return False

    async def close(self) -> None:
        if self._renewing is not None and not self._renewing.done():
            self._renewing.cancel()
        await self._redis.aclose()
