"""Trained models and turn records over one SQLAlchemy session."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, delete, insert, select
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.dialog_tables import DialogTurnRow, NluModelRow
from oiap.services.dialog_ports import Count, Scope, TurnRecord, TurnRecordsRefused, Utterance
from oiap.services.turn_facts import rollup_counts

_TURN_FIELDS = tuple(TurnRecord.__dataclass_fields__)
_JSON_FIELDS = ("path", "exits", "faults", "interfaces")  # stored as JSON text
# A caller-chosen value longer than its column (an 80-digit call_sor_id) is cut to fit: the
# record is kept rather than refused.
_TURN_LENGTHS = {
    column.name: column.type.length
    for column in DialogTurnRow.__table__.columns
    if isinstance(column.type, String) and column.type.length
}


def _turn_row(record: TurnRecord) -> dict[str, object]:
    row: dict[str, object] = {name: getattr(record, name) for name in _TURN_FIELDS}
    for name in _JSON_FIELDS:
        value: Any = row[name]
        row[name] = json.dumps(list(value), separators=(",", ":")) if value else ""
    for name, length in _TURN_LENGTHS.items():
        value = row.get(name)
        if isinstance(value, str) and len(value) > length:
            row[name] = value[:length]
    return row


def _refused_for_data(exc: BaseException) -> bool:
    """Whether the database (or its driver) refused the values, not the connection."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        state = str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")
        if state[:2] in ("22", "23"):  # SQLSTATE classes: data exception, integrity violation
            return True
    # Text the driver cannot encode (a lone surrogate) fails before reaching the server.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ValueError):
            return True
        cause = cause.__cause__
    return False


def _tuples(value: Any) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for v in value)


def _turn_record(row: DialogTurnRow) -> TurnRecord:
    fields = {name: getattr(row, name) for name in _TURN_FIELDS}
    for name in _JSON_FIELDS:
        text = fields[name]
        fields[name] = _tuples(json.loads(text)) if text else ()
    return TurnRecord(**fields)


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
        if not records:
            return
        try:
            await self._session.execute(insert(DialogTurnRow), [_turn_row(r) for r in records])
        except (StatementError, ValueError) as exc:
            if _refused_for_data(exc):
                raise TurnRecordsRefused(str(exc).splitlines()[0]) from exc
            raise
        await self._add_to_rollup(records)

    async def _add_to_rollup(self, records: list[TurnRecord]) -> None:
        """Add the batch's counts to the hourly rollups, in the turns' transaction
        (analytics_queries.add_counts: rows locked in key order)."""
        counts = rollup_counts(records)
        if counts:
            from oiap.adapters.sql import analytics_queries  # numpy: not for the CLI

            await analytics_queries.add_counts(self._session, counts)

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
        return [_turn_record(r) for r in rows]

    async def analytics_counts(
        self, scope: Scope, metrics: Sequence[str], *, by_hour: bool
    ) -> list[Count]:
        from oiap.adapters.sql import analytics_queries  # numpy: not for the CLI

        return await analytics_queries.counts(self._session, scope, metrics, by_hour=by_hour)

    async def not_understood(self, scope: Scope, *, below: float, limit: int) -> list[Utterance]:
        from oiap.adapters.sql import analytics_queries  # numpy: not for the CLI

        return await analytics_queries.not_understood(
            self._session, scope, below=below, limit=limit
        )

    async def delete_turns_before(self, cutoff: datetime, limit: int) -> int:
        """Delete at most ``limit`` turn records older than ``cutoff``, oldest ids first
        (retention: one short statement, so live inserts never wait on a long delete)."""
        oldest = (
            select(DialogTurnRow.turn_id)
            .where(DialogTurnRow.at < cutoff)
            .order_by(DialogTurnRow.turn_id)
            .limit(limit)
        )
        result = await self._session.execute(
            delete(DialogTurnRow).where(DialogTurnRow.turn_id.in_(oldest.scalar_subquery()))
        )
        return int(getattr(result, "rowcount", 0) or 0)
