"""Turn-record retention: records older than ``OIAP_RECORD_RETENTION_DAYS`` are deleted.

Each server runs ``keep_records_trimmed`` in the background. One worker at a time sweeps: it
holds a lease in the session store (``set_if_absent`` with a TTL, so a dead worker's lease
frees by itself); with the in-process store each server is its own only worker. A sweep
deletes in batches (``OIAP_RECORD_RETENTION_BATCH`` rows per statement, each its own short
transaction, ``OIAP_RECORD_RETENTION_PAUSE`` seconds between them), so live writes of new
records never wait behind it. Were two workers ever to sweep at once (a lease that expired
under a stalled sweep), their deletes are idempotent: a row is deleted once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from oiap.services.ports import SessionStore, Storage, StoreUnavailable

if TYPE_CHECKING:
    from oiap.settings import Settings

log = logging.getLogger("oiap.retention")

LEASE_KEY = "retention:turn-records"


@dataclass(frozen=True)
class Retention:
    days: int = 90
    batch: int = 1000
    pause: float = 0.2  # seconds between two delete statements
    interval: float = 3600.0  # seconds between sweeps

    @classmethod
    def of(cls, settings: Settings) -> Retention:
        return cls(
            days=settings.record_retention_days,
            batch=settings.record_retention_batch,
            pause=settings.record_retention_pause,
            interval=settings.record_retention_interval,
        )


@dataclass(frozen=True)
class Swept:
    deleted: int
    batches: int


async def sweep(storage: Storage, retention: Retention, *, now: datetime | None = None) -> Swept:
    """Delete every record older than the retention period, in batches."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention.days)
    deleted = batches = 0
    while True:
        async with storage.transaction() as repos:
            count = await repos.dialogs.delete_turns_before(cutoff, retention.batch)
        if count == 0:
            break
        deleted += count
        batches += 1
        if count < retention.batch:
            break
        await asyncio.sleep(retention.pause)
    return Swept(deleted, batches)


async def keep_records_trimmed(
    storage: Storage, sessions: SessionStore, retention: Retention
) -> None:
    """Sweep now and then every ``retention.interval`` seconds, while this worker holds the
    lease; runs until cancelled (the server's shutdown)."""
    me = secrets.token_hex(8).encode()
    while True:
        try:
            if await sessions.set_if_absent(LEASE_KEY, me, retention.interval):
                swept = await sweep(storage, retention)
                if swept.deleted:
                    log.info(
                        "retention: deleted %d turn records older than %d days in %d batches",
                        swept.deleted,
                        retention.days,
                        swept.batches,
                    )
        except asyncio.CancelledError:
            raise
        except StoreUnavailable:
            log.warning("retention: the store or database is away; next sweep later")
        except Exception:
            log.exception("retention sweep failed; next sweep later")
        await asyncio.sleep(retention.interval)


def start_retention(
    storage: Storage, sessions: SessionStore, retention: Retention
) -> asyncio.Task[None]:
    """The background task a server runs for as long as it serves; cancel it at shutdown."""
    return asyncio.create_task(
        keep_records_trimmed(storage, sessions, retention), name="record-retention"
    )
