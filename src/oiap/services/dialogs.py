"""``process_turn``: one request of the access party, from the stored dialog to the response.

Per turn: the lock and the read of the dialog in the session store (one Redis round trip),
the engine step against a cached compiled release, the write back with the lock's release
(one more), and a turn record appended to a buffer that is
written to the database in batches. The lock is per ``userid`` and lives in the session store,
so with Redis two workers never interleave one dialog.

A turn never outlives its lock: it has a total budget (``turn_budget``) that bounds its
business-interface calls, its holder renews the lock's short lease while it runs, and the
write is refused if the lock was lost all the same. A request for the same dialog that comes
meanwhile (an IVR's retry, a hang-up) waits up to the budget plus one lease for the lock: a
retry then replays the stored answer, a hang-up applies to the state the turn wrote.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from oiap.domain.bots import DialogType
from oiap.domain.flow_versions import VersionRouting, select_version
from oiap.domain.flows import NodeKind, Scenario
from oiap.engine.actions import Action, Prompt, Release, Transfer
from oiap.engine.release import FlowRelease, InterfaceAnswer, InterfaceCall
from oiap.engine.runtime import DialogError, Event, EventKind, Recognition, TurnResult, step
from oiap.engine.state import DialogState
from oiap.errors import Err, OiapError
from oiap.services import nlu_timing, telemetry
from oiap.services.bot_ports import StoredAccessCode
from oiap.services.config_versions import ConfigVersions
from oiap.services.dialog_ports import TurnRecord
from oiap.services.ports import LockLost, LockTimeout, SessionStore, Storage
from oiap.services.releases import ReleaseCache, current_faq, with_faq
from oiap.services.turn_facts import exits, interface_fact, interface_nodes
from oiap.services.turn_records import TurnRecorder

log = logging.getLogger("oiap.dialogs")

SPECIAL_INPUTS = {
    "playover": EventKind.PLAYOVER,
    "timeout": EventKind.TIMEOUT,
    "nomatch": EventKind.NOMATCH,
    "sys_err": EventKind.SYSTEM_ERROR,
    "hangup": EventKind.HANGUP,
    "recordend": EventKind.RECORD_END,
}
ROUTING_TTL = 1.0  # seconds before a copy is renewed in the background (see _Renewed)
FAQ_TTL = 30.0  # the same for the tenant's Q&A, whose renewal rebuilds its indexes
TURN_BUDGET = 20.0  # defaults of settings.turn_budget and settings.dialog_lock_lease
LOCK_LEASE = 5.0
INTERFACE_GRACE = 0.25
"""Seconds past its clamped timeout that an interface call may take before the turn gives
up on it: the caller honours the timeout itself; this only bounds one that does not."""
REQUEST_FIELDS_FROM_EXTPARAMS = ("transin_data", "ieValue", "release_reason")
TENANT_EXTPARAM = "tenantId"  # picks the tenant of an access code bound in several
_ASR_KEY = re.compile(r"^\S{1,512}$")


class Transcripts(Protocol):
    """Where an IVR leaves ASR results (spec §7.7): its Redis, read by key."""

    async def transcript(self, key: str) -> str | None:
        """The transcript under ``key``, None when there is none; StoreUnavailable when
        the store cannot be read."""
        ...

    async def close(self) -> None: ...


class InterfaceCaller(Protocol):
    async def call(self, call: InterfaceCall) -> InterfaceAnswer: ...

    async def close(self) -> None: ...


@dataclass(frozen=True)
class TurnRequest:
    """A ``crs/process`` request with every field already checked and turned into text."""

    userid: str
    inaction: int
    inparams: Mapping[str, str]
    extparams: Mapping[str, str] = field(default_factory=dict)
    literal: bool = False
    """The input is what a chat user typed: "hangup" or "timeout" are words, not events (the
    OIAP wire reserves them; a chat front end has its own way to end or time out)."""

    @property
    def input(self) -> str | None:
        return self.inparams.get("input")

    @property
    def fingerprint(self) -> list[Any]:
        p = self.inparams
        return [
            self.inaction,
            p.get("inter_idx"),
            p.get("input"),
            p.get("flow_result_type"),
            p.get("trans_result"),
        ]


@dataclass(frozen=True)
class TurnOutcome:
    """What the wire layer renders: the action and the dialog it belongs to."""

    action: Action
    state: DialogState
    called: str  # call_dst_id of this request
    path: tuple[str, ...] = ()  # the nodes this turn ran through
    recognition: Recognition | None = None


Renderer = Callable[[TurnOutcome], dict[str, Any]]


class _Renewed:
    """Per-worker copies of bindings, routing and Q&A, keyed by the tenant's configuration
    stamp (services/config_versions.py): a change made through the platform changes the
    stamp, so the next new call reads afresh and never gets a stale copy. An entry is also
    renewed in the background once ``ttl`` seconds old (while it still answers, so no turn
    waits on the database): that only catches up with changes written to the database
    around the platform."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[float, Any]] = {}
        self._reading: dict[Any, asyncio.Task[Any]] = {}

    async def get(self, key: Any, read: Callable[[], Awaitable[Any]]) -> Any:
        hit = self._items.get(key)
        if hit is None:
            return await self._read(key, read)  # first use: every caller waits for one read
        if hit[0] < time.monotonic() and key not in self._reading:
            self._reading[key] = asyncio.create_task(self._renew(key, read))
        return hit[1]

    async def _read(self, key: Any, read: Callable[[], Awaitable[Any]]) -> Any:
        task = self._reading.get(key)
        if task is None:
            task = self._reading[key] = asyncio.create_task(self._renew(key, read))
        # Shielded: a caller that gives up must not cancel the read the others wait for.
        return await asyncio.shield(task)

    async def _renew(self, key: Any, read: Callable[[], Awaitable[Any]]) -> Any:
        try:
            value = await read()
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.ttl, value)
            return value
        except Exception:
            if key not in self._items:
                raise  # nothing to fall back on: the waiting turn answers the error
            log.exception("could not renew %s", key)  # the stale copy keeps calls going
            return self._items[key][1]
        finally:
            self._reading.pop(key, None)


