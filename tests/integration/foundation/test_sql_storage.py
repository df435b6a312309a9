"""Accounts and domains in SQL, on SQLite and PostgreSQL: migrations, units of work."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from oiap.adapters.sessions.memory import MemorySessionStore
from oiap.adapters.sql.database import Database, upgrade_in_thread
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain.bots import Language
from oiap.domain.tenants import PrincipalKind
from oiap.errors import Err, OiapError
from oiap.services import accounts
from oiap.services.auth import AuthPolicy, authenticate, get_token


@pytest.fixture
async def storage(database_url: str) -> AsyncIterator[SqlStorage]:
    upgrade_in_thread(database_url)
    upgrade_in_thread(database_url)  # a second upgrade is a no-op
    opened = SqlStorage(Database(database_url))
    yield opened
    await opened.close()


async def test_tenant_secret_is_stored_only_as_a_hash(storage: SqlStorage) -> None:
    creds = await accounts.create_tenant(storage, "Acme")
    async with storage.reader() as repos:
        stored = await repos.accounts.secret_hash(PrincipalKind.TENANT, creds.tenant_id)
    assert stored is not None
    assert creds.app_secret not in stored
    assert stored.startswith("scrypt$")


async def test_duplicate_ids_are_refused_across_account_kinds(storage: SqlStorage) -> None:
    await accounts.create_tenant(storage, "Acme", tenant_id="acme")
    with pytest.raises(OiapError) as again:
        await accounts.create_tenant(storage, "Other", tenant_id="acme")
    assert again.value.error is Err.ALREADY_EXISTS
    with pytest.raises(OiapError) as clash:
        await accounts.create_system_user(storage, "acme")
    assert clash.value.error is Err.ALREADY_EXISTS
    assert [t.tenant_id for t in await accounts.list_tenants(storage)] == ["acme"]


async def test_a_failed_unit_of_work_writes_nothing(storage: SqlStorage) -> None:
    creds = await accounts.create_tenant(storage, "Acme")
    with pytest.raises(RuntimeError):
        async with storage.transaction() as repos:
            await repos.accounts.set_tenant_secret(creds.tenant_id, "scrypt$changed")
            raise RuntimeError("fails half way")
    async with storage.reader() as repos:
        stored = await repos.accounts.secret_hash(PrincipalKind.TENANT, creds.tenant_id)
    assert stored != "scrypt$changed"


async def test_rotation_revokes_issued_tokens(storage: SqlStorage) -> None:
    sessions = MemorySessionStore()
    creds = await accounts.create_tenant(storage, "Acme")
    granted = await get_token(storage, sessions, AuthPolicy(), creds.app_key, creds.app_secret)
    principal = await authenticate(sessions, token=granted.auth_token, tenant_id=creds.tenant_id)
    assert principal.account_id == creds.tenant_id

    await accounts.rotate_tenant_secret(storage, sessions, creds.tenant_id)
    with pytest.raises(OiapError) as revoked:
        await authenticate(sessions, token=granted.auth_token, tenant_id=creds.tenant_id)
    assert revoked.value.error is Err.TOKEN_INVALID


async def test_domains_are_listed_per_tenant_and_language(storage: SqlStorage) -> None:
    a = await accounts.create_tenant(storage, "A")
    b = await accounts.create_tenant(storage, "B")
    banking = await accounts.ensure_domain(storage, a.tenant_id, "banking", Language.EN_US)
    assert await accounts.ensure_domain(storage, a.tenant_id, "banking", Language.EN_US) == banking
    await accounts.ensure_domain(storage, a.tenant_id, "yinhang", Language.ZH_CN)
    await accounts.ensure_domain(storage, b.tenant_id, "telecom", Language.EN_US)
    async with storage.reader() as repos:
        english = await repos.domains.list_domains(a.tenant_id, language="en_US")
        every = await repos.domains.list_domains(a.tenant_id)
    assert [d.name for d in english] == ["banking"]
    assert sorted(d.name for d in every) == ["banking", "yinhang"]


async def test_concurrent_creates_of_one_id_give_one_winner(storage: SqlStorage) -> None:
    results = await asyncio.gather(
        *(accounts.create_tenant(storage, f"T{i}", tenant_id="same") for i in range(3)),
        return_exceptions=True,
    )
    winners = [r for r in results if isinstance(r, accounts.Credentials)]
    losers = [r for r in results if isinstance(r, OiapError)]
    assert len(winners) == 1
    assert len(losers) == 2
    assert all(e.error is Err.ALREADY_EXISTS for e in losers)
