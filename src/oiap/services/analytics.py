"""Analytics use cases: a tenant's figures over a time range, per node of a flow version, and
the utterances the bot did not understand.

Figures come from the hourly rollups the record writer keeps (services/turn_facts.py), so
they cost the same over a thousand turns or a million. Ranges are cut at UTC hours; a day is a
UTC day. Latency percentiles come from 5 % wide latency buckets: each is the upper bound of
the bucket holding the percentile, within 5 % of the exact value, on either database.
Every use case answers a ``Table`` (columns and rows), which the API renders as JSON or CSV.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from oiap.domain.bots import DomainSpec
from oiap.errors import Err, OiapError
from oiap.nlu.features import NgramFeaturizer
from oiap.nlu.text import normalize
from oiap.services import bot_management
from oiap.services.dialog_ports import Count, Scope, Utterance
from oiap.services.ports import Storage
from oiap.services.turn_facts import percentile

GRANULARITIES = ("hour", "day")
DEFAULT_RANGE = timedelta(days=7)
MAX_RANGE = timedelta(days=400)
UNKNOWN = "unknown"
INBOX_SAMPLE = 1000  # latest not-understood turns read at most
INBOX_WORDINGS = 400  # distinct wordings grouped at most (the most frequent): grouping is
# quadratic in them, and 400 keep the inbox well under a second
SIMILAR = 0.45  # cosine similarity of n-gram features above which two wordings group
EXAMPLES_PER_GROUP = 5


@dataclass(frozen=True)
class Table:
    """One figure: named columns and rows of values; ``extra`` goes into JSON only."""

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    extra: dict[str, Any] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Filters:
    start: datetime | None = None
    end: datetime | None = None
    access_code: str | None = None
    flow_code: str | None = None
    flow_version: int | None = None
    granularity: str = "day"

    def scope(self, tenant_id: str, now: datetime | None = None) -> Scope:
        """The hours counted: ``start`` rounded down and ``end`` rounded up to an hour."""
        end = _aware(self.end) if self.end else (now or datetime.now(UTC))
        start = _aware(self.start) if self.start else end - DEFAULT_RANGE
        if self.granularity not in GRANULARITIES:
            raise OiapError(Err.PARAMETER, "'granularity' must be 'hour' or 'day'.")
        if start >= end:
            raise OiapError(Err.PARAMETER, "'from' must be before 'to'.")
        if end - start > MAX_RANGE:
            raise OiapError(Err.PARAMETER, f"A range is at most {MAX_RANGE.days} days.")
        start = start.replace(minute=0, second=0, microsecond=0)
        if end.replace(minute=0, second=0, microsecond=0) != end:
            end = end.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return Scope(tenant_id, start, end, self.access_code, self.flow_code, self.flow_version)

    def period(self, hour: datetime) -> str:
        hour = _aware(hour)
        if self.granularity == "hour":
            return hour.strftime("%Y-%m-%dT%H:00Z")
        return hour.strftime("%Y-%m-%d")


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


async def _counts(
    storage: Storage, scope: Scope, metrics: Sequence[str], *, by_hour: bool = False
) -> list[Count]:
    async with storage.reader() as repos:
        return await repos.dialogs.analytics_counts(scope, metrics, by_hour=by_hour)


def _totals(counts: Iterable[Count]) -> dict[str, Counter[str]]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for c in counts:
        totals[c.metric][c.key] += c.count
    return totals


# -- calls ------------------------------------------------------------------------------

CALL_COLUMNS = (
    "period",
    "calls",
    "contained",
    "transferred",
    "abandoned",
    "turns",
    "turns_per_call",
    "latency_p50_ms",
    "latency_p95_ms",
)


def _call_row(label: str, t: dict[str, Counter[str]]) -> tuple[Any, ...]:
    calls = t["calls"][""]
    turns = t["turns"][""]
    buckets = {int(k): n for k, n in t["latency"].items()}
    return (
        label,
        calls,
        t["outcome"]["contained"],
        t["outcome"]["transferred"],
        t["outcome"]["abandoned"],
        turns,
        round(turns / calls, 2) if calls else None,
        percentile(buckets, 0.5),
        percentile(buckets, 0.95),
    )


async def calls(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """Calls, how they came out, turns per call and turn latency, by period, with totals.
    One pass over the hourly counts (tens of thousands of latency buckets by hour)."""
    scope = filters.scope(tenant_id)
    counts = await _counts(storage, scope, ("calls", "turns", "outcome", "latency"), by_hour=True)
    labels: dict[datetime, str] = {}
    by_period: dict[str, dict[str, Counter[str]]] = {}
    for c in counts:
        assert c.hour is not None
        label = labels.get(c.hour)
        if label is None:
            label = labels[c.hour] = filters.period(c.hour)
        tally = by_period.get(label)
        if tally is None:
            tally = by_period[label] = defaultdict(Counter)
        tally[c.metric][c.key] += c.count
    overall: dict[str, Counter[str]] = defaultdict(Counter)
    for tally in by_period.values():
        for metric, keys in tally.items():
            overall[metric].update(keys)
    rows = [_call_row(p, by_period[p]) for p in sorted(by_period)]
    total = dict(zip(CALL_COLUMNS, _call_row("total", overall), strict=True))
    del total["period"]
    return Table(CALL_COLUMNS, rows, {"totals": total, **_range(scope, filters)})


def _range(scope: Scope, filters: Filters) -> dict[str, Any]:
    return {
        "from": scope.start.isoformat(),
        "to": scope.end.isoformat(),
        "granularity": filters.granularity,
    }


async def transfers(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """Transferred calls by the transfer type of their first transfer."""
    scope = filters.scope(tenant_id)
    t = _totals(await _counts(storage, scope, ("transfer",)))
    rows = sorted(((int(k), n) for k, n in t["transfer"].items()), key=lambda r: r[0])
    return Table(("transfer_type", "calls"), list(rows), _range(scope, filters))


async def recognition(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """Recognitions, the Unknown rate, and the failures counted by the flows."""
    scope = filters.scope(tenant_id)
    t = _totals(await _counts(storage, scope, ("recognition", "fault")))
    recognised = t["recognition"]["intent"] + t["recognition"]["unknown"]
    unknown = t["recognition"]["unknown"]
    row = (
        recognised,
        unknown,
        round(unknown / recognised, 4) if recognised else None,
        t["fault"]["nomatch"],
        t["fault"]["timeout"],
        t["fault"]["error3"],
    )
    columns = ("recognitions", "unknown", "unknown_rate", "nomatch", "timeout", "error3")
    return Table(columns, [row], _range(scope, filters))


async def intents(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """How often each intent (``unknown`` included, ``systemQA`` for Q&A) was recognised."""
    scope = filters.scope(tenant_id)
    t = _totals(await _counts(storage, scope, ("intent",)))
    rows = sorted(t["intent"].items(), key=lambda r: (-r[1], r[0]))
    return Table(("intent", "count"), list(rows), _range(scope, filters))


async def interfaces(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """Business-interface calls, failures (errors and timeouts) and timeouts, by interface."""
    scope = filters.scope(tenant_id)
    t = _totals(await _counts(storage, scope, ("interface",)))
    by_name: dict[str, Counter[str]] = defaultdict(Counter)
    for key, n in t["interface"].items():
        name, _, outcome = key.rpartition("\t")
        by_name[name][outcome] += n
    rows = [
        (name, sum(c.values()), c["error"] + c["timeout"], c["timeout"])
        for name, c in sorted(by_name.items())
    ]
    return Table(("interface", "calls", "failures", "timeouts"), rows, _range(scope, filters))


# -- per node ---------------------------------------------------------------------------

NODE_COLUMNS = ("node", "visits", "exits", "drop_offs", "hangups", "errors")
EXIT_COLUMNS = ("node", "branch", "to", "count")


async def nodes(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """Per node of one flow version: visits, exits (by branch in ``extra``), drop-offs
    (calls that ended there, ``hangups`` of them by the caller hanging up) and errors."""
    if filters.flow_code is None or filters.flow_version is None:
        raise OiapError(Err.PARAMETER, "Per-node figures need 'flow' and 'version'.")
    scope = filters.scope(tenant_id)
    t = _totals(await _counts(storage, scope, ("visit", "exit", "drop", "error")))
    node_ids: set[str] = set(t["visit"])
    exits = []
    exit_totals: Counter[str] = Counter()
    for key, n in t["exit"].items():
        node, branch, to = key.split("\t", 2)
        exits.append((node, branch, to, n))
        exit_totals[node] += n
        node_ids.add(node)
    drops: Counter[str] = Counter()
    hangups: Counter[str] = Counter()
    for key, n in t["drop"].items():
        node, _, how = key.rpartition("\t")
        drops[node] += n
        if how == "hangup":
            hangups[node] += n
        node_ids.add(node)
    errors: Counter[str] = Counter()
    error_kinds: dict[str, dict[str, int]] = defaultdict(dict)
    for key, n in t["error"].items():
        node, _, kind = key.partition("\t")
        if kind != "error3":  # error3 restates a timeout or nomatch already counted
            errors[node] += n
        error_kinds[node][kind] = n
        node_ids.add(node)
    rows = [
        (n, t["visit"][n], exit_totals[n], drops[n], hangups[n], errors[n])
        for n in sorted(node_ids)
    ]
    extra = {
        **_range(scope, filters),
        "flow": filters.flow_code,
        "version": filters.flow_version,
        "exits": [dict(zip(EXIT_COLUMNS, e, strict=True)) for e in sorted(exits)],
        "error_kinds": {n: dict(sorted(k.items())) for n, k in sorted(error_kinds.items())},
    }
    return Table(NODE_COLUMNS, rows, extra)


async def node_exits(storage: Storage, tenant_id: str, filters: Filters) -> Table:
    """The exits of :func:`nodes` as their own table (one row per node, branch, target)."""
    table = await nodes(storage, tenant_id, filters)
    rows = [tuple(e[c] for c in EXIT_COLUMNS) for e in table.extra["exits"]]
    return Table(EXIT_COLUMNS, rows, {k: v for k, v in table.extra.items() if k != "exits"})


# -- what the bot did not understand ----------------------------------------------------

GROUP_COLUMNS = ("group", "count", "intents", "examples")


def group_alike(texts: Sequence[str], *, similar: float = SIMILAR) -> list[list[int]]:
    """Indices of ``texts`` grouped by wording: TF-IDF word and character n-grams (the
    platform's own NLU features), each text joining the first group whose leader is at least
    ``similar`` alike (cosine), leaders taken in the order given (most frequent first)."""
    if not texts:
        return []
    featurizer, matrix = NgramFeaturizer.fit_matrix(list(texts))
    norm = 1.0 + featurizer.char_weight**2  # each block is normalised to its weight
    alike = (matrix @ matrix.T).toarray() / norm
    groups: list[list[int]] = []
    leaders: list[int] = []
    for i in range(len(texts)):
        scores = alike[i, leaders] if leaders else np.zeros(0)
        best = int(np.argmax(scores)) if len(scores) else -1
        if best >= 0 and scores[best] >= similar:
            groups[best].append(i)
        else:
            leaders.append(i)
            groups.append([i])
    return groups


async def not_understood(
    storage: Storage, tenant_id: str, filters: Filters, *, below: float = 0.5
) -> Table:
    """Utterances answered Unknown or recognised below ``below`` confidence, grouped when
    alike: one row per group, largest first, with up to five distinct examples. Grouped
    from the latest 1000 such turns of the range (``extra.sampled`` says how many), their
    400 most frequent wordings."""
    scope = filters.scope(tenant_id)
    async with storage.reader() as repos:
        found = await repos.dialogs.not_understood(scope, below=below, limit=INBOX_SAMPLE)
    wordings: dict[str, list[Utterance]] = defaultdict(list)
    for u in found:
        wordings[normalize(u.text) or u.text].append(u)
    ordered = sorted(wordings, key=lambda w: (-len(wordings[w]), w))[:INBOX_WORDINGS]
    rows = []
    for members in group_alike(ordered):
        said = [u for m in members for u in wordings[ordered[m]]]
        seen = Counter(u.intent or UNKNOWN for u in said)
        examples = [wordings[ordered[m]][0].text for m in members[:EXAMPLES_PER_GROUP]]
        rows.append((examples[0], len(said), dict(seen.most_common()), examples))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return Table(GROUP_COLUMNS, rows, {**_range(scope, filters), "sampled": len(found)})


async def add_example(
    storage: Storage, tenant_id: str, domain: str, intent: str, text: str
) -> DomainSpec:
    """Add ``text`` to the domain's draft as an example of ``intent`` (``unknown`` for the
    Unknown intent). The published model learns it at the domain's next publish."""
    text = text.strip()
    if not text:
        raise OiapError(Err.PARAMETER, "'text' must not be empty.")
    stored = await bot_management.get_domain(storage, tenant_id, domain)
    spec = stored.spec.with_unknown_intent() if intent == UNKNOWN else stored.spec
    target = next((i for i in spec.intents if i.code == intent), None)
    if target is None:
        raise OiapError(Err.NOT_FOUND, f"Domain {domain!r} has no intent {intent!r}.")
    if text in target.examples:
        return spec  # already an example: nothing to change
    changed = tuple(
        replace(i, examples=(*i.examples, text)) if i.code == intent else i for i in spec.intents
    )
    updated, _ = await bot_management.put_domain(storage, tenant_id, replace(spec, intents=changed))
    return updated.spec