class DialogService:
    def __init__(
        self,
        storage: Storage,
        sessions: SessionStore,
        caller: InterfaceCaller,
        *,
        dialog_ttl: float,
        time_zone: str = "UTC",
        releases: ReleaseCache | None = None,
        recorder: TurnRecorder | None = None,
        clock: Callable[[], datetime] | None = None,
        turn_budget: float = TURN_BUDGET,
        lock_lease: float = LOCK_LEASE,
        transcripts: Transcripts | None = None,
        config_versions: ConfigVersions | None = None,
    ) -> None:
        self.storage = storage
        self.sessions = sessions
        self.caller = caller
        self.dialog_ttl = dialog_ttl
        self.zone = ZoneInfo(time_zone)
        self.releases = releases or ReleaseCache()
        self.recorder = recorder or TurnRecorder(storage)
        self._clock = clock
        self.turn_budget = turn_budget
        # A request waits for a turn in progress to end: at most its budget, plus one lease
        # for a lock whose holder died without letting go.
        self.lock_wait = turn_budget + lock_lease
        self._bindings = _Renewed(ROUTING_TTL)
        self._routing = _Renewed(ROUTING_TTL)
        self._exception_flows = _Renewed(ROUTING_TTL)
        self.transcripts = transcripts
        # The tenants' configuration stamps; shared with the storage that changes them.
        self.config = config_versions or ConfigVersions(sessions)
        self._faqs = _Renewed(FAQ_TTL)
        # (tenant, flow, version) -> (release, Q&A, the release answering from that Q&A)
        self._answering: dict[tuple[str, str, int], tuple[FlowRelease, Any, FlowRelease]] = {}

    async def close(self) -> None:
        await self.recorder.close()
        await self.caller.close()
        if self.transcripts is not None:
            await self.transcripts.close()

    def now(self) -> datetime:
        """The time flows see; ``clock`` replaces the wall clock in conversation tests."""
        return self._clock() if self._clock is not None else datetime.now(self.zone)

    # -- the turn ------------------------------------------------------------------------

    async def process_for_system(
        self, request: TurnRequest, render: Renderer, *, debug: bool = False
    ) -> dict[str, Any]:
        """A turn sent with a system account's token (the AICC/CEC, spec §3.2).

        ``inaction`` 8 finds the tenant from the access code's binding; the dialog is then
        that tenant's, exactly as if the tenant had started it, and an index (userid ->
        tenant, living as long as the dialog) lets the continuing turns find it.
        """
        index = f"dialog-tenant:{request.userid}"
        if request.inaction == 8:
            wanted = request.extparams.get(TENANT_EXTPARAM) or None
            tenant_id = await self._code_tenant(request.inparams["call_dst_id"], wanted)
        else:
            raw = await self.sessions.get(index)
            if raw is None:
                raise OiapError(Err.NOT_FOUND, f"No live dialog for userid '{request.userid}'.")
            tenant_id = raw.decode()
        response = await self.process(tenant_id, request, render, debug=debug)
        await self.sessions.set(index, tenant_id.encode(), self.dialog_ttl)
        return response

    async def _code_tenant(self, access_code: str, wanted: str | None) -> str:
        # Read at every start, not cached: configuration stamps are per tenant, and no
        # tenant's stamp tells that another tenant has just bound (or unbound) the code.
        async with self.storage.reader() as repos:
            tenants = await repos.bots.list_access_code_tenants(access_code)
        if wanted is not None:
            if wanted not in tenants:
                raise OiapError(
                    Err.NOT_FOUND, f"Access code '{access_code}' is not bound in tenant '{wanted}'."
                )
            return wanted
        if not tenants:
            raise OiapError(Err.NOT_FOUND, f"Access code '{access_code}' is not bound to a flow.")
        if len(tenants) > 1:
            raise OiapError(
                Err.PARAMETER,
                f"Access code '{access_code}' is bound in {len(tenants)} tenants "
                f"({', '.join(tenants)}); name one in 'extparams.{TENANT_EXTPARAM}'.",
            )
        return tenants[0]

    async def process(
        self, tenant_id: str, request: TurnRequest, render: Renderer, *, debug: bool = False
    ) -> dict[str, Any]:
        """Run one turn; with ``debug`` the response also carries ``debug_view`` (never
        stored, so a replayed response is the same with or without it)."""
        began = time.perf_counter()
        telemetry.note_tenant(tenant_id)
        telemetry.note_caller_input(request.input)
        key = f"dialog:{tenant_id}:{request.userid}"
        try:
            async with self.sessions.hold(key, self.lock_wait) as held:
                raw = held.value
                state = DialogState.from_json(raw) if raw is not None else None
                last = state.last if state is not None else None
                if (
                    last is not None
                    and request.inparams.get("inter_idx") is not None
                    and last["key"] == request.fingerprint
                ):
                    replayed: dict[str, Any] = last["response"]
                    if debug and state is not None:
                        return {**replayed, "debug": debug_view(state, replayed=True)}
                    return replayed  # a retry: same answer, the flow does not move again
                was_ended = state is not None and state.ended
                entry_node = state.node if state is not None else None
                transfers_before = state.trans_idx if state is not None else 0
                if request.inaction == 8:
                    state = await self._new_dialog(tenant_id, request)
                    was_ended, entry_node, transfers_before = False, None, 0
                    event = Event(EventKind.START, request=self._request_fields(request))
                elif state is None:
                    raise OiapError(Err.NOT_FOUND, f"No live dialog for userid '{request.userid}'.")
                else:
                    event = await self._heard(state, request, self._event(state, request))
                ports = _Ports(self, state, time.monotonic() + self.turn_budget)
                try:
                    result = await step(state, event, ports)
                except DialogError as exc:
                    raise OiapError(Err.NOT_FOUND, str(exc)) from exc
                called = request.inparams.get("call_dst_id", state.access_code)
                outcome = TurnOutcome(result.action, state, called, result.path, result.recognition)
                response = render(outcome)
                state.last = {"key": request.fingerprint, "response": response}
                held.keep(state.to_json(), self.dialog_ttl)
        except LockTimeout as exc:
            raise OiapError(Err.DIALOG_BUSY) from exc
        except LockLost as exc:
            # Its lease ran out (the session store was unreachable for longer than a lease):
            # another request may have moved the dialog on, so this turn's state is dropped.
            raise OiapError(
                Err.DIALOG_BUSY, "The turn lost its dialog lock and was not saved; retry."
            ) from exc
        self._record(
            request, state, result, began, event, ports, entry_node, was_ended, transfers_before
        )
        if request.inaction == 8:
            telemetry.dialog_started()
        if state.ended and not was_ended:
            telemetry.dialog_ended(state.started_at)
        if debug:
            return {**response, "debug": debug_view(state, result.path, result.recognition)}
        return response

    def _record(
        self,
        request: TurnRequest,
        state: DialogState,
        result: TurnResult,
        began: float,
        event: Event,
        ports: _Ports,
        entry_node: str | None,
        was_ended: bool,
        transfers_before: int,
    ) -> None:
        action = result.action
        recognition = result.recognition
        outaction = _outaction(action)
        seconds = time.perf_counter() - began
        telemetry.meters.turn_seconds[outaction].observe(seconds)
        releases = ports.releases_seen()
        hangup = event.kind is EventKind.HANGUP
        ended = state.ended and not was_ended
        outcome: str | None = None
        if isinstance(action, Transfer) and transfers_before == 0:
            outcome = "transferred"
        elif ended and state.trans_idx == 0:
            outcome = "abandoned" if hangup else "contained"
        names = [name for name, *_ in ports.calls]
        nodes = interface_nodes(releases, result.path, names) if names else []
        self.recorder.add(
            TurnRecord(
                tenant_id=state.tenant_id,
                call_id=state.userid,
                calling=state.calling,
                access_code=state.access_code,
                at=datetime.now(UTC),
                inter_idx=state.inter_idx,
                inaction=request.inaction,
                input=(event.request.get("input", request.input) or "")[:1024],
                intent=recognition.intent if recognition else None,
                score=recognition.score if recognition else None,
                source=recognition.source if recognition else None,
                reply=action.text if isinstance(action, Prompt) else "",
                outaction=outaction,
                flow_code=state.flow,
                flow_version=state.versions.get(state.flow, 0),
                node=result.path[-1] if result.path else None,
                latency_ms=seconds * 1000.0,
                entry_node=entry_node,
                path=result.path,
                exits=exits(
                    releases,
                    entry_node,
                    result.path,
                    result.faults,
                    recognition.intent if recognition else None,
                ),
                faults=result.faults,
                interfaces=tuple(
                    interface_fact(name, node, answer, ms, timed_out)
                    for (name, answer, ms, timed_out), node in zip(ports.calls, nodes, strict=True)
                ),
                transfer_type=action.trans_type if isinstance(action, Transfer) else None,
                release_reason=action.reason if isinstance(action, Release) else None,
                hangup=hangup,
                call_outcome=outcome,
                ended=ended,
            )
        )

    # -- starting and continuing ---------------------------------------------------------

    async def _binding(self, tenant_id: str, access_code: str) -> StoredAccessCode | None:
        """The binding a new call starts on. The call reads the tenant's configuration stamp
        first, so it runs with every change committed before it, on whichever worker."""

        async def read() -> StoredAccessCode | None:
            async with self.storage.reader() as repos:
                matches = await repos.bots.list_access_codes(tenant_id, access_code=access_code)
            return matches[0] if matches else None

        stamp = await self.config.check(tenant_id)
        found: StoredAccessCode | None = await self._bindings.get(
            (tenant_id, stamp, access_code), read
        )
        return found

    async def _new_dialog(self, tenant_id: str, request: TurnRequest) -> DialogState:
        p = request.inparams
        access_code = p["call_dst_id"]
        binding = await self._binding(tenant_id, access_code)
        if binding is None:
            raise OiapError(Err.NOT_FOUND, f"Access code '{access_code}' is not bound to a flow.")
        now = self.now()
        state = DialogState(
            tenant_id=tenant_id,
            userid=request.userid,
            access_code=access_code,
            dialog_type=int(binding.binding.dialog_type),
            calling=p.get("call_sor_id", ""),
            language="",  # set from the first flow's release as the flow starts
            started_at=now.isoformat(),
            flow=binding.binding.flow_code,
        )
        state.system = {
            "callingNumber": state.calling,
            "calledNumber": access_code,
            "realCalledNumber": p.get("real_callee", ""),
            "callId": request.userid,
            "cti_callid": p.get("cti_callid", ""),
            "tenantId": tenant_id,
            "callMediaType": p.get("call_media_type", p.get("mediaType", "")),
            "createTime": now.strftime("%Y%m%d%H%M%S"),
            "entrance_id": p.get("entrance_id", ""),
            "suilu_region_id": p.get("suilu_region_id", ""),
        }
        return state

    def _request_fields(self, request: TurnRequest) -> dict[str, str]:
        fields = {k: v for k, v in request.inparams.items() if k != "auth_token"}
        for name in REQUEST_FIELDS_FROM_EXTPARAMS:
            if name in request.extparams:
                fields[name] = request.extparams[name]
        return fields

    def _event(self, state: DialogState, request: TurnRequest) -> Event:
        """The engine event a continuing request stands for, once it is known to fit."""
        fields = self._request_fields(request)
        text = request.input
        hangup = text == "hangup" and request.inaction in (9, 11) and not request.literal
        if state.ended and not hangup:
            raise OiapError(
                Err.DIALOG_ORDER, f"The dialog '{state.userid}' has ended (outaction 10)."
            )
        if hangup:
            return Event(EventKind.HANGUP, request=fields)
        echoed = request.inparams.get("inter_idx")
        if echoed and echoed != str(state.inter_idx):
            # A late or duplicated request about an earlier interaction: applying it would
            # answer a prompt the caller never heard.
            raise OiapError(
                Err.DIALOG_ORDER,
                f"'inter_idx' {echoed} is not the last one returned ({state.inter_idx}).",
            )
        follows = {9: (9, 12), 11: (11,), 12: (12,)}.get(request.inaction, ())
        if state.waiting not in follows:
            raise OiapError(
                Err.DIALOG_ORDER,
                f"'inaction' {request.inaction} does not follow outaction {state.waiting}.",
            )
        if state.waiting == 12:
            return Event(EventKind.QUERY_RESULT, request=fields, extra=dict(request.extparams))
        if request.inaction == 11:
            done = request.inparams.get("trans_result") == "0"
            kind = EventKind.TRANSFER_DONE if done else EventKind.TRANSFER_FAILED
            return Event(kind, request=fields)
        value = text or ""
        if value in SPECIAL_INPUTS and not request.literal:
            return Event(SPECIAL_INPUTS[value], value, request=fields)
        if request.inparams.get("flow_result_type") == "2":
            return Event(EventKind.DIGITS, value, request=fields)
        if request.inparams.get("flow_result_type") == "3" and not value:
            return Event(EventKind.PLAYOVER, request=fields)
        return Event(EventKind.TEXT, value, request=fields)

    async def _heard(self, state: DialogState, request: TurnRequest, event: Event) -> Event:
        """An ASR result sent by reference (``<redis key>@<inter_no>``, spec §7.7) becomes
        the transcript read under that key, or ``nomatch`` when there is none. Anything else
        stays as it is, so text that merely contains ``@`` is still text."""
        if event.kind is not EventKind.TEXT or self.transcripts is None:
            return event
        key = asr_key(
            event.value,
            result_type=request.inparams.get("flow_result_type"),
            inter_no=request.inparams.get("inter_no"),
            inter_idx=state.inter_idx,
            typed=state.dialog_type == DialogType.CHATBOT,
        )
        if key is None:
            return event
        text = await self.transcripts.transcript(key)
        fields = {**event.request, "input": text or ""}
        if text is None:
            return Event(EventKind.NOMATCH, "nomatch", request=fields)
        return Event(EventKind.TEXT, text, request=fields)

    # -- what the engine asks of the outside world ---------------------------------------

    async def routed_version(self, tenant_id: str, code: str, calling: str) -> int | None:
        async def read() -> list[VersionRouting]:
            async with self.storage.reader() as repos:
                return [v.routing for v in await repos.bots.list_versions(tenant_id, code)]

        stamp = await self.config.stamp(tenant_id)
        routing: list[VersionRouting] = await self._routing.get((tenant_id, stamp, code), read)
        return select_version(routing, calling)

    async def release(self, tenant_id: str, code: str, version: int) -> FlowRelease | None:
        """The pinned version, answering questions from the tenant's current Q&A."""
        release = await self.releases.get(self.storage.reader, tenant_id, code, version)
        if release is None:
            return None
        key = (tenant_id, code, version)
        made = self._answering.get(key)
        if made is not None and made[0] is release and made[1] is None:
            return made[2]  # no Q&A node: nothing to read
        fresh = made is None or made[0] is not release
        if fresh and not any(n.kind == NodeKind.QA for n in release.flow.nodes):
            timed = nlu_timing.timed_release(release)  # NLU latency, for the operator
            self._answering[key] = (release, None, timed)
            return timed

        async def read() -> Any:
            async with self.storage.reader() as repos:
                return await current_faq(repos, tenant_id)

        stamp = await self.config.stamp(tenant_id)
        faq = await self._faqs.get((tenant_id, stamp), read)
        if made is None or made[0] is not release or made[1] is not faq:
            if len(self._answering) > 10_000:
                self._answering.clear()
            answering = nlu_timing.timed_release(with_faq(release, faq))
            made = self._answering[key] = (release, faq, answering)
        return made[2]

    async def exception_flow_code(self, tenant_id: str) -> str | None:
        async def read() -> str | None:
            async with self.storage.reader() as repos:
                for stored in await repos.bots.list_flows(tenant_id):
                    if stored.flow.scenario is Scenario.ERROR and stored.latest_version:
                        return stored.flow.code
            return None

        stamp = await self.config.stamp(tenant_id)
        code: str | None = await self._exception_flows.get((tenant_id, stamp), read)
        return code


