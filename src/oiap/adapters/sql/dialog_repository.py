"""Trained models and turn records over one SQLAlchemy session."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.dialog_tables import DialogTurnRow, NluModelRow
from oiap.services.dialog_ports import TurnRecord

_TURN_FIELDS = tuple(TurnRecord.__dataclass_fields__)


class SqlDialogs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_model(self, tenant_id: str, model_key: str) -> bytes | None:
        data: bytes | None = await self._session.scalar(
            select(NluModelRow.data).where(
                NluModelRow.tenant_id == tenant_id, NluModelRow.model_key == model_key
            )
        )
        return data

    async def has_model(self, tenant_id: str, model_key: str) -> bool:
        found = await self._session.scalar(
            select(NluModelRow.model_id).where(
                NluModelRow.tenant_id == tenant_id, NluModelRow.model_key == model_key
            )
        )
        return found is not None

    async def put_model(self, tenant_id: str, model_key: str, domain: str, data: bytes) -> None:
        self._session.add(
            NluModelRow(tenant_id=tenant_id, model_key=model_key, domain=domain, data=data)
        )
        await self._session.flush()

    async def add_turns(self, records: list[TurnRecord]) -> None:
        if records:
            rows = [{name: getattr(r, name) for name in _TURN_FIELDS} for r in records]
            await self._session.execute(insert(DialogTurnRow), rows)

    async def list_turns(
        self,
        tenant_id: str,
        *,
        calling: str | None = None,
        call_id: str | None = None,
        limit: int = 100,
    ) -> list[TurnRecord]:
        query = select(DialogTurnRow).where(DialogTurnRow.tenant_id == tenant_id)
        if calling is not None:
            query = query.where(DialogTurnRow.calling == calling)
        if call_id is not None:
            query = query.where(DialogTurnRow.call_id == call_id)
        rows = await self._session.scalars(
            query.order_by(DialogTurnRow.at.desc(), DialogTurnRow.turn_id.desc()).limit(limit)
        )
        return [TurnRecord(**{name: getattr(r, name) for name in _TURN_FIELDS}) for r in rows]
