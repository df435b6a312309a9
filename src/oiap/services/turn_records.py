"""Turn records: cleaned, buffered off the turn's path and written to the database in batches.

A record goes from ``TurnRecorder.add`` (synchronous, never fails) into a bounded in-memory
buffer; with a durable buffer (a Redis Stream) the writer moves it there in one round trip per
batch, then writes batches to SQL and lets a record go from the buffer only once its
transaction has committed. While the database is away the writer retries with backoff and
keeps every record within the buffer's limit. A batch the database refuses for something in
its data is split in halves until every healthy record is written; a record still refused
alone is dropped with a counted log line. What can still be lost is listed in
docs/operations.md ("Turn records").
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, Protocol

from oiap.domain.untrusted_json import is_unsafe_text
from oiap.services import telemetry
from oiap.services.dialog_ports import TurnRecord, TurnRecordsRefused
from oiap.services.ports import Storage

log = logging.getLogger("oiap.records")

_NUL = re.compile("\x00")
_SURROGATE = re.compile("[\ud800-\udfff]")

BATCH_SIZE = 500
BACKOFF_FIRST = 0.5  # seconds before the first retry while the database is away
BACKOFF_MAX = 5.0  # seconds between retries at most
CLOSE_BUDGET = 10.0  # seconds the final flush on shutdown may take
UNEXPLAINED_TRIES = 5  # failures with the database answering before a batch is split


# -- cleaning -------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """``text`` without NUL and with every surrogate code point replaced by U+FFFD: what
    PostgreSQL and any UTF-8 encoder accept."""
    if not is_unsafe_text(text):
        return text
    return _SURROGATE.sub("\ufffd", _NUL.sub("", text))


def clean_record(record: TurnRecord) -> TurnRecord:
    """The record itself when all its text is safe (the common case costs no copy)."""
    changes: dict[str, Any] = {
        name: clean_text(value)
        for name, value in vars(record).items()
        if isinstance(value, str) and is_unsafe_text(value)
    }
    return dataclasses.replace(record, **changes) if changes else record


# -- masking --------------------------------------------------------------------------------

_DIGITS = re.compile("[0-9]+")


@dataclasses.dataclass(frozen=True)
class RecordMask:
    """Digits-only caller inputs longer than ``digits`` (card numbers, long PINs) are kept
    as their length and last 2 digits: ``4111111111111111`` -> ``**************11``. Applied
    as a record is made, before any buffer (memory or Redis) holds it."""

    enabled: bool = True
    digits: int = 6

    @classmethod
    def from_settings(cls) -> RecordMask:
        from oiap.settings import get_settings

        settings = get_settings()
        return cls(settings.record_mask, settings.record_mask_digits)

    def text(self, text: str) -> str:
        bare = text.strip()
        if not self.enabled or len(bare) <= self.digits or not _DIGITS.fullmatch(bare):
            return text
        return "*" * (len(bare) - 2) + bare[-2:]

    def record(self, record: TurnRecord) -> TurnRecord:
        masked = self.text(record.input)
        return record if masked is record.input else dataclasses.replace(record, input=masked)


# -- buffers --------------------------------------------------------------------------------


Buffered = tuple[str, TurnRecord]  # the buffer's own key of a record, and the record


class RecordBufferUnavailable(Exception):
    """The durable buffer cannot be reached; what it holds stays there."""


class RecordBuffer(Protocol):
    """Where records wait until they are in the database.

    ``take`` hands out the oldest records still waiting (the same ones again until they are
    settled); ``settle`` forgets records for good, once written or dropped. Methods raise
    ``RecordBufferUnavailable`` when the buffer cannot be reached.
    """

    async def append(self, records: Sequence[TurnRecord]) -> None: ...

    async def take(self, limit: int) -> list[Buffered]: ...

    async def settle(self, keys: Sequence[str]) -> None: ...

    async def close(self) -> None: ...


class _RateLimitedLog:
    """One log line per ``every`` seconds at most, saying how many times it was held back."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self._last = -float("inf")
        self._held = 0

    def warning(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last < self.every:
            self._held += 1
            return
        held, self._held, self._last = self._held, 0, now
        suffix = f" ({held} similar lines held back)" if held else ""
        log.warning(message + suffix, *args)


class MemoryRecordBuffer:
    """At most ``limit`` records in this process; beyond it the oldest is dropped (counted)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.dropped = 0  # records dropped for room since start
        self._records: OrderedDict[str, TurnRecord] = OrderedDict()
        self._next = 0
        self._log = _RateLimitedLog()

    def __len__(self) -> int:
        return len(self._records)

    def put(self, record: TurnRecord) -> None:
        self._records[str(self._next)] = record
        self._next += 1
        if len(self._records) > self.limit:
            self._records.popitem(last=False)
            self.dropped += 1
            self._log.warning(
                "turn record buffer full (%d records): dropped the oldest, %d dropped in all",
                self.limit,
                self.dropped,
            )

    async def append(self, records: Sequence[TurnRecord]) -> None:
        for record in records:
            self.put(record)

    async def take(self, limit: int) -> list[Buffered]:
        taken: list[Buffered] = []
        for item in self._records.items():
            if len(taken) == limit:
                break
            taken.append(item)
        return taken

    async def settle(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._records.pop(key, None)  # already gone when dropped for room meanwhile

    async def close(self) -> None:
        pass


# -- the recorder ---------------------------------------------------------------------------


class _DatabaseAway(Exception):
    """A write failed and the database does not answer: retry later, keep the records."""


class TurnRecorder:
    """Buffers turn records and writes them in batches, off the turn's path.

    ``durable``: a buffer that outlives this process (a Redis Stream). Records are written
    from memory while the database answers; while it is away the writer moves them to the
    durable buffer every interval. Without one, or while it cannot be reached, the bounded
    in-memory buffer holds them.
    """

    def __init__(
        self,
        storage: Storage,
        durable: RecordBuffer | None = None,
        *,
        memory_limit: int = 100_000,
        interval: float = 0.5,
        batch_size: int = BATCH_SIZE,
        mask: RecordMask | None = None,
    ) -> None:
        self.storage = storage
        self.mask = mask if mask is not None else RecordMask.from_settings()
        self.durable = durable
        self.memory = MemoryRecordBuffer(memory_limit)
        self.interval = interval
        self.batch_size = batch_size
        self.written = 0  # records written since start
        self.dropped = 0  # records the database refused even cleaned, alone
        self._task: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()
        self._pass_lock = asyncio.Lock()
        self._delay = 0.0  # backoff while the database (or the durable buffer) is away
        self._retry_at = 0.0  # when the writer next tries the database
        self._away_log = _RateLimitedLog()
        self._durable_log = _RateLimitedLog()
        self._drop_log = _RateLimitedLog(every=1.0)
        self._away_since: float | None = None
        self._unexplained = 0  # consecutive failures not explained by refused data or outage

    @property
    def pending(self) -> int:
        """Records held in this process, not yet in the database or the durable buffer."""
        return len(self.memory)

    def add(self, record: TurnRecord) -> None:
        """Take a record; never blocks nor fails, whatever the database or Redis is doing."""
        self.memory.put(self.mask.record(clean_record(record)))
        telemetry.meters.records_waiting.set(len(self.memory))
        self.start()

    def start(self) -> None:
        """Run the writer (also what drains records a previous run left in the stream)."""
        if self._closing.is_set():
            return
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="turn-record-writer")

    async def flush(self) -> None:
        """Write what is buffered now, once; a database that is away leaves it buffered.
        Never raises: a reader asking for fresh records must not fail because of them."""
        self.start()
        try:
            await self._pass()
        except Exception:
            log.exception("turn record flush failed; records stay buffered")

    async def close(self) -> None:
        # A pass being written is let finish (cancelled mid-write, it could leave SQLite
        # locked for the final flush); the final flush is bounded so shutdown always ends.
        self._closing.set()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await self._task
        try:
            await asyncio.wait_for(self._pass(), CLOSE_BUDGET)
        except Exception:  # TimeoutError included: shut down with what could be written
            log.exception("final turn record flush failed")
        if len(self.memory):
            log.warning(
                "shutting down with %d turn records not written (the database is away): lost",
                len(self.memory),
            )
        if self.durable is not None:
            if self._away_since is not None:
                log.warning(
                    "shutting down with the database away: unwritten turn records stay in "
                    "the stream for the next start"
                )
            with contextlib.suppress(Exception):
                await self.durable.close()

    # -- the writer ---------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.interval)
            if self._closing.is_set():
                return
            try:
                if time.monotonic() < self._retry_at:
                    # The database is away and its retry not due: still move new records to
                    # the durable buffer every interval, so a worker killed during a long
                    # outage loses only its last interval's records, not its backoff's.
                    async with self._pass_lock:
                        await self._stash()
                    telemetry.meters.records_waiting.set(len(self.memory))
                    continue
                await self._pass()
            except Exception:  # the writer must outlive any surprise; records stay buffered
                log.exception("turn record writer failed; retrying")
                self._backoff()

    async def _pass(self) -> None:
        try:
            await self._locked_pass()
        finally:
            telemetry.meters.records_waiting.set(len(self.memory))

    async def _locked_pass(self) -> None:
        async with self._pass_lock:
            try:
                # While the database answers, records go straight from memory to it: the
                # durable buffer holds only what an outage kept from it (and what an earlier
                # run left), so a healthy turn's record is not sent to Redis and read back.
                await self._drain(self.memory)
                if self.durable is not None:
                    try:
                        await self._drain(self.durable)
                    except RecordBufferUnavailable as exc:  # what it holds waits for it
                        self._durable_log.warning("turn record stream unavailable: %s", exc)
            except _DatabaseAway as exc:
                await self._stash()  # what memory holds now outlives this worker
                self._backoff()
                if self._away_since is None:
                    self._away_since = time.monotonic()
                self._away_log.warning(
                    "turn records not written (%s): kept (%d in memory%s); retrying in %.1f s",
                    exc,
                    len(self.memory),
                    " and the rest in the stream" if self.durable is not None else "",
                    self._delay,
                )
                return
            except RecordBufferUnavailable as exc:
                self._backoff()
                self._durable_log.warning("turn record stream unavailable: %s", exc)
                return
            if self._away_since is not None:
                log.warning(
                    "turn records written again after %.1f s",
                    time.monotonic() - self._away_since,
                )
                self._away_since = None
            self._delay = 0.0

    def _backoff(self) -> None:
        self._delay = min(BACKOFF_MAX, self._delay * 2 if self._delay else BACKOFF_FIRST)
        self._retry_at = time.monotonic() + self._delay

    async def _stash(self) -> bool:
        """Move staged records to the durable buffer; False when it cannot be reached (they
        stay in memory and are written from there)."""
        if self.durable is None:
            return False
        while len(self.memory):
            batch = await self.memory.take(self.batch_size)
            try:
                await self.durable.append([record for _, record in batch])
            except RecordBufferUnavailable as exc:
                self._durable_log.warning(
                    "turn record stream unavailable, records kept in memory: %s", exc
                )
                return False
            await self.memory.settle([key for key, _ in batch])
        return True

    async def _drain(self, buffer: RecordBuffer) -> None:
        while True:
            batch = await buffer.take(self.batch_size)
            if not batch:
                return
            await self._write(buffer, batch)

    async def _write(self, buffer: RecordBuffer, batch: list[Buffered]) -> None:
        """Write ``batch``, settling what is written; split it when the data is refused."""
        try:
            await self._insert([record for _, record in batch])
        except TurnRecordsRefused as exc:
            refused: Exception = exc
        except Exception as exc:
            # Only a database that answers tells the fault may be in the data: an outage
            # never splits, let alone drops, a batch.
            if not await self.storage.ping():
                raise _DatabaseAway("the database does not answer") from exc
            # It answers: a passing fault (SQLite busy, a connection cut a moment ago) is
            # retried with the backoff; one that persists is treated as refused data.
            self._unexplained += 1
            if self._unexplained < UNEXPLAINED_TRIES:
                raise _DatabaseAway(_first_line(exc)) from exc
            refused = exc
        else:
            self._unexplained = 0
            self.written += len(batch)
            await buffer.settle([key for key, _ in batch])
            return
        self._unexplained = 0
        if len(batch) > 1:
            middle = len(batch) // 2
            await self._write(buffer, batch[:middle])
            await self._write(buffer, batch[middle:])
            return
        await self._write_alone(buffer, batch[0], refused)

    async def _write_alone(self, buffer: RecordBuffer, item: Buffered, error: Exception) -> None:
        """A record refused alone: written cleaned if that helps, otherwise dropped."""
        key, record = item
        cleaned = clean_record(record)  # records from an older version's stream were not
        if cleaned is not record:
            try:
                await self._insert([cleaned])
            except TurnRecordsRefused as exc:
                error = exc
            except Exception as exc:
                if not await self.storage.ping():
                    raise _DatabaseAway("the database does not answer") from exc
                error = exc
            else:
                self.written += 1
                await buffer.settle([key])
                return
        self.dropped += 1
        self._drop_log.warning(
            "turn record dropped (tenant %s, call %s), the database refuses it: %s "
            "(%d dropped in all)",
            clean_text(record.tenant_id)[:64],
            clean_text(record.call_id)[:64],
            _first_line(error),
            self.dropped,
        )
        await buffer.settle([key])

    async def _insert(self, records: list[TurnRecord]) -> None:
        async with self.storage.transaction() as repos:
            await repos.dialogs.add_turns(records)


def _first_line(error: BaseException) -> str:
    text = str(error)
    return clean_text(text.splitlines()[0][:200]) if text else type(error).__name__
