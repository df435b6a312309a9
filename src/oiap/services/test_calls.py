"""Test calls: a bot author talks to a flow's draft (or any version) as a caller would.

A test call runs the real dialog engine over the ``crs/process`` wire format in a throwaway
platform holding the tenant's bot as it is now (``api.sandbox``), with business interfaces
answering from stubs. Its record (what was asked for and every caller input) is kept in the
session store, shared by every worker when that store is Redis. The worker that runs the
call keeps the throwaway platform in memory; a worker that gets the next input without it
builds one and replays the inputs first, so any worker can continue any test call.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

import yaml

from oiap.domain.bot_definition import Bot
from oiap.domain.bots import AccessCode, DialogType
from oiap.domain.flows import Flow, NodeKind, flow_from_data
from oiap.errors import Err, OiapError
from oiap.services.bot_sync import tenant_bot
from oiap.services.conversation_test_files import tests_of
from oiap.services.conversation_tests import (
    DEFAULT_CALLING,
    Call,
    CallerError,
    CallerInput,
    Endpoint,
    InputKind,
    Observed,
    Stage,
    StubAnswer,
    run_test,
)
from oiap.services.ports import SessionStore, Storage

IDLE_SECONDS = 30 * 60
PER_TENANT = 5
KEY = "oiap:test-call:"
VOICE_TYPES = (DialogType.VOICE_NAVIGATION, DialogType.IVR_FLOW, DialogType.OUTBOUND)
CHAT_TYPES = (DialogType.CHATBOT,)
# An access code the bot has none of, for a flow that no access code of the channel starts.
STAND_IN_CODES = {"voice": "~test-call-voice", "chat": "~test-call-chat"}


class Simulator(Stage, Protocol):
    """Where a test call runs: the bot installed in a throwaway platform (``api.sandbox``)."""

    async def ranking(
        self, flow: str, version: int, domain: str, text: str, threshold: float | None
    ) -> list[tuple[str, float]]:
        """The intents of ``domain`` ranked for ``text``, as the dialog's model scores them."""
        ...

    async def close(self) -> None: ...


OpenSimulator = Callable[[Bot], Awaitable[Simulator]]


# -- what is asked for, and what comes back -------------------------------------------------


@dataclass(frozen=True)
class TestCallSpec:
    __test__ = False

    tenant_id: str
    flow: str
    version: int | None  # None: the draft
    channel: str = "voice"
    calling: str = DEFAULT_CALLING
    stubs: Mapping[str, StubAnswer] = field(default_factory=dict)
    use_test_stubs: bool = True


@dataclass(frozen=True)
class Turn:
    """One response of ``crs/process``, as the console shows it."""

    action: str
    text: str
    mode: str
    outaction: int
    outparams: dict[str, Any]
    path: list[str]
    node: str | None
    variables: dict[str, Any]
    intent: dict[str, Any] | None
    input: str | None
    notes: list[str]


def stub_data(answer: StubAnswer) -> dict[str, Any]:
    """A stub as a conversation test writes it (only what differs from the defaults)."""
    data: dict[str, Any] = {}
    if answer.status != 200:
        data["status"] = answer.status
    if answer.body is not None:
        data["body"] = answer.body
    elif answer.json is not None:
        data["json"] = answer.json
    if answer.delay:
        data["delay"] = answer.delay
    if answer.timeout is not None:
        data["timeout"] = answer.timeout
    return data


def stub_of(data: Mapping[str, Any]) -> StubAnswer:
    return StubAnswer(
        status=int(data.get("status", 200)),
        json=data.get("json", {} if "body" not in data else None),
        body=data.get("body"),
        delay=float(data.get("delay", 0.0)),
        timeout=data.get("timeout"),
    )


@dataclass
class Record:
    """What any worker needs to rebuild a test call: the request and the caller's inputs."""

    id: str
    tenant_id: str
    flow: str
    version: int | None
    channel: str
    calling: str
    access_code: str
    stand_in: bool  # the access code exists only in the test call
    at: str  # ISO time the call's clock stands at
    stubs: dict[str, dict[str, Any]]
    inputs: list[dict[str, str]] = field(default_factory=list)
    expects: list[dict[str, Any]] = field(default_factory=list)  # one per exchange
    ended: bool = False

    def dump(self) -> bytes:
        return json.dumps(asdict(self)).encode()

    @classmethod
    def load(cls, raw: bytes) -> Record:
        return cls(**json.loads(raw))

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.at)

    @property
    def answers(self) -> dict[str, StubAnswer]:
        return {name: stub_of(data) for name, data in self.stubs.items()}


