"""Replaying recorded calls on another version of a flow: the regression test before a publish.

The turn records (``dialog_turns``) hold every caller input of a call. Those inputs are sent,
in order, to the chosen version (or the draft) installed in a throwaway platform (a ``Stage``
made by ``api.sandbox``), with the clock at the recorded call's time. Business interfaces
answer what they answered in the recording where the records hold it, else what the tenant's
conversation tests stub, else they fail as an interface nobody stubbed. The report puts each
call's recorded run beside its replayed run and flags the calls whose outcome, recognised
intents or end node changed, or that could not take all of their caller's inputs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from oiap.domain.bot_definition import Bot
from oiap.domain.bots import AccessCode, DialogType
from oiap.errors import Err, OiapError
from oiap.services.conversation_tests import (
    Call,
    CallerError,
    CallerInput,
    InputKind,
    Observed,
    Stage,
    StubAnswer,
)
from oiap.services.dialog_ports import TurnRecord
from oiap.services.ports import Storage
from oiap.services.test_calls import bot_for, tenant_stubs

MAX_CALLS = 500  # calls one replay runs at most (it runs while the request waits)
DEFAULT_CALLS = 100
TURN_SCAN = 50_000  # turn records read at most to find the calls
OUTCOMES = ("contained", "transferred", "abandoned", "unfinished", "failed")
CHANGES = ("outcome", "intent", "end_node", "inputs")
ACTIONS = {9: "prompt", 10: "release", 11: "transfer", 12: "query"}
_MASKED = re.compile(r"\*{3,}[0-9]{2}")  # RecordMask: over 6 digits, the last 2 kept
_KEYS = re.compile(r"^[0-9*#]+$")
_EVENTS = ("timeout", "nomatch", "hangup", "sys_err", "recordend")
# The simulator's input kinds (api/console/simulator.py InputData); events it has no button
# for are left out of the inputs handed to it.
_SIMULATOR_EVENTS = ("timeout", "nomatch", "hangup")
# A recorded interface failure is played back as one: an error status, or an answer slower
# than a shortened timeout.
_FAILED = StubAnswer(status=500, json={"error": "failed in the recorded call"})
_TIMED_OUT = StubAnswer(json={}, delay=0.5, timeout=0.05)


class ReplayStage(Stage, Protocol):
    async def close(self) -> None: ...


# The stage for a bot; the callback hears of each call to an interface without an answer.
OpenStage = Callable[[Bot, Callable[[str], None]], Awaitable[ReplayStage]]


# -- what is asked for ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReplayFilters:
    """Which recorded calls to replay; a call is picked by its first turn (its start)."""

    since: datetime | None = None
    until: datetime | None = None
    access_code: str | None = None
    flow: str | None = None  # the flow the call started on (default: the target's)
    version: int | None = None  # the version the call ran on
    calling: str | None = None
    outcome: str | None = None  # the recorded outcome, one of OUTCOMES
    limit: int = DEFAULT_CALLS  # the most recent calls in range, at most


@dataclass(frozen=True)
class ReplayTarget:
    flow: str
    version: int | None  # None: the draft

    @property
    def label(self) -> str:
        return "draft" if self.version is None else f"version {self.version}"


# -- a call as recorded or as replayed ------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One response of the platform."""

    action: str  # prompt, release, transfer, query or error
    node: str | None  # the last node the turn ran through
    path: list[str]
    intent: str | None
    text: str  # the prompt, or what a transfer, release or error says
    interfaces: list[str] = field(default_factory=list)  # business interfaces called


@dataclass(frozen=True)
class Exchange:
    """What one caller input (or the start of the call) brought."""

    input: str | None  # as `oiap chat` writes it; None for the start of the call
    steps: list[Step]

    @property
    def intents(self) -> list[str]:
        return [s.intent for s in self.steps if s.intent]


@dataclass(frozen=True)
class Run:
    outcome: str  # one of OUTCOMES
    end_node: str | None
    exchanges: list[Exchange]
    detail: str = ""  # the transfer or release that ended it, or why it stopped


