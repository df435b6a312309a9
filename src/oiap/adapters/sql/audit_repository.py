"""The audit log's table (migration 0010) over one SQLAlchemy session: append and read only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.services.audit import AuditEntry, AuditQuery

# Its own metadata: the table is written with Core statements only, never through the ORM.
_metadata = MetaData()
audit_log = Table(
    "audit_log",
    _metadata,
    Column("entry_id", Integer, primary_key=True, autoincrement=True),
    Column("tenant_id", String(64), nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("principal", String(128), nullable=False),
    Column("address", String(64), nullable=True),
    Column("object_kind", String(32), nullable=False),
    Column("object_name", String(256), nullable=False),
    Column("action", String(32), nullable=False),
    Column("version", Integer, nullable=True),
    Column("before_digest", String(64), nullable=True),
    Column("after_digest", String(64), nullable=True),
)
_FIELDS = tuple(c.name for c in audit_log.columns if c.name != "entry_id")


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(**{name: getattr(row, name) for name in (*_FIELDS, "entry_id")})


class SqlAudit:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        await self._session.execute(
            insert(audit_log).values({name: getattr(entry, name) for name in _FIELDS})
        )

    async def query(self, query: AuditQuery) -> tuple[int, list[AuditEntry]]:
        where = [audit_log.c.tenant_id == query.tenant_id]
        if query.object_name is not None:
            where.append(audit_log.c.object_name == query.object_name)
        if query.object_kind is not None:
            where.append(audit_log.c.object_kind == query.object_kind)
        if query.principal is not None:
            where.append(audit_log.c.principal == query.principal)
        if query.since is not None:
            where.append(audit_log.c.at >= query.since)
        if query.until is not None:
            where.append(audit_log.c.at < query.until)
        total = await self._session.scalar(
            select(func.count()).select_from(audit_log).where(*where)
        )
        rows = await self._session.execute(
            select(audit_log)
            .where(*where)
            .order_by(audit_log.c.entry_id.desc())
            .offset(query.offset)
            .limit(query.limit)
        )
        return int(total or 0), [_entry(r) for r in rows]
