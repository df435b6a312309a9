"""What a turn did, as facts for analytics and replay, and the hourly counts kept of them.

``exits`` and ``interface_fact`` run on the turn's path: they only read what the turn already
holds (its path, the releases it ran on). ``rollup_counts`` runs in the batch writer, so a
dashboard reads a few thousand counts instead of a million turns.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from oiap.domain.flows import Node, NodeKind

if TYPE_CHECKING:  # the engine's import loads the NLU stack, which the CLI's storage skips
    from oiap.engine.release import FlowRelease, InterfaceAnswer

ANSWER_LIMIT = 8192  # bytes of an interface's answer kept for a replay
KEY_LIMIT = 400  # characters of a rollup key (a long branch condition is cut)
LATENCY_STEP = 1.05  # latency buckets grow by 5 %: percentiles are exact to within 5 %
LATENCY_BUCKETS = 300  # the last bucket holds everything above about 2 million ms
SUBFLOW = "subflow"
EXCEPTION_FLOW = "exception flow"

# A rollup row: (tenant, hour, access code, flow, version, metric, key) -> count.
RollupKey = tuple[str, datetime, str, str, int, str, str]


# -- facts of one turn ------------------------------------------------------------------


def _node(releases: Sequence[FlowRelease], node_id: str) -> Node | None:
    for release in releases:
        node = release.node(node_id)
        if node is not None:
            return node
    return None


def branch_label(
    node: Node | None, to: str, faults: Sequence[tuple[str, str]], intent: str | None
) -> str:
    """The label of the branch of ``node`` that led to ``to``. When several branches lead
    there, the turn's own facts pick one: a failure counted at the node picks a failure
    branch, a recognised intent its intent branch, else the default branch."""
    if node is None:
        return EXCEPTION_FLOW
    candidates = [b for b in node.branches if b.to == to]
    if not candidates:
        return SUBFLOW if node.kind == NodeKind.SUBFLOW else EXCEPTION_FLOW
    if len(candidates) == 1:
        return candidates[0].label
    failed = tuple(kind for at, kind in faults if at == node.id)
    for branch in candidates:
        if failed and branch.on is not None and branch.on.startswith(failed):
            return branch.label
    for branch in candidates:
        if intent is not None and branch.intent == intent:
            return branch.label
    unqualified = [b for b in candidates if b.on in (None, "default") and b.key is None]
    chosen = next((b for b in unqualified if b.intent is None and b.when is None), None)
    return (chosen or candidates[0]).label


def exits(
    releases: Sequence[FlowRelease],
    entry_node: str | None,
    path: Sequence[str],
    faults: Sequence[tuple[str, str]],
    intent: str | None,
) -> tuple[tuple[str, str, str], ...]:
    """(node, branch label, next node) of every move in the turn, from the node it answered."""
    nodes = ([entry_node] if entry_node else []) + list(path)
    return tuple(
        (a, branch_label(_node(releases, a), b, faults, intent), b) for a, b in pairwise(nodes)
    )


def interface_fact(
    name: str, node: str | None, answer: InterfaceAnswer, latency_ms: float, timed_out: bool
) -> dict[str, Any]:
    """One business-interface call: its outcome and, for a replay, what it answered."""
    body: str | None = None
    truncated = False
    if answer.data is not None:
        body = json.dumps(answer.data, sort_keys=True, default=str)  # ASCII: storable as is
        if len(body) > ANSWER_LIMIT:
            body, truncated = body[:ANSWER_LIMIT], True
    outcome = "ok" if answer.ok else ("timeout" if timed_out else "error")
    return {
        "name": name,
        "node": node,
        "outcome": outcome,
        "latency_ms": round(latency_ms, 3),
        "answer": body,
        "truncated": truncated,
    }


def interface_nodes(
    releases: Sequence[FlowRelease], path: Sequence[str], names: Sequence[str]
) -> list[str | None]:
    """The invoke node of each interface call, matched in order along the path."""
    invokes: list[tuple[str, str]] = []
    for node_id in path:
        node = _node(releases, node_id)
        if node is None or node.kind != NodeKind.INVOKE:
            continue
        key = str(node.params.get("interface", ""))
        interface = next((r.interfaces[key] for r in releases if key in r.interfaces), None)
        invokes.append((node_id, interface.name if interface is not None else key))
    found: list[str | None] = []
    for name in names:
        at = next((i for i, (_, n) in enumerate(invokes) if n == name), None)
        found.append(invokes.pop(at)[0] if at is not None else None)
    return found


# -- hourly counts ----------------------------------------------------------------------


def latency_bucket(ms: float) -> int:
    if ms <= 1.0:
        return 0
    return min(LATENCY_BUCKETS, math.ceil(math.log(ms) / math.log(LATENCY_STEP)))


def bucket_bound(bucket: int) -> float:
    """The upper bound, in ms, of a latency bucket."""
    return float(LATENCY_STEP**bucket)


def hour_of(at: datetime) -> datetime:
    """The UTC hour a turn counts in (rollups are by UTC hour; a day is a UTC day)."""
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    return at.replace(minute=0, second=0, microsecond=0)


def turn_counts(record: Any) -> Iterable[tuple[str, str]]:
    """(metric, key) of everything one turn record counts for."""
    yield "turns", ""
    if record.inaction == 8:
        yield "calls", ""
    if record.call_outcome:
        yield "outcome", record.call_outcome
        if record.call_outcome == "transferred" and record.transfer_type is not None:
            yield "transfer", str(record.transfer_type)
    if record.release_reason is not None and record.ended:
        yield "release", record.release_reason
    yield "latency", str(latency_bucket(record.latency_ms))
    if record.source == "intent" and record.intent is not None:
        yield "recognition", "unknown" if record.intent == "unknown" else "intent"
    if record.source is not None and record.intent is not None:
        yield "intent", record.intent
    for node, kind in record.faults:
        yield "fault", kind
        if node:
            yield "error", f"{node}\t{kind}"
    for call in record.interfaces:
        yield "interface", f"{call['name']}\t{call['outcome']}"
        if call["outcome"] != "ok" and call.get("node"):
            yield "error", f"{call['node']}\tinterface {call['outcome']}"
    for node in record.path:
        yield "visit", node
    for node, branch, to in record.exits:
        yield "exit", f"{node}\t{branch}\t{to}"
    if record.ended:
        last = record.path[-1] if record.path else record.entry_node
        if last:
            yield "drop", f"{last}\t{'hangup' if record.hangup else 'end'}"


def rollup_counts(records: Iterable[Any]) -> Counter[RollupKey]:
    """Hourly counts of a batch of turn records, one entry per distinct rollup row."""
    counts: Counter[RollupKey] = Counter()
    for r in records:
        base = (r.tenant_id, hour_of(r.at), r.access_code, r.flow_code, r.flow_version)
        for metric, key in turn_counts(r):
            counts[(*base, metric, key[:KEY_LIMIT])] += 1
    return counts


def percentile(buckets: Mapping[int, int], fraction: float) -> float | None:
    """The latency (ms, a bucket's upper bound) under which ``fraction`` of turns fall."""
    total = sum(buckets.values())
    if not total:
        return None
    wanted = fraction * total
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= wanted:
            return round(bucket_bound(bucket), 1)
    return round(bucket_bound(max(buckets)), 1)