@dataclass(frozen=True)
class CallReplay:
    call_id: str
    calling: str
    access_code: str
    at: datetime
    flow: str
    version: int  # the version the call ran on
    original: Run
    replayed: Run
    changes: list[str]  # of CHANGES
    differences: list[str]  # readable, one per change
    notes: list[str]
    simulator: dict[str, Any]  # what the console needs to open the call in the simulator

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class ReplayReport:
    target: ReplayTarget
    calls: list[CallReplay]
    notes: list[str]

    @property
    def changed(self) -> list[CallReplay]:
        return [c for c in self.calls if c.changed]

    def summary(self) -> dict[str, Any]:
        changed = self.changed
        moves = Counter(
            f"{c.original.outcome} -> {c.replayed.outcome}"
            for c in changed
            if "outcome" in c.changes
        )
        return {
            "calls": len(self.calls),
            "changed": len(changed),
            "unchanged": len(self.calls) - len(changed),
            "by_change": {kind: sum(kind in c.changes for c in changed) for kind in CHANGES},
            "outcome_changes": dict(sorted(moves.items())),
            "original_outcomes": _tally(c.original.outcome for c in self.calls),
            "replayed_outcomes": _tally(c.replayed.outcome for c in self.calls),
        }


def _tally(outcomes: Iterable[str]) -> dict[str, int]:
    counts = Counter(outcomes)
    return {o: counts[o] for o in OUTCOMES if counts[o]}


# -- reading the recorded calls -------------------------------------------------------------


@dataclass
class RecordedCall:
    turns: list[TurnRecord]

    @property
    def first(self) -> TurnRecord:
        return self.turns[0]


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def split_calls(turns: Sequence[TurnRecord]) -> list[RecordedCall]:
    """Turns in call order grouped into calls: by ``call_id``, a new call at each start (an
    IVR may reuse a ``userid``). Turns before any start (cut off by the scan) are dropped."""
    calls: list[RecordedCall] = []
    current: dict[str, RecordedCall] = {}
    for turn in turns:
        if turn.inaction == 8:
            call = RecordedCall([turn])
            current[turn.call_id] = call
            calls.append(call)
        elif turn.call_id in current:
            current[turn.call_id].turns.append(turn)
    return calls


async def recorded_calls(
    storage: Storage, tenant_id: str, filters: ReplayFilters
) -> tuple[list[RecordedCall], list[str]]:
    """The calls the filters pick, oldest first, and notes on what was not looked at."""
    async with storage.reader() as repos:
        newest_first = await repos.dialogs.list_turns(
            tenant_id, calling=filters.calling, limit=TURN_SCAN
        )
    notes = []
    if len(newest_first) >= TURN_SCAN:
        notes.append(
            f"Only the latest {TURN_SCAN} turn records were read: calls older than those "
            "are not replayed."
        )
    picked = []
    for call in split_calls(list(reversed(newest_first))):
        first = call.first
        at = _aware(first.at)
        if filters.since is not None and at < filters.since:
            continue
        if filters.until is not None and at >= filters.until:
            continue
        if filters.access_code is not None and first.access_code != filters.access_code:
            continue
        if filters.flow is not None and first.flow_code != filters.flow:
            continue
        if filters.version is not None and first.flow_version != filters.version:
            continue
        if filters.outcome is not None and recorded_run(call)[0].outcome != filters.outcome:
            continue
        picked.append(call)
    if len(picked) > filters.limit:
        notes.append(f"{len(picked)} calls matched; the latest {filters.limit} were replayed.")
        picked = picked[-filters.limit :]
    return picked, notes


# -- the caller's inputs and the recorded run -----------------------------------------------


