"""Console users in SQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.models import ConsoleUserRow, utcnow
from oiap.domain.users import PLATFORM, ConsoleUser, Role


def _user(row: ConsoleUserRow) -> ConsoleUser:
    return ConsoleUser(
        name=row.name,
        tenant_id=row.tenant_id,
        role=None if row.role == PLATFORM else Role(row.role),
        disabled=row.disabled,
        created_at=row.created_at,
        password_set_at=row.password_set_at,
    )


class SqlUsers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _row(self, name: str) -> ConsoleUserRow:
        row = await self.session.get(ConsoleUserRow, name)
        if row is None:
            raise LookupError(name)
        return row

    async def get(self, name: str) -> ConsoleUser | None:
        row = await self.session.get(ConsoleUserRow, name)
        return _user(row) if row is not None else None

    async def password_hash(self, name: str) -> str | None:
        value: str | None = await self.session.scalar(
            select(ConsoleUserRow.password_hash).where(ConsoleUserRow.name == name)
        )
        return value

    async def list_users(self, tenant_id: str | None = None) -> list[ConsoleUser]:
        query = select(ConsoleUserRow).order_by(ConsoleUserRow.tenant_id, ConsoleUserRow.name)
        if tenant_id is not None:
            query = query.where(ConsoleUserRow.tenant_id == tenant_id)
        return [_user(r) for r in await self.session.scalars(query)]

    async def add(self, user: ConsoleUser, password_hash: str) -> None:
        self.session.add(
            ConsoleUserRow(
                name=user.name,
                tenant_id=user.tenant_id,
                role=user.role_label,
                password_hash=password_hash,
                disabled=user.disabled,
                created_at=user.created_at,
                password_set_at=user.password_set_at,
            )
        )
        await self.session.flush()

    async def set_role(self, name: str, role: Role) -> None:
        (await self._row(name)).role = role.value
        await self.session.flush()

    async def set_password(self, name: str, password_hash: str) -> ConsoleUser:
        row = await self._row(name)
        row.password_hash = password_hash
        row.password_set_at = utcnow()
        await self.session.flush()
        return _user(row)

    async def set_disabled(self, name: str, disabled: bool) -> None:
        (await self._row(name)).disabled = disabled
        await self.session.flush()
