"""The SQL behind analytics: the two hourly rollups, how the record writer adds to the calls
rollup, and the recent turns the bot did not understand. Plain SELECT, INSERT and UPDATE,
the same on PostgreSQL and SQLite.

Calls, turns, outcomes and turn latency live in ``analytics_calls_hourly``: one row per
hour, access code, flow and version, its latency a histogram in one text column. Every other
metric lives in ``analytics_hourly``, one row per hour, combination, metric and key, read as
a range scan of its primary key (tenant, metric, hour, ...). Either way a figure's cost
follows the hours and combinations asked for, not the turns recorded. Periods (hour or day)
are summed from hourly rows in Python, so no dialect's date functions are needed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Select, func, literal_column, or_, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from oiap.adapters.sql.dialog_tables import (
    AnalyticsCallsHourlyRow,
    AnalyticsHourlyRow,
    DialogTurnRow,
)
from oiap.services.dialog_ports import Count, Scope, Utterance
from oiap.services.turn_facts import LATENCY_BUCKETS, RollupKey

# Metrics of turn_facts.turn_counts kept in analytics_calls_hourly, not analytics_hourly.
CALL_METRICS = frozenset({"calls", "turns", "outcome", "latency"})
OUTCOMES = ("contained", "transferred", "abandoned")
CALL_KEY = ("tenant_id", "hour", "access_code", "flow_code", "flow_version")
_HOURLY_KEY = ("tenant_id", "hour", "access_code", "flow_code", "flow_version", "metric", "key")
HOURLY_PRIMARY_KEY = [
    "tenant_id",
    "metric",
    "hour",
    "access_code",
    "flow_code",
    "flow_version",
    "key",
]
_JOINED = ";"  # between histograms concatenated by SQL
_BUCKET_KEYS = [str(bucket) for bucket in range(LATENCY_BUCKETS + 1)]
_Histogram = np.ndarray[Any, np.dtype[np.int64]]
CallKey = tuple[str, datetime, str, str, int]


# -- the latency histogram as text --------------------------------------------------------


def _empty() -> _Histogram:
    return np.zeros(LATENCY_BUCKETS + 1, dtype=np.int64)


def encode_latency(histogram: _Histogram) -> str:
    """``"<first bucket>:<count>,<count>,..."`` from the first non-empty bucket to the last."""
    used = np.flatnonzero(histogram)
    if not len(used):
        return ""
    first, last = int(used[0]), int(used[-1])
    return f"{first}:" + ",".join(map(str, histogram[first : last + 1].tolist()))


def add_latency(into: _Histogram, text: str) -> None:
    """Add a stored histogram to ``into``."""
    if not text:
        return
    first, _, counts = text.partition(":")
    values = np.fromstring(counts, dtype=np.int64, sep=",")
    start = int(first)
    into[start : start + len(values)] += values


# -- what the record writer adds -----------------------------------------------------------


@dataclass
class CallCounts:
    """What a batch of turns adds to one row of analytics_calls_hourly."""

    calls: int = 0
    turns: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    latency: Counter[int] = field(default_factory=Counter)

    def add_to(self, row: Mapping[Any, Any]) -> dict[str, Any]:
        """The row's new values: ``row`` (the stored one, or zeros) plus these counts."""
        histogram = _empty()
        add_latency(histogram, row["latency"])
        for bucket, n in self.latency.items():
            histogram[bucket] += n
        return {
            **{name: row[name] for name in CALL_KEY},
            "calls": row["calls"] + self.calls,
            "turns": row["turns"] + self.turns,
            **{o: row[o] + self.outcomes[o] for o in OUTCOMES},
            "latency": encode_latency(histogram),
        }


def split_rollup(
    counts: Mapping[RollupKey, int],
) -> tuple[list[dict[str, Any]], dict[CallKey, CallCounts]]:
    """The rows ``turn_facts.rollup_counts`` adds to analytics_hourly (in key order, the
    order writers lock them in), and what it adds to each row of analytics_calls_hourly."""
    keyed: list[dict[str, Any]] = []
    calls: dict[CallKey, CallCounts] = {}
    for key, n in sorted(counts.items(), key=lambda item: item[0]):
        tenant_id, hour, access_code, flow_code, flow_version, metric, name = key
        if metric not in CALL_METRICS:
            keyed.append({**dict(zip(_HOURLY_KEY, key, strict=True)), "count": n})
            continue
        added = calls.setdefault(
            (tenant_id, _utc(hour), access_code, flow_code, flow_version), CallCounts()
        )
        if metric == "calls":
            added.calls += n
        elif metric == "turns":
            added.turns += n
        elif metric == "outcome":
            added.outcomes[name] += n
        else:
            added.latency[int(name)] += n
    return keyed, calls


def _utc(hour: datetime) -> datetime:
    """SQLite hands back naive UTC times, PostgreSQL aware ones: compare them as aware."""
    return hour.replace(tzinfo=UTC) if hour.tzinfo is None else hour.astimezone(UTC)


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def add_counts(session: AsyncSession, counts: Mapping[RollupKey, int]) -> None:
    """Add a batch's rollup counts to both rollups, in the caller's transaction."""
    keyed, calls = split_rollup(counts)
    if keyed:
        statement = _insert(session)(AnalyticsHourlyRow)
        statement = statement.on_conflict_do_update(
            index_elements=HOURLY_PRIMARY_KEY,
            set_={"count": AnalyticsHourlyRow.count + statement.excluded.count},
        )
        await session.execute(statement, keyed)
    if calls:
        await _add_calls(session, calls)


