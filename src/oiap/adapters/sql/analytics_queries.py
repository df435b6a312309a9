"""The SQL behind analytics: sums over the hourly rollup, and the recent turns the bot did
not understand. Plain SELECT ... GROUP BY, the same on PostgreSQL and SQLite.

Every rollup query is a range scan of the rollup's primary key (tenant, metric, hour, ...),
so its cost follows the hours and keys asked for, not the turns recorded. Periods (hour or
day) are summed here from hourly rows, so no dialect's date functions are needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.dialog_tables import AnalyticsHourlyRow, DialogTurnRow
from oiap.services.dialog_ports import Count, Scope, Utterance


def _scoped(query: Select[Any], scope: Scope) -> Select[Any]:
    r = AnalyticsHourlyRow
    query = query.where(r.tenant_id == scope.tenant_id, r.hour >= scope.start, r.hour < scope.end)
    if scope.access_code is not None:
        query = query.where(r.access_code == scope.access_code)
    if scope.flow_code is not None:
        query = query.where(r.flow_code == scope.flow_code)
    if scope.flow_version is not None:
        query = query.where(r.flow_version == scope.flow_version)
    return query


async def counts(
    session: AsyncSession, scope: Scope, metrics: Sequence[str], *, by_hour: bool
) -> list[Count]:
    """Sums of the rollup for ``metrics`` by metric and key, and by hour when asked."""
    r = AnalyticsHourlyRow
    total = func.sum(r.count)
    query: Select[Any]
    if by_hour:
        query = select(r.hour, r.metric, r.key, total).group_by(r.hour, r.metric, r.key)
    else:
        query = select(r.metric, r.key, total).group_by(r.metric, r.key)
    query = _scoped(query.where(r.metric.in_(list(metrics))), scope)
    rows = (await session.execute(query)).all()
    if by_hour:
        return [Count(row[0], row[1], row[2], int(row[3])) for row in rows]
    return [Count(None, row[0], row[1], int(row[2])) for row in rows]


async def not_understood(
    session: AsyncSession, scope: Scope, *, below: float, limit: int
) -> list[Utterance]:
    """The latest ``limit`` turns recognised as Unknown or below ``below`` confidence
    (index ix_dialog_turns_tenant_at; bounded, so the grouping works on a sample)."""
    t = DialogTurnRow
    query = select(t).where(
        t.tenant_id == scope.tenant_id,
        t.at >= scope.start,
        t.at < scope.end,
        t.source == "intent",
        t.input != "",
        or_(t.intent == "unknown", t.score < below),
    )
    if scope.access_code is not None:
        query = query.where(t.access_code == scope.access_code)
    if scope.flow_code is not None:
        query = query.where(t.flow_code == scope.flow_code)
    if scope.flow_version is not None:
        query = query.where(t.flow_version == scope.flow_version)
    rows = await session.scalars(query.order_by(t.at.desc()).limit(limit))
    return [
        Utterance(r.input, r.intent, r.score, r.at, r.call_id, r.flow_code, r.flow_version, r.node)
        for r in rows
    ]