def _recorded_step(turn: TurnRecord) -> Step:
    path = [str(n) for n in turn.path] or ([turn.node] if turn.node else [])
    action = ACTIONS.get(turn.outaction, "error")
    text = turn.reply
    if action == "transfer" and turn.transfer_type is not None:
        text = f"transfer type {turn.transfer_type}"
    elif action == "release" and turn.release_reason is not None:
        text = f"release reason {turn.release_reason}"
    called = [str(i.get("name")) for i in turn.interfaces]
    return Step(action, turn.node, path, turn.intent, text, called)


def _unmasked(value: str) -> str:
    """A masked number (records keep long digit inputs as ``******78``) replays as digits of
    its length: the interfaces it fed answer as recorded, so the call takes its path again
    unless the flow itself branches on the hidden digits."""
    if _MASKED.fullmatch(value):
        return "0" * value.count("*") + value.lstrip("*")
    return value


def _caller_input(turn: TurnRecord, voice: bool) -> CallerInput | None:
    """What the caller did in a recorded turn; None for what the IVR sends on its own (a
    ``playover`` after a play-only prompt), which a replayed call sends by itself too."""
    value = _unmasked(turn.input or "")
    hangup = value == "hangup" or turn.hangup
    if turn.inaction == 11:
        if hangup:
            return CallerInput(InputKind.EVENT, "hangup")
        # The transfer's result is not recorded; how the flow went on tells it.
        reason = turn.release_reason
        done = turn.outaction == 10 and reason in (None, "0")
        return CallerInput(InputKind.TRANSFER_OK if done else InputKind.TRANSFER_FAILED)
    if turn.inaction == 12:
        if hangup:
            return CallerInput(InputKind.EVENT, "hangup")
        return CallerInput(InputKind.QUEUE)  # the queue figures are not recorded
    if turn.inaction != 9 or value in ("", "playover"):
        return None
    if value in _EVENTS:
        return CallerInput(InputKind.EVENT, value)
    if voice and _KEYS.match(value):
        # The record keeps the value, not whether it was keyed or spoken: on a voice call
        # digits alone are taken as keys.
        return CallerInput(InputKind.DIGITS, value)
    return CallerInput(InputKind.TEXT, value)


def outcome_of(exchanges: Sequence[Exchange], hangups: Sequence[bool]) -> tuple[str, str]:
    """How a call ended (the analytics' outcomes) and the step that decided it.

    ``hangups[i]`` says whether input ``i`` (exchange ``i + 1``) was the caller hanging up."""
    for index, exchange in enumerate(exchanges):
        for step in exchange.steps:
            if step.action == "transfer":
                return "transferred", step.text
            if step.action == "error":
                return "failed", step.text
            if step.action == "release":
                hung_up = index > 0 and hangups[index - 1]
                return ("abandoned" if hung_up else "contained"), step.text
    return "unfinished", ""


def _end_node(exchanges: Sequence[Exchange]) -> str | None:
    nodes = [s.node for e in exchanges for s in e.steps if s.node]
    return nodes[-1] if nodes else None


def recorded_run(
    call: RecordedCall, voice: bool = True
) -> tuple[Run, list[CallerInput], list[list[TurnRecord]]]:
    """The run as recorded, the caller's inputs, and the turns of each exchange."""
    exchanges = [Exchange(None, [])]
    grouped: list[list[TurnRecord]] = [[]]
    inputs: list[CallerInput] = []
    ended = False
    for turn in call.turns:
        given = None if ended or turn.inaction == 8 else _caller_input(turn, voice)
        if given is not None:
            inputs.append(given)
            exchanges.append(Exchange(str(given), []))
            grouped.append([])
        exchanges[-1].steps.append(_recorded_step(turn))
        grouped[-1].append(turn)
        ended = ended or turn.outaction == 10
    hangups = [_is_hangup(i) for i in inputs]
    outcome, detail = outcome_of(exchanges, hangups)
    return Run(outcome, _end_node(exchanges), exchanges, detail), inputs, grouped


def _is_hangup(given: CallerInput) -> bool:
    return given.kind is InputKind.EVENT and given.value == "hangup"


# -- interface answers ----------------------------------------------------------------------


