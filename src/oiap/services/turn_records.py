"""Turn records: buffered off the turn's path and written to the database in batches."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from oiap.services.dialog_ports import TurnRecord
from oiap.services.ports import Storage

log = logging.getLogger("oiap.records")


class TurnRecorder:
    """Buffers turn records and writes them in batches, off the turn's path."""

    def __init__(self, storage: Storage, interval: float = 0.5) -> None:
        self.storage = storage
        self.interval = interval
        self._buffer: list[TurnRecord] = []
        self._task: asyncio.Task[None] | None = None
        self._closing = asyncio.Event()

    def add(self, record: TurnRecord) -> None:
        self._buffer.append(record)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._later())

    async def _later(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), self.interval)
        await self.flush()

    async def flush(self) -> None:
        while self._buffer:
            batch, self._buffer = self._buffer[:1000], self._buffer[1000:]
            for attempt in range(3):
                try:
                    async with self.storage.transaction() as repos:
                        await repos.dialogs.add_turns(batch)
                    break
                except Exception:  # records are analytics: a failed batch must not stop calls
                    if attempt == 2:
                        log.exception("could not record %d dialog turns", len(batch))
                    else:  # e.g. SQLite busy with another writer for longer than its timeout
                        await asyncio.sleep(0.2 * (attempt + 1))

    async def close(self) -> None:
        # A batch being written is let finish (cancelling it mid-write would lose it and
        # could leave the database locked for the final flush).
        self._closing.set()
        if self._task is not None:
            await self._task
        await self.flush()
