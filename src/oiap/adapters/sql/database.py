"""The async engine, transactions and migrations."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from oiap.services.ports import DatabaseUnavailable
from oiap.settings import async_driver_url

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> AsyncEngine:
    async_url = async_driver_url(url)
    if async_url.startswith("sqlite"):
        engine = create_async_engine(async_url)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(async_url, pool_pre_ping=True, pool_size=10, max_overflow=10)


# SQLSTATE classes that mean "the database is not there right now", not "your data is wrong":
# connection exceptions, insufficient resources, operator intervention (shutdown, restart).
_AWAY_CLASSES = ("08", "53", "57")
_NOT_ACCEPTING = "55000"  # e.g. a database with ALLOW_CONNECTIONS false


def _sqlstate(exc: BaseException) -> str | None:
    for candidate in (exc, getattr(exc, "orig", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(state, str):
            return state
    return None


def is_unavailable(exc: BaseException) -> bool:
    """Whether a failure means the database is away or busy (retry later), as opposed to
    a refusal of the request's data or a bug."""
    if isinstance(exc, ConnectionError | socket.gaierror | TimeoutError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    state = _sqlstate(exc)
    if state is not None:
        return state[:2] in _AWAY_CLASSES or state == _NOT_ACCEPTING
    # SQLite busy beyond its timeout, or a driver that lost its connection without a state.
    return isinstance(exc, OperationalError)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back on any error. A
        database that is away raises ``DatabaseUnavailable`` (answered 503), never a 500."""
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable(f"{type(exc).__name__}") from exc
            raise

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[AsyncSession]:
        try:
            async with self._sessions() as session:
                yield session
        except Exception as exc:
            if is_unavailable(exc):
                raise DatabaseUnavailable(f"{type(exc).__name__}") from exc
            raise

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:  # any driver failure means "not ready"
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run again. Runs its own event loop."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


def upgrade_in_thread(url: str) -> None:
    """For callers that already run an event loop (alembic's env starts its own)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        upgrade(url)
        return
    import threading

    errors: list[BaseException] = []

    def run() -> None:
        try:
            upgrade(url)
        except BaseException as exc:  # re-raised in the caller's thread
            errors.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]