async def _add_calls(session: AsyncSession, added: dict[CallKey, CallCounts]) -> None:
    """A histogram is merged in Python, so its rows are read and written back under a lock:
    make sure they exist, lock them in key order (two writers never wait on each other in
    a cycle; SQLite's one writer needs no row locks), then write the sums."""
    c = AnalyticsCallsHourlyRow
    keys = sorted(added)
    zeros = {"calls": 0, "turns": 0, **dict.fromkeys(OUTCOMES, 0), "latency": ""}
    ensure = _insert(session)(c).on_conflict_do_nothing(index_elements=list(CALL_KEY))
    await session.execute(ensure, [{**dict(zip(CALL_KEY, k, strict=True)), **zeros} for k in keys])
    columns = [getattr(c, name) for name in CALL_KEY]
    stored = await session.execute(
        select(c.__table__).where(tuple_(*columns).in_(keys)).order_by(*columns).with_for_update()
    )
    rows = []
    for row in stored.mappings():
        key: CallKey = (
            row["tenant_id"],
            _utc(row["hour"]),
            row["access_code"],
            row["flow_code"],
            row["flow_version"],
        )
        rows.append(added[key].add_to(row))
    await session.execute(update(c), rows)


# -- what dashboards read ------------------------------------------------------------------


def _scoped(query: Select[Any], row: Any, scope: Scope) -> Select[Any]:
    query = query.where(
        row.tenant_id == scope.tenant_id, row.hour >= scope.start, row.hour < scope.end
    )
    if scope.access_code is not None:
        query = query.where(row.access_code == scope.access_code)
    if scope.flow_code is not None:
        query = query.where(row.flow_code == scope.flow_code)
    if scope.flow_version is not None:
        query = query.where(row.flow_version == scope.flow_version)
    return query


async def counts(
    session: AsyncSession, scope: Scope, metrics: Sequence[str], *, by_hour: bool
) -> list[Count]:
    """Sums of the rollups for ``metrics`` by metric and key, and by hour when asked."""
    found: list[Count] = []
    if CALL_METRICS.intersection(metrics):
        found += await _call_counts(session, scope, set(metrics), by_hour=by_hour)
    keyed = [m for m in metrics if m not in CALL_METRICS]
    if keyed:
        found += await _keyed_counts(session, scope, keyed, by_hour=by_hour)
    return found


async def _keyed_counts(
    session: AsyncSession, scope: Scope, metrics: Sequence[str], *, by_hour: bool
) -> list[Count]:
    r = AnalyticsHourlyRow
    total = func.sum(r.count)
    query: Select[Any]
    if by_hour:
        query = select(r.hour, r.metric, r.key, total).group_by(r.hour, r.metric, r.key)
    else:
        query = select(r.metric, r.key, total).group_by(r.metric, r.key)
    query = _scoped(query.where(r.metric.in_(list(metrics))), r, scope)
    rows = (await session.execute(query)).all()
    if by_hour:
        return [Count(row[0], row[1], row[2], int(row[3])) for row in rows]
    return [Count(None, row[0], row[1], int(row[2])) for row in rows]


async def _call_counts(
    session: AsyncSession, scope: Scope, metrics: set[str], *, by_hour: bool
) -> list[Count]:
    """analytics_calls_hourly summed by hour (or over the range): the counts in SQL, the
    histograms, concatenated by SQL, added up here (a few rows an hour)."""
    c = AnalyticsCallsHourlyRow
    sums = [func.sum(getattr(c, name)) for name in ("calls", "turns", *OUTCOMES)]
    histograms = func.aggregate_strings(c.latency, _JOINED)  # string_agg / group_concat
    query: Select[Any]
    if by_hour:
        query = select(c.hour, *sums, histograms).group_by(c.hour)
    else:
        query = select(literal_column("NULL"), *sums, histograms)
    found: list[Count] = []
    rows = (await session.execute(_scoped(query, c, scope))).tuples()
    for hour, calls, turns, *outcomes, joined in rows:
        if turns is None:
            continue  # no rows in the range (an aggregate without GROUP BY answers one)
        if "calls" in metrics and calls:
            found.append(Count(hour, "calls", "", int(calls)))
        if "turns" in metrics:
            found.append(Count(hour, "turns", "", int(turns)))
        if "outcome" in metrics:
            found += [
                Count(hour, "outcome", o, int(n))
                for o, n in zip(OUTCOMES, outcomes, strict=True)
                if n
            ]
        if "latency" in metrics:
            histogram = _empty()
            for text in (joined or "").split(_JOINED):
                add_latency(histogram, text)
            used = np.flatnonzero(histogram).tolist()
            found += [
                Count(hour, "latency", _BUCKET_KEYS[b], n)
                for b, n in zip(used, histogram[used].tolist(), strict=True)
            ]
    return found


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
