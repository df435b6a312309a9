"""Storage fixtures for the bot tests: each test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from oiap.adapters.sql.database import Database, upgrade
from oiap.adapters.sql.repositories import SqlStorage
from oiap.services.accounts import create_tenant

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank-hotline"


async def _pg_admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres", timeout=3)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    name = f"oiap_bots_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except (TimeoutError, OSError) as exc:
        if os.environ.get("OIAP_TEST_REQUIRE_BACKENDS") == "1":
            pytest.fail(f"PostgreSQL is required but does not answer: {exc}")
        pytest.skip(f"PostgreSQL does not answer: {exc}")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    yield url
    asyncio.run(_pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'bots.db'}"
        upgrade(url)
        return url
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    store = SqlStorage(Database(database_url))
    try:
        yield store
    finally:
        await store.close()


@pytest.fixture
async def tenants(storage: SqlStorage) -> tuple[str, str]:
    """Two fresh tenants (unique per test, as PostgreSQL is shared by the session)."""
    first = await create_tenant(storage, "Bank A", tenant_id=f"a{uuid.uuid4().hex[:8]}")
    second = await create_tenant(storage, "Bank B", tenant_id=f"b{uuid.uuid4().hex[:8]}")
    return first.tenant_id, second.tenant_id