def _answer_of(call: Mapping[str, Any]) -> StubAnswer | None:
    """A recorded interface call played back; None when the record cannot say (truncated)."""
    outcome = call.get("outcome")
    if outcome == "timeout":
        return _TIMED_OUT
    if outcome != "ok":
        return _FAILED
    text = call.get("answer")
    if call.get("truncated") or not isinstance(text, str):
        return None
    try:
        return StubAnswer(json=json.loads(text))
    except ValueError:
        return None


def recorded_answers(grouped: Sequence[Sequence[TurnRecord]]) -> list[dict[str, StubAnswer]]:
    """Per exchange, the first answer each interface gave in it in the recording."""
    answers: list[dict[str, StubAnswer]] = []
    for turns in grouped:
        found: dict[str, StubAnswer] = {}
        for turn in turns:
            for called in turn.interfaces:
                name = str(called.get("name", ""))
                answer = _answer_of(called)
                if name and answer is not None and name not in found:
                    found[name] = answer
        answers.append(found)
    return answers


def answers_for(
    index: int, recorded: Sequence[Mapping[str, StubAnswer]], stubs: Mapping[str, StubAnswer]
) -> dict[str, StubAnswer]:
    """What each interface answers while exchange ``index`` is replayed: its answer recorded
    in that exchange, else the nearest one before, else the nearest one after (the new
    version may call it at another turn), else the tenant's conversation-test stub."""
    answers = dict(stubs)
    order = [*range(len(recorded) - 1, index, -1), *range(0, index + 1)]
    for i in order:  # later assignments win: the exchange itself last
        if 0 <= i < len(recorded):
            answers.update(recorded[i])
    return answers


# -- replaying ------------------------------------------------------------------------------


def _replayed_step(seen: Observed) -> Step:
    text = seen.text
    if seen.action == "transfer":
        text = f"transfer type {seen.trans_type}" if seen.trans_type else ""
    elif seen.action == "release":
        text = f"release reason {seen.reason}" if seen.reason else ""
    path = seen.path
    return Step(seen.action, path[-1] if path else None, path, seen.intent, text)


async def _replay(
    stage: ReplayStage,
    call: RecordedCall,
    inputs: Sequence[CallerInput],
    answers: Sequence[dict[str, StubAnswer]],
    unstubbed: set[str],
) -> tuple[Run, list[str], bool]:
    """The call replayed on the stage; notes; whether every input could be sent."""
    first = call.first
    at = _aware(first.at)
    scripted = Call(stage.endpoint, first.access_code, first.calling)
    notes: list[str] = []
    stage.prepare(at, answers[0] if answers else {})
    unstubbed.clear()
    exchanges = [Exchange(None, [_replayed_step(s) for s in await scripted.start()])]
    used = True
    for index, given in enumerate(inputs, start=1):
        if exchanges[-1].steps and exchanges[-1].steps[-1].action == "error":
            notes.append(f"input {index} ({given}) was not sent: the replay failed before it")
            used = False
            break
        if scripted.ended:
            notes.append(f"input {index} ({given}) was not sent: the replayed call had ended")
            used = False
            break
        stage.prepare(at, answers[index] if index < len(answers) else {})
        try:
            seen = await scripted.send(given)
        except CallerError as exc:
            notes.append(f"input {index} ({given}) was not sent: {exc}")
            used = False
            break
        exchanges.append(Exchange(str(given), [_replayed_step(s) for s in seen]))
    for name in sorted(unstubbed):
        notes.append(f"interface {name!r} had no recorded answer and no stub: it failed")
    hangups = [_is_hangup(i) for i in inputs[: len(exchanges) - 1]]
    outcome, detail = outcome_of(exchanges, hangups)
    return Run(outcome, _end_node(exchanges), exchanges, detail), notes, used