class _Ports:
    """The engine's view of the outside world for one dialog."""

    def __init__(self, service: DialogService, state: DialogState, deadline: float) -> None:
        self.service = service
        self.state = state
        self.deadline = deadline  # time.monotonic() by which the turn's calls must be done
        self.releases: dict[str, FlowRelease] = {}  # what the turn ran on, for its record
        # (name, answer, ms, timed out) of each interface call, for the turn's record
        self.calls: list[tuple[str, InterfaceAnswer, float, bool]] = []

    def releases_seen(self) -> list[FlowRelease]:
        """The releases the turn ran on, the dialog's current flow first."""
        current = self.releases.get(self.state.flow)
        rest = [r for code, r in self.releases.items() if code != self.state.flow]
        return ([current] if current is not None else []) + rest

    async def flow(self, code: str, version: int | None) -> FlowRelease | None:
        s = self.service
        tenant = self.state.tenant_id
        if version is None:
            version = await s.routed_version(tenant, code, self.state.calling)
            if version is None:
                return None
        release = await s.release(tenant, code, version)
        if release is not None:
            self.releases[code] = release
        return release

    async def exception_flow(self) -> FlowRelease | None:
        code = await self.service.exception_flow_code(self.state.tenant_id)
        if code is None:
            return None
        return await self.flow(code, self.state.versions.get(code))

    async def call_interface(self, call: InterfaceCall) -> InterfaceAnswer:
        began = time.perf_counter()
        answer, timed_out = await self._call_interface(call)
        self.calls.append((call.name, answer, (time.perf_counter() - began) * 1000.0, timed_out))
        return answer

    async def _call_interface(self, call: InterfaceCall) -> tuple[InterfaceAnswer, bool]:
        """The answer, and whether it failed for want of time (the caller's own timeout,
        which it reports as "not done within", or the turn's budget)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return _budget_spent(call), True
        clamped = dataclasses.replace(call, timeout=min(call.timeout, left))
        try:
            async with asyncio.timeout(clamped.timeout + INTERFACE_GRACE):
                answer = await self.service.caller.call(clamped)
        except TimeoutError:
            return _budget_spent(call), True
        return answer, not answer.ok and answer.problem.startswith("not done within")

    def now(self) -> datetime:
        return self.service.now()


def debug_view(
    state: DialogState,
    path: tuple[str, ...] = (),
    recognition: Recognition | None = None,
    *,
    replayed: bool = False,
) -> dict[str, Any]:
    """Where a turn went and what the dialog holds after it, for bot authors (``oiap chat
    --debug``, ``oiap bot test``). Only the tenant that owns the dialog ever sees it."""
    return {
        "flow": state.flow,
        "version": state.versions.get(state.flow),
        "path": list(path),
        "node": state.node,
        "recognition": None
        if recognition is None
        else {
            "intent": recognition.intent,
            "score": round(recognition.score, 4),
            "source": recognition.source,
        },
        "variables": {
            **{name: dict(values) for name, values in state.variables.items()},
            "SYS": dict(state.system),
        },
        "counters": {
            "timeouts": state.timeouts,
            "nomatches": state.nomatches,
            "errors": state.errors,
            "menu_failures": state.menu_failures,
        },
        "replayed": replayed,
    }


def asr_key(
    value: str, *, result_type: str | None, inter_no: str | None, inter_idx: int, typed: bool
) -> str | None:
    """The Redis key of an ASR result sent as ``<key>@<inter_no>``, or None for text.

    A reference only with ``flow_result_type`` 1 on a voice access code (chat input is always
    typed text), when the part after the last ``@`` is the request's ``inter_no`` (or, when
    the IVR sends none, the ``inter_idx`` of the prompt being answered) and the key has no
    white space. So "mail me at a@b.com" or "tea @ 5" stay text.
    """
    if result_type != "1" or typed:
        return None
    key, at, number = value.rpartition("@")
    if not at or not _ASR_KEY.match(key):
        return None
    expected = inter_no if inter_no else str(inter_idx)
    return key if number == expected else None


def _budget_spent(call: InterfaceCall) -> InterfaceAnswer:
    telemetry.meters.interface_calls["timeout"].inc()
    log.warning("business interface %r given up: the turn's budget is spent", call.name)
    return InterfaceAnswer(None, "the turn's budget is spent")


def _outaction(action: Action) -> int:
    if isinstance(action, Prompt):
        return 9
    if isinstance(action, Release):
        return 10
    return 11 if isinstance(action, Transfer) else 12
