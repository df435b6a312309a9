"""Conversation tests in SQL: one row per test file of a tenant's bot."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.bot_tables import ConversationTestRow
from oiap.adapters.sql.models import utcnow
from oiap.services.conversation_test_ports import TestFile


def _file(row: ConversationTestRow) -> TestFile:
    return TestFile(row.file, row.text, row.updated_at)


class SqlConversationTests:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_files(self, tenant_id: str) -> list[TestFile]:
        rows = await self.session.scalars(
            select(ConversationTestRow)
            .where(ConversationTestRow.tenant_id == tenant_id)
            .order_by(ConversationTestRow.file)
        )
        return [_file(r) for r in rows]

    async def _row(self, tenant_id: str, file: str) -> ConversationTestRow | None:
        row: ConversationTestRow | None = await self.session.scalar(
            select(ConversationTestRow).where(
                ConversationTestRow.tenant_id == tenant_id, ConversationTestRow.file == file
            )
        )
        return row

    async def get_file(self, tenant_id: str, file: str) -> TestFile | None:
        row = await self._row(tenant_id, file)
        return None if row is None else _file(row)

    async def put_file(self, tenant_id: str, file: str, text: str) -> bool:
        row = await self._row(tenant_id, file)
        created = row is None
        if row is None:
            row = ConversationTestRow(tenant_id=tenant_id, file=file)
            self.session.add(row)
        row.text, row.updated_at = text, utcnow()
        await self.session.flush()
        return created

    async def delete_file(self, tenant_id: str, file: str) -> bool:
        result = await self.session.execute(
            delete(ConversationTestRow).where(
                ConversationTestRow.tenant_id == tenant_id, ConversationTestRow.file == file
            )
        )
        return bool(getattr(result, "rowcount", 0))
