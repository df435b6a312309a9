"""Turn records waiting for the database in a Redis Stream, shared by every worker.

One stream (``oiap:turn-records``) and one consumer group (``writers``). A worker's writer
adds records with one pipelined XADD per batch, reads them through the group, and acknowledges
and deletes them (one MULTI) only after their SQL transaction committed, so the stream holds
exactly the records not yet written. Entries a crashed worker read but never acknowledged
stay pending under its consumer name; any writer claims them (XAUTOCLAIM) once they have been
idle for ``reclaim_idle`` seconds. A live writer rereads its own pending entries on every
retry, which keeps them from looking idle. The stream is capped at about ``max_len`` entries
(XADD MAXLEN ~): beyond it Redis trims the oldest, which are then lost and counted here.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from redis.exceptions import RedisError, ResponseError

from oiap.adapters.sessions.redis import bounded_client
from oiap.services.dialog_ports import TurnRecord
from oiap.services.turn_records import Buffered, RecordBufferUnavailable

log = logging.getLogger("oiap.records")

STREAM = "turn-records"
GROUP = "writers"
_FIELD = b"r"
_FIELDS = frozenset(TurnRecord.__dataclass_fields__)


def encode_record(record: TurnRecord) -> bytes:
    return orjson.dumps(record)


def decode_record(data: bytes) -> TurnRecord:
    """Raises ``ValueError`` (or ``TypeError``) for an entry this version cannot read."""
    fields: dict[str, Any] = orjson.loads(data)
    if not isinstance(fields, dict):
        raise ValueError("not a turn record")
    fields = {k: v for k, v in fields.items() if k in _FIELDS}  # a newer version's extras
    fields["at"] = datetime.fromisoformat(fields["at"])
    return TurnRecord(**fields)


class RedisRecordBuffer:
    def __init__(
        self,
        url: str,
        *,
        prefix: str = "oiap:",
        max_len: int = 1_000_000,
        reclaim_idle: float = 60.0,
        connect_timeout: float = 2.0,
        command_timeout: float = 2.0,
    ) -> None:
        self._redis = bounded_client(
            url, connect_timeout=connect_timeout, command_timeout=command_timeout
        )
        self.key = prefix + STREAM
        self.max_len = max_len
        self.reclaim_idle = reclaim_idle
        # Unique per process: a restarted worker is a new consumer, and what its previous
        # life left pending is claimed like any crashed worker's.
        self.consumer = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.lost = 0  # entries trimmed by MAXLEN, or unreadable, before they were written
        self._group_ready = False
        self._unsettled: set[bytes] = set()  # read by this consumer, not yet settled
        self._last_reclaim = -float("inf")

    async def append(self, records: Sequence[TurnRecord]) -> None:
        if not records:
            return
        payloads = [encode_record(record) for record in records]
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for payload in payloads:
                    pipe.xadd(self.key, {_FIELD: payload}, maxlen=self.max_len, approximate=True)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise RecordBufferUnavailable(_reason(exc)) from exc

    async def take(self, limit: int) -> list[Buffered]:
        try:
            await self._ensure_group()
            entries: list[tuple[bytes, dict[bytes, bytes] | None]] = []
            if self._unsettled:  # a failed write: the same records again, oldest first
                entries = await self._read("0", limit)
                if not entries:
                    self._unsettled.clear()
            if not entries and time.monotonic() - self._last_reclaim >= self.reclaim_idle / 2:
                self._last_reclaim = time.monotonic()
                entries = await self._reclaim(limit)
            if not entries:
                entries = await self._read(">", limit)
        except ResponseError as exc:
            if "NOGROUP" in str(exc):  # the stream was deleted (a Redis without persistence)
                self._group_ready = False
                self._unsettled.clear()
            raise RecordBufferUnavailable(_reason(exc)) from exc
        except (RedisError, OSError) as exc:
            raise RecordBufferUnavailable(_reason(exc)) from exc
        taken: list[Buffered] = []
        unreadable: list[bytes] = []
        for entry_id, fields in entries:
            payload = fields.get(_FIELD) if fields else None
            try:
                if payload is None:
                    raise ValueError("trimmed by MAXLEN before it was written")
                taken.append((entry_id.decode(), decode_record(payload)))
                self._unsettled.add(entry_id)
            except (ValueError, TypeError, KeyError) as exc:
                unreadable.append(entry_id)
                self.lost += 1
                log.warning(
                    "turn record %s lost from the stream: %s (%d lost in all)",
                    entry_id.decode(),
                    exc,
                    self.lost,
                )
        if unreadable:
            await self._forget(unreadable)
        return taken

    async def settle(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        ids = [key.encode() for key in keys]
        try:
            await self._forget(ids)
        except (RedisError, OSError) as exc:
            raise RecordBufferUnavailable(_reason(exc)) from exc
        self._unsettled.difference_update(ids)

    async def close(self) -> None:
        await self._redis.aclose()

    # -- Redis ----------------------------------------------------------------------------

    async def _ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            # From the stream's start: records added before any group existed are written too.
            await self._redis.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    async def _read(self, start: str, limit: int) -> list[tuple[bytes, dict[bytes, bytes] | None]]:
        answer = await self._redis.xreadgroup(GROUP, self.consumer, {self.key: start}, count=limit)
        if not answer:
            return []
        entries: list[tuple[bytes, dict[bytes, bytes] | None]] = answer[0][1]
        return entries

    async def _reclaim(self, limit: int) -> list[tuple[bytes, dict[bytes, bytes] | None]]:
        """Entries another (dead) consumer left pending for longer than ``reclaim_idle``."""
        answer = await self._redis.xautoclaim(
            self.key,
            GROUP,
            self.consumer,
            min_idle_time=max(1, int(self.reclaim_idle * 1000)),
            start_id="0-0",
            count=limit,
        )
        claimed: list[tuple[bytes, dict[bytes, bytes] | None]] = answer[1]
        trimmed = answer[2] if len(answer) > 2 else []
        if trimmed:  # pending, but trimmed from the stream by MAXLEN before being written
            self.lost += len(trimmed)
            log.warning(
                "%d pending turn records were trimmed from the stream before being written "
                "(%d lost in all)",
                len(trimmed),
                self.lost,
            )
        if claimed:
            log.warning("claimed %d turn records a stopped worker left unwritten", len(claimed))
        return claimed

    async def _forget(self, ids: Sequence[bytes]) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.key, GROUP, *ids)
            pipe.xdel(self.key, *ids)
            await pipe.execute()


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