def compare(original: Run, replayed: Run, inputs_used: bool) -> tuple[list[str], list[str]]:
    """The kinds of change (of CHANGES) and one readable line per difference."""
    changes: list[str] = []
    lines: list[str] = []
    if original.outcome != replayed.outcome:
        changes.append("outcome")
        lines.append(f"outcome: {original.outcome} -> {replayed.outcome}")
    turns = zip(original.exchanges, replayed.exchanges, strict=False)
    for number, (before, after) in enumerate(turns, start=1):
        if before.intents != after.intents:
            if "intent" not in changes:
                changes.append("intent")
            said = f" ({before.input})" if before.input else ""
            was = ", ".join(before.intents) or "none"
            now = ", ".join(after.intents) or "none"
            lines.append(f"intent at turn {number}{said}: {was} -> {now}")
    if original.end_node != replayed.end_node:
        changes.append("end_node")
        lines.append(f"end node: {original.end_node} -> {replayed.end_node}")
    if not inputs_used:
        changes.append("inputs")
        sent = len(replayed.exchanges) - 1
        lines.append(
            f"inputs: {sent} of the caller's {len(original.exchanges) - 1} inputs were sent"
        )
    return changes, lines


def simulator_inputs(inputs: Sequence[CallerInput]) -> list[dict[str, str]]:
    """The inputs as the simulator takes them (POST /oiap/v1/test-calls/{id}/input)."""
    out: list[dict[str, str]] = []
    for given in inputs:
        if given.kind is InputKind.TEXT:
            out.append({"kind": "text", "value": given.value})
        elif given.kind is InputKind.DIGITS:
            out.append({"kind": "keys", "value": given.value})
        elif given.kind is InputKind.EVENT and given.value in _SIMULATOR_EVENTS:
            out.append({"kind": given.value})
        elif given.kind in (InputKind.TRANSFER_OK, InputKind.TRANSFER_FAILED):
            out.append({"kind": given.kind.value})
    return out


# -- the use case ---------------------------------------------------------------------------


def _voice_codes(bot: Bot) -> dict[str, bool]:
    return {a.access_code: a.dialog_type != DialogType.CHATBOT for a in bot.access_codes}


def _with_access_codes(bot: Bot, flow: str, calls: Sequence[RecordedCall]) -> Bot:
    """``bot`` with every recorded call's access code starting ``flow`` (a code since unbound,
    or bound to another flow, is bound to it in the sandbox only)."""
    known = {a.access_code: a for a in bot.access_codes}
    codes = dict(known)
    for call in calls:
        code = call.first.access_code
        access = known.get(code)
        if access is None:
            codes[code] = AccessCode(code, DialogType.VOICE_NAVIGATION, flow, robot_name="Replay")
        elif access.flow_code != flow:
            codes[code] = replace(access, flow_code=flow)
    return replace(bot, access_codes=tuple(codes.values()))


async def default_flow(storage: Storage, tenant_id: str) -> str:
    """The tenant's flow when it has only one (a replay must otherwise name it)."""
    async with storage.reader() as repos:
        codes = sorted(s.flow.code for s in await repos.bots.list_flows(tenant_id))
    if len(codes) != 1:
        found = ", ".join(codes) if codes else "none"
        raise OiapError(Err.PARAMETER, f"Name the flow to replay on (the tenant's flows: {found}).")
    return codes[0]


