"""The async engine, transactions and migrations."""

from __future__ import annotations

import ast
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

    async def schema_at_head(self) -> bool:
        """Whether the schema is provably at the migrations' one head. Any doubt (no
        ``alembic_version`` table, another revision, several heads, a failed probe) is False."""
        head = head_revision()
        if head is None:
            return False
        try:
            async with self.engine.connect() as conn:
                found = await conn.execute(text("SELECT version_num FROM alembic_version"))
                revisions = set(found.scalars())
        except Exception:  # any doubt: alembic decides, and reports a real failure itself
            return False
        return revisions == {head}

    async def ensure_schema(self) -> None:
        """Bring the schema to head; alembic (and its imports) load only when it is not there
        already, so that a one-shot command against an up-to-date database starts at once."""
        if not await self.schema_at_head():
            await asyncio.to_thread(upgrade, self.url)  # the migrations run their own loop

    async def close(self) -> None:
        await self.engine.dispose()


_REVISION_NAMES = ("revision", "down_revision")


def head_revision() -> str | None:
    """The one head of ``migrations/versions``, read from the files' ``revision`` and
    ``down_revision`` lines without importing alembic; None where there is not exactly one."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target, value = node.targets[0], node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target, value = node.target, node.value
            else:
                continue
            if not isinstance(target, ast.Name) or target.id not in _REVISION_NAMES:
                continue
            try:
                literal = ast.literal_eval(value)
            except ValueError:  # not a plain literal: leave the answer to alembic
                return None
            if target.id == "revision":
                if not isinstance(literal, str):
                    return None
                revisions.add(literal)
            elif isinstance(literal, str):
                parents.add(literal)
            elif isinstance(literal, tuple | list):
                parents.update(str(parent) for parent in literal)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


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