def _input_of(data: Mapping[str, str]) -> CallerInput:
    return CallerInput(InputKind(data["kind"]), data.get("value", ""))


# -- turning responses into turns and test expectations -------------------------------------


def _flat(variables: Mapping[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for namespace, values in variables.items():
        if isinstance(values, dict):
            flat.update({f"{namespace}.{k}": v for k, v in values.items()})
    return flat


def _node(flows: Mapping[str, Flow], code: str | None, node_id: str) -> Any:
    flow = flows.get(code or "")
    found = flow.node(node_id) if flow is not None else None
    if found is not None:
        return found
    return next((n for f in flows.values() if (n := f.node(node_id)) is not None), None)


async def _turn(
    simulator: Simulator,
    flows: Mapping[str, Flow],
    stubbed: frozenset[str],
    response: Mapping[str, Any],
    seen: Observed,
    given: str | None,
) -> Turn:
    debug = seen.debug or {}
    variables = _flat(debug.get("variables") or {})
    flow_code = debug.get("flow")
    notes = []
    for node_id in seen.path:
        node = _node(flows, flow_code, node_id)
        if node is not None and node.kind == NodeKind.INVOKE:
            name = str(node.params.get("interface", ""))
            if name not in stubbed:
                notes.append(
                    f"interface {name!r} has no stub: it answered 503 (give one in 'stubs', "
                    "or in a conversation test of the bot)"
                )
    intent = None
    recognition = debug.get("recognition")
    if isinstance(recognition, dict):
        ranking: list[tuple[str, float]] = []
        recognizer = next(
            (
                n
                for i in reversed(seen.path)
                if (n := _node(flows, flow_code, i)) is not None and n.kind == NodeKind.RECOGNIZE
            ),
            None,
        )
        if recognition.get("source") == "intent" and recognizer is not None:
            source = str(recognizer.params.get("input", "IVRREQUEST.input"))
            threshold = recognizer.params.get("threshold")
            ranking = await simulator.ranking(
                str(flow_code),
                int(str(debug.get("version") or 0)),
                str(recognizer.params.get("domain")),
                str(variables.get(source) or ""),
                float(threshold) if threshold is not None else None,
            )
        intent = {
            "code": recognition.get("intent"),
            "score": recognition.get("score"),
            "ranking": [{"code": c, "score": round(s, 4)} for c, s in ranking],
        }
    params = response.get("outparams")
    outaction = response.get("outaction")
    return Turn(
        action=seen.action,
        text=seen.text,
        mode=seen.mode,
        outaction=int(str(outaction)) if str(outaction).isdigit() else 0,
        outparams=dict(params) if isinstance(params, dict) else {},
        path=seen.path,
        node=str(debug["node"]) if debug.get("node") else None,
        variables=variables,
        intent=intent,
        input=given,
        notes=notes,
    )


def expectation(seen: Sequence[Observed]) -> dict[str, Any]:
    """What a conversation test expects of a turn that went as ``seen`` did."""
    last = seen[-1]
    expect: dict[str, Any] = {"action": last.action}
    heard = " ".join(o.text for o in seen if o.action in ("prompt", "error") and o.text)
    if heard:
        expect["text"] = heard
    prompts = [o for o in seen if o.action == "prompt"]
    if prompts:
        expect["mode"] = prompts[-1].mode
    transfers = [o for o in seen if o.action == "transfer"]
    if transfers:
        expect["route"] = transfers[-1].route
        expect["trans_type"] = transfers[-1].trans_type
    releases = [o for o in seen if o.action == "release"]
    if releases:
        expect["reason"] = releases[0].reason
    intents = [o.intent for o in seen if o.intent is not None]
    if intents:
        expect["intent"] = intents[-1]
    path = [n for o in seen for n in o.path]
    waits = (last.debug or {}).get("node")
    node = str(waits) if waits else path[-1] if path else None
    if node:
        expect["node"] = node
    debugged = [o.debug for o in seen if o.debug is not None]
    values = debugged[-1].get("variables", {}) if debugged else {}
    flow_values = values.get("FLOW") if isinstance(values, dict) else None
    if isinstance(flow_values, dict):
        kept = {f"FLOW.{k}": v for k, v in flow_values.items() if v is not None}
        if kept:
            expect["variables"] = kept
    return expect


def test_text(record: Record, name: str) -> str:
    """The conversation so far as one test of the bot-folder format."""
    document: dict[str, Any] = {"name": name}
    if not record.stand_in:
        document["access_code"] = record.access_code
    if record.calling != DEFAULT_CALLING:
        document["calling"] = record.calling
    document["at"] = record.at
    if record.stubs:
        document["interfaces"] = {k: v or {"json": {}} for k, v in record.stubs.items()}
    turns: list[dict[str, Any]] = []
    for index, expect in enumerate(record.expects):
        turn: dict[str, Any] = {}
        if index > 0:
            turn["send"] = str(_input_of(record.inputs[index - 1]))
        turn["expect"] = expect
        turns.append(turn)
    document["turns"] = turns
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
    if record.stand_in:
        note = (
            f"# Flow {record.flow!r} has no {record.channel} access code: this test runs on the "
            "bot's first access code.\n"
        )
        text = note + text
    return text


# -- one live test call in this worker ------------------------------------------------------


class _Recorder:
    """The endpoint, keeping each raw response for the turn's outaction and outparams."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.responses: list[dict[str, Any]] = []

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        response = await self.endpoint.send(body)
        self.responses.append(response)
        return response


@dataclass
class _Live:
    record: Record
    simulator: Simulator
    call: Call
    recorder: _Recorder
    flows: dict[str, Flow]
    stubbed: frozenset[str]
    used: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def exchange(self, given: CallerInput | None) -> tuple[list[Turn], dict[str, Any]]:
        self.recorder.responses.clear()
        seen = await self.call.start() if given is None else await self.call.send(given)
        responses = self.recorder.responses[-len(seen) :]
        shown = None if given is None else str(given)
        turns = []
        for index, (response, observed) in enumerate(zip(responses, seen, strict=True)):
            turns.append(
                await _turn(
                    self.simulator,
                    self.flows,
                    self.stubbed,
                    response,
                    observed,
                    shown if index == 0 else None,
                )
            )
        return turns, expectation(seen)


# -- the test calls of this worker ----------------------------------------------------------


async def bot_for(storage: Storage, tenant_id: str, code: str, version: int | None) -> Bot:
    async with storage.reader() as repos:
        if await repos.bots.get_flow(tenant_id, code) is None:
            raise OiapError(Err.NOT_FOUND, f"No flow '{code}'.")
        bot = await tenant_bot(repos, tenant_id)
        if version is None:
            return bot
        stored = await repos.bots.get_version(tenant_id, code, version)
    if stored is None:
        raise OiapError(Err.NOT_FOUND, f"Flow '{code}' has no version {version}.")
    flow = flow_from_data(json.loads(stored.definition))
    return replace(bot, flows=tuple(flow if f.code == code else f for f in bot.flows))


async def tenant_stubs(storage: Storage, tenant_id: str) -> dict[str, StubAnswer]:
    """The first answer each interface has in the tenant's conversation tests; the first
    successful one when there is one (tests of failures come with the good paths' tests)."""
    async with storage.reader() as repos:
        files = await repos.conversation_tests.list_files(tenant_id)
    answers: dict[str, StubAnswer] = {}
    for test in tests_of(files)[0]:
        for name, answer in test.interfaces.items():
            kept = answers.get(name)
            if kept is None or (not 200 <= kept.status < 300 and 200 <= answer.status < 300):
                answers[name] = answer
    return answers


def _access_code(bot: Bot, flow: str, channel: str) -> tuple[Bot, str, bool]:
    """The bot's access code of ``channel`` that starts ``flow``, else a stand-in added to it."""
    kinds = CHAT_TYPES if channel == "chat" else VOICE_TYPES
    for access in sorted(bot.access_codes, key=lambda a: a.access_code):
        if access.flow_code == flow and access.dialog_type in kinds:
            return bot, access.access_code, False
    code = STAND_IN_CODES[channel]
    stand_in = AccessCode(code, kinds[0], flow, robot_name="Test call")
    others = tuple(a for a in bot.access_codes if a.access_code != code)
    return replace(bot, access_codes=(*others, stand_in)), code, True


class TestCalls:
    """The live test calls of one worker; their records in the (shared) session store."""

    __test__ = False

    def __init__(
        self,
        sessions: SessionStore,
        open_simulator: OpenSimulator,
        *,
        idle_seconds: float = IDLE_SECONDS,
        per_tenant: int = PER_TENANT,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.sessions = sessions
        self.open_simulator = open_simulator
        self.idle_seconds = idle_seconds
        self.per_tenant = per_tenant
        self.clock = clock
        self.now = now
        self.live: dict[str, _Live] = {}
        self.starting: dict[str, int] = {}

    async def _sweep(self) -> None:
        limit = self.clock() - self.idle_seconds
        for key in [k for k, live in self.live.items() if live.used < limit]:
            await self._drop(key)

    async def _drop(self, call_id: str) -> None:
        live = self.live.pop(call_id, None)
        if live is not None:
            await live.simulator.close()

    async def _keep(self, record: Record) -> None:
        await self.sessions.set(KEY + record.id, record.dump(), self.idle_seconds)

    async def _open(
        self, storage: Storage, record: Record, use_stubs: frozenset[str] | None = None
    ) -> _Live:
        bot = await bot_for(storage, record.tenant_id, record.flow, record.version)
        if record.stand_in:
            bot = _access_code(bot, record.flow, record.channel)[0]
        simulator = await self.open_simulator(bot)
        simulator.prepare(record.moment, record.answers)
        recorder = _Recorder(simulator.endpoint)
        return _Live(
            record=record,
            simulator=simulator,
            call=Call(recorder, record.access_code, record.calling),
            recorder=recorder,
            flows={f.code: f for f in bot.flows},
            stubbed=frozenset(record.stubs),
            used=self.clock(),
        )

    def _count(self, tenant_id: str) -> int:
        live = sum(1 for c in self.live.values() if c.record.tenant_id == tenant_id)
        return live + self.starting.get(tenant_id, 0)

    async def start(self, storage: Storage, spec: TestCallSpec) -> tuple[str, list[Turn]]:
        await self._sweep()
        if self._count(spec.tenant_id) >= self.per_tenant:
            raise OiapError(
                Err.PARAMETER,
                f"This tenant has {self.per_tenant} live test calls, the most it may have; "
                "end one (DELETE /oiap/v1/test-calls/{id}) or let one expire.",
            )
        self.starting[spec.tenant_id] = self.starting.get(spec.tenant_id, 0) + 1
        try:
            bot = await bot_for(storage, spec.tenant_id, spec.flow, spec.version)
            unknown = sorted(set(spec.stubs) - {i.name for i in bot.interfaces})
            if unknown:
                raise OiapError(Err.PARAMETER, f"'stubs': the bot has no interface {unknown[0]!r}.")
            answers = await tenant_stubs(storage, spec.tenant_id) if spec.use_test_stubs else {}
            answers = {k: v for k, v in answers.items() if k in {i.name for i in bot.interfaces}}
            answers.update(spec.stubs)
            _, code, stand_in = _access_code(bot, spec.flow, spec.channel)
            now = self.now() if self.now is not None else datetime.now().astimezone()
            record = Record(
                id=secrets.token_urlsafe(12),
                tenant_id=spec.tenant_id,
                flow=spec.flow,
                version=spec.version,
                channel=spec.channel,
                calling=spec.calling,
                access_code=code,
                stand_in=stand_in,
                at=now.replace(microsecond=0).isoformat(),
                stubs={k: stub_data(v) for k, v in sorted(answers.items())},
            )
            live = await self._open(storage, record)
        finally:
            self.starting[spec.tenant_id] -= 1
        try:
            turns, expect = await live.exchange(None)
        except BaseException:
            await live.simulator.close()
            raise
        record.expects.append(expect)
        record.ended = live.call.ended
        if record.ended:
            await live.simulator.close()
        else:
            self.live[record.id] = live
        await self._keep(record)
        return record.id, turns

    async def _record(self, tenant_id: str, call_id: str) -> Record:
        raw = await self.sessions.get(KEY + call_id)
        record = Record.load(raw) if raw is not None else None
        if record is None or record.tenant_id != tenant_id:
            await self._drop(call_id)
            raise OiapError(Err.NOT_FOUND, f"No test call '{call_id}' (ended, or idle 30 min).")
        return record

    async def _resume(self, storage: Storage, record: Record) -> _Live:
        """This worker's live copy of the call, replaying its inputs when it has none (or an
        older one: another worker took inputs since)."""
        live = self.live.get(record.id)
        if live is not None and len(live.record.expects) == len(record.expects):
            live.record = record
            return live
        await self._drop(record.id)
        mine = [k for k, c in self.live.items() if c.record.tenant_id == record.tenant_id]
        if len(mine) >= self.per_tenant:  # make room; the one dropped can be rebuilt too
            oldest = min(mine, key=lambda k: self.live[k].used)
            await self._drop(oldest)
        live = await self._open(storage, record)
        try:
            await live.call.start()
            for given in record.inputs:
                await live.call.send(_input_of(given))
        except (CallerError, OiapError) as exc:
            await live.simulator.close()
            raise OiapError(
                Err.DIALOG_ORDER,
                f"The test call could not be replayed on this worker (the bot changed?): {exc}",
            ) from exc
        self.live[record.id] = live
        return live

    async def send(
        self, storage: Storage, tenant_id: str, call_id: str, given: CallerInput
    ) -> list[Turn]:
        await self._sweep()
        record = await self._record(tenant_id, call_id)
        if record.ended:
            raise OiapError(Err.DIALOG_ORDER, "The test call has ended; start another.")
        live = await self._resume(storage, record)
        async with live.lock:
            try:
                turns, expect = await live.exchange(given)
            except CallerError as exc:
                raise OiapError(Err.DIALOG_ORDER, str(exc)) from exc
            live.used = self.clock()
            record.inputs.append({"kind": given.kind.value, "value": given.value})
            record.expects.append(expect)
            record.ended = live.call.ended
            await self._keep(record)
        if record.ended:  # only saving is left to do, and that needs the record alone
            await self._drop(call_id)
        return turns

    async def end(self, tenant_id: str, call_id: str) -> None:
        await self._record(tenant_id, call_id)
        await self.sessions.delete(KEY + call_id)
        await self._drop(call_id)

    async def conversation(self, tenant_id: str, call_id: str) -> Record:
        return await self._record(tenant_id, call_id)

    async def close(self) -> None:
        for key in list(self.live):
            await self._drop(key)


# -- the tenant's conversation tests, run as `oiap bot test` runs a folder's -----------------


@dataclass(frozen=True)
class TestOutcome:
    __test__ = False

    file: str
    name: str
    passed: bool
    failures: list[str]


async def run_stored_tests(
    storage: Storage,
    open_simulator: OpenSimulator,
    tenant_id: str,
    *,
    files: Sequence[str] | None = None,
    flow: str | None = None,
    version: int | None = None,
) -> list[TestOutcome]:
    """Run the tenant's conversation tests (all, or those of ``files``) against its bot: the
    drafts, or ``flow`` at ``version``. A file that does not read as tests fails as a whole."""
    async with storage.reader() as repos:
        stored = await repos.conversation_tests.list_files(tenant_id)
        codes = [s.flow.code for s in await repos.bots.list_flows(tenant_id)]
        if version is None:
            bot = await tenant_bot(repos, tenant_id)
    if files is not None:
        missing = sorted(set(files) - {f.file for f in stored})
        if missing:
            raise OiapError(Err.NOT_FOUND, f"No conversation test file '{missing[0]}'.")
        stored = [f for f in stored if f.file in set(files)]
    if version is not None:
        if flow is None and len(codes) != 1:
            raise OiapError(Err.PARAMETER, "'flow' names the flow whose version to run.")
        bot = await bot_for(storage, tenant_id, flow or codes[0], version)
    tests, problems = tests_of(stored)
    outcomes = [TestOutcome(p.file, "", False, [str(p)]) for p in problems]
    if not tests:
        return outcomes
    simulator = await open_simulator(bot)
    try:
        for test in tests:
            result = await run_test(test, simulator)
            failures = [line.strip() for line in result.report()[1:]]
            outcomes.append(TestOutcome(test.file, test.name, result.passed, failures))
    finally:
        await simulator.close()
    return outcomes