async def replay_calls(
    storage: Storage,
    open_stage: OpenStage,
    tenant_id: str,
    filters: ReplayFilters,
    target: ReplayTarget,
) -> ReplayReport:
    """Replay the recorded calls the filters pick on ``target``; see the module's docstring."""
    if not 1 <= filters.limit <= MAX_CALLS:
        raise OiapError(Err.PARAMETER, f"'limit' is 1 to {MAX_CALLS} calls.")
    if filters.outcome is not None and filters.outcome not in OUTCOMES:
        raise OiapError(Err.PARAMETER, f"'outcome' is one of {', '.join(OUTCOMES)}.")
    if filters.flow is not None and filters.flow != target.flow:
        raise OiapError(
            Err.PARAMETER, "The calls' flow and the target's flow must be the same flow."
        )
    bot = await bot_for(storage, tenant_id, target.flow, target.version)
    calls, notes = await recorded_calls(storage, tenant_id, replace(filters, flow=target.flow))
    report = ReplayReport(target, [], notes)
    if not calls:
        return report
    stubs = await tenant_stubs(storage, tenant_id)
    names = {i.name for i in bot.interfaces}
    stubs = {k: v for k, v in stubs.items() if k in names}
    voice = _voice_codes(bot)
    unstubbed: set[str] = set()
    stage = await open_stage(_with_access_codes(bot, target.flow, calls), unstubbed.add)
    try:
        for call in calls:
            report.calls.append(
                await _one(
                    stage, call, target, stubs, voice.get(call.first.access_code, True), unstubbed
                )
            )
    finally:
        await stage.close()
    return report


async def _one(
    stage: ReplayStage,
    call: RecordedCall,
    target: ReplayTarget,
    stubs: Mapping[str, StubAnswer],
    voice: bool,
    unstubbed: set[str],
) -> CallReplay:
    original, inputs, grouped = recorded_run(call, voice)
    recorded = recorded_answers(grouped)
    answers = [answers_for(i, recorded, stubs) for i in range(len(inputs) + 1)]
    replayed, notes, used = await _replay(stage, call, inputs, answers, unstubbed)
    changes, differences = compare(original, replayed, used)
    first = call.first
    left_out = len(inputs) - len(simulator_inputs(inputs))
    if left_out:
        notes.append(f"{left_out} input(s) have no simulator equivalent (queue figures, events)")
    return CallReplay(
        call_id=first.call_id,
        calling=first.calling,
        access_code=first.access_code,
        at=_aware(first.at),
        flow=first.flow_code,
        version=first.flow_version,
        original=original,
        replayed=replayed,
        changes=changes,
        differences=differences,
        notes=notes,
        simulator={
            "flow": target.flow,
            "version": "draft" if target.version is None else target.version,
            "channel": "voice" if voice else "chat",
            "callingNumber": first.calling,
            "at": _aware(first.at).isoformat(),
            "inputs": simulator_inputs(inputs),
        },
    )


# -- the report as data (the API's body, `oiap bot replay --json`) --------------------------


def _run_data(run: Run) -> dict[str, Any]:
    return {
        "outcome": run.outcome,
        "endNode": run.end_node,
        "detail": run.detail,
        "turns": [
            {
                "input": e.input,
                "intents": e.intents,
                "steps": [
                    {
                        "action": s.action,
                        "node": s.node,
                        "path": s.path,
                        "intent": s.intent,
                        "text": s.text,
                        "interfaces": s.interfaces,
                    }
                    for s in e.steps
                ],
            }
            for e in run.exchanges
        ],
    }


def report_data(report: ReplayReport) -> dict[str, Any]:
    summary = report.summary()
    target = report.target
    return {
        "target": {
            "flow": target.flow,
            "version": "draft" if target.version is None else target.version,
        },
        "summary": {
            "calls": summary["calls"],
            "changed": summary["changed"],
            "unchanged": summary["unchanged"],
            "byChange": {_camel(k): v for k, v in summary["by_change"].items()},
            "outcomeChanges": summary["outcome_changes"],
            "originalOutcomes": summary["original_outcomes"],
            "replayedOutcomes": summary["replayed_outcomes"],
        },
        "notes": report.notes,
        "calls": [
            {
                "callId": c.call_id,
                "callingNumber": c.calling,
                "accessCode": c.access_code,
                "at": c.at.isoformat(),
                "flow": c.flow,
                "version": c.version,
                "changed": c.changed,
                "changes": [_camel(k) for k in c.changes],
                "differences": c.differences,
                "notes": c.notes,
                "original": _run_data(c.original),
                "replayed": _run_data(c.replayed),
                "simulator": c.simulator,
            }
            for c in report.calls
        ],
    }


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
