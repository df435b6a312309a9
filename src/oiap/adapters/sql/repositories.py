"""Repositories over one SQLAlchemy session; the session's transaction is the unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import literal, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.audit_repository import SqlAudit
from oiap.adapters.sql.bot_repository import SqlBots
from oiap.adapters.sql.conversation_test_repository import SqlConversationTests
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.dialog_repository import SqlDialogs
from oiap.adapters.sql.models import DomainRow, SystemUserRow, TenantRow, utcnow
from oiap.adapters.sql.room_repositories import (
    SqlActiveCodes,
    SqlJobs,
    SqlProjects,
    SqlRobots,
    SqlRooms,
)
from oiap.adapters.sql.user_repository import SqlUsers
from oiap.domain.bots import Domain, Language, NewDomain
from oiap.domain.tenants import PrincipalKind, SystemUser, Tenant
from oiap.errors import Err, OiapError


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(tenant_id=row.tenant_id, name=row.name, created_at=row.created_at)


def _domain(row: DomainRow) -> Domain:
    return Domain(
        tenant_id=row.tenant_id,
        name=row.name,
        language=Language(row.language),
        threshold=row.threshold,
        active=row.active,
        domain_id=row.domain_id,
    )


class SqlAccounts:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_tenant(self, tenant_id: str) -> Tenant | None:
        row = await self._session.get(TenantRow, tenant_id)
        return _tenant(row) if row else None

    async def list_tenants(self) -> list[Tenant]:
        rows = await self._session.scalars(select(TenantRow).order_by(TenantRow.created_at))
        return [_tenant(r) for r in rows]

    async def add_tenant(self, tenant: Tenant, secret_hash: str) -> None:
        self._session.add(
            TenantRow(
                tenant_id=tenant.tenant_id,
                name=tenant.name,
                secret_hash=secret_hash,
                created_at=tenant.created_at,
                secret_rotated_at=tenant.created_at,
            )
        )
        await self._session.flush()

    async def set_tenant_secret(self, tenant_id: str, secret_hash: str) -> None:
        row = await self._session.get(TenantRow, tenant_id)
        if row is None:
            raise LookupError(tenant_id)
        row.secret_hash = secret_hash
        row.secret_rotated_at = utcnow()
        await self._session.flush()

    async def secret_hash(self, kind: PrincipalKind, account_id: str) -> str | None:
        table = TenantRow if kind is PrincipalKind.TENANT else SystemUserRow
        key = TenantRow.tenant_id if kind is PrincipalKind.TENANT else SystemUserRow.name
        value = await self._session.scalar(select(table.secret_hash).where(key == account_id))
        return value

    async def login_key(self, account_id: str) -> tuple[PrincipalKind, str | None] | None:
        """The kind of the account named ``account_id`` and its sealed login key, if any.

        One statement over both tables whatever the account, so that looking up an account
        that does not exist costs what looking up one that does costs."""
        tenants = select(literal(PrincipalKind.TENANT.value), TenantRow.sealed_login_key).where(
            TenantRow.tenant_id == account_id
        )
        users = select(literal(PrincipalKind.SYSTEM.value), SystemUserRow.sealed_login_key).where(
            SystemUserRow.name == account_id
        )
        row = (await self._session.execute(union_all(tenants, users))).first()
        return (PrincipalKind(row[0]), row[1]) if row else None

    async def set_login_key(self, kind: PrincipalKind, account_id: str, sealed: str) -> bool:
        """Give the account a (new) sealed login key; False when there is no such account."""
        row: TenantRow | SystemUserRow | None
        if kind is PrincipalKind.TENANT:
            row = await self._session.get(TenantRow, account_id)
        else:
            row = await self._session.get(SystemUserRow, account_id)
        if row is None:
            return False
        row.sealed_login_key = sealed
        await self._session.flush()
        return True

    async def get_system_user(self, name: str) -> SystemUser | None:
        row = await self._session.get(SystemUserRow, name)
        return SystemUser(name=row.name, created_at=row.created_at) if row else None

    async def add_system_user(self, user: SystemUser, secret_hash: str) -> None:
        self._session.add(
            SystemUserRow(name=user.name, secret_hash=secret_hash, created_at=user.created_at)
        )
        await self._session.flush()


class SqlDomains:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def list_domains(
        self, tenant_id: str, *, language: str | None = None, active_only: bool = False
    ) -> list[Domain]:
        query = select(DomainRow).where(DomainRow.tenant_id == tenant_id)
        if language:
            query = query.where(DomainRow.language == language)
        if active_only:
            query = query.where(DomainRow.active.is_(True))
        rows = await self._session.scalars(query.order_by(DomainRow.domain_id))
        return [_domain(r) for r in rows]

    async def get_domain_by_name(self, tenant_id: str, name: str) -> Domain | None:
        row = await self._session.scalar(
            select(DomainRow).where(DomainRow.tenant_id == tenant_id, DomainRow.name == name)
        )
        return _domain(row) if row else None

    async def add_domain(self, domain: NewDomain) -> Domain:
        row = DomainRow(
            tenant_id=domain.tenant_id,
            name=domain.name,
            language=domain.language.value,
            threshold=domain.threshold,
            active=domain.active,
        )
        self._session.add(row)
        await self._session.flush()
        return _domain(row)


class SqlRepositories:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.accounts = SqlAccounts(session)
        self.domains = SqlDomains(session)
        self.bots = SqlBots(session)
        self.projects = SqlProjects(session)
        self.rooms = SqlRooms(session)
        self.robots = SqlRobots(session)
        self.jobs = SqlJobs(session)
        self.active_codes = SqlActiveCodes(session)
        self.dialogs = SqlDialogs(session)
        self.users = SqlUsers(session)
        self.conversation_tests = SqlConversationTests(session)
        self.audit = SqlAudit(session)


class SqlStorage:
    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SqlRepositories]:
        # Services check uniqueness before writing, but two concurrent writers can both pass
        # that check; the database's constraint then decides, and the loser is told so.
        try:
            async with self.database.transaction() as session:
                yield SqlRepositories(session)
        except IntegrityError as exc:
            raise OiapError(Err.ALREADY_EXISTS, "It conflicts with a concurrent change.") from exc

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[SqlRepositories]:
        async with self.database.reader() as session:
            yield SqlRepositories(session)

    async def ping(self) -> bool:
        return await self.database.ping()

    async def close(self) -> None:
        await self.database.close()
