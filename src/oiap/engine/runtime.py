"""Stepping a dialog: from one event of the access party to the next thing it must do.

``step`` runs nodes of the dialog's flow until one needs the access party (a prompt, a
transfer, a queue query) or the dialog ends. It touches the outside world only through the
``DialogPorts`` it is handed, so it runs the same in the server, in ``oiap bot test`` and in
unit tests.

Failure handling follows spec §11.3: a caller's ``timeout`` or ``nomatch`` (or an Unknown
intent) counts towards ``timeout1/2``, ``nomatch1/2`` and ``error3``; a collecting reply with
no such branch hands the failure on to the recognition node it leads to, as flows are drawn
that way; an internal or interface failure takes ``SYSERROR_INNER`` / ``SYSERROR_INTERFACE``,
else the tenant's exception flow, else ends the call with release reason 1.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from oiap.domain.flows import DEFAULT_BRANCH, Node, NodeKind, ReplyMode, VariableType
from oiap.engine import expressions
from oiap.engine.actions import Action, Prompt, Query, Release, ReleaseReason, Transfer
from oiap.engine.release import DialogPorts, FlowRelease, InterfaceCall
from oiap.engine.state import DialogState
from oiap.engine.urls import UnsafeUrlTemplate, render_url
from oiap.engine.values import (
    as_text,
    coerce,
    initial_values,
    json_path,
    render,
    system_clock_values,
)
from oiap.nlu import toc_variables

MAX_NODES_PER_TURN = 200  # a flow that loops without asking anything ends, it does not spin
DEFAULT_TIMEOUT = 15  # seconds, spec §11.4
DEFAULT_MAX_DIGITS = 32
DEFAULT_MENU_FAILURES = 3
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGITS = re.compile(r"^[0-9*#]+$")
PROMPT_KINDS = frozenset({NodeKind.REPLY, NodeKind.PLAYBACK, NodeKind.COLLECT, NodeKind.MENU})
LANGUAGE = "SYS.language"  # the one system variable a flow may assign (§11.5)


class EventKind(StrEnum):
    START = "start"
    TEXT = "text"  # typed text or an ASR transcript
    DIGITS = "digits"
    PLAYOVER = "playover"
    TIMEOUT = "timeout"
    NOMATCH = "nomatch"
    SYSTEM_ERROR = "sys_err"
    HANGUP = "hangup"
    RECORD_END = "recordend"
    TRANSFER_DONE = "transfer_done"
    TRANSFER_FAILED = "transfer_failed"
    QUERY_RESULT = "query_result"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    value: str = ""
    request: Mapping[str, str] = field(default_factory=dict)  # becomes IVRREQUEST.*
    extra: Mapping[str, str] = field(default_factory=dict)  # extparams, e.g. queue figures


@dataclass(frozen=True)
class Recognition:
    intent: str
    score: float
    source: str  # "intent" or "faq"


@dataclass(frozen=True)
class TurnResult:
    action: Action
    path: tuple[str, ...]
    recognition: Recognition | None = None
    faults: tuple[tuple[str, str], ...] = ()
    """(node id, kind) of each failure counted in the turn: ``timeout``, ``nomatch``,
    ``error3`` (three or more errors), ``SYSERROR_INNER`` or ``SYSERROR_INTERFACE``; for
    analytics, which cannot tell a re-prompt from the path alone."""


class DialogError(Exception):
    """The flow cannot run at all (nothing published); nothing was changed."""


@dataclass(frozen=True)
class _Goto:
    target: str | None


def _on(node: Node, condition: str) -> str | None:
    return next((b.to for b in node.branches if b.on == condition), None)


def _default(node: Node) -> str | None:
    for b in node.branches:
        if b.on == DEFAULT_BRANCH or (
            b.on is None and b.key is None and b.intent is None and b.when is None
        ):
            return b.to
    return None


async def step(state: DialogState, event: Event, ports: DialogPorts) -> TurnResult:
    """Advance ``state`` (in place) by ``event``; the caller saves it only on success."""
    turn = _Turn(state, ports)
    action = await turn.handle(event)
    return TurnResult(action, tuple(turn.path), turn.recognition, tuple(turn.faults))


class _Turn:
    def __init__(self, state: DialogState, ports: DialogPorts) -> None:
        self.state = state
        self.ports = ports
        self.path: list[str] = []
        self.recognition: Recognition | None = None
        self.faults: list[tuple[str, str]] = []
        self.release: FlowRelease | None = None
        self.visited = 0

    # -- entry ---------------------------------------------------------------------------

    async def handle(self, event: Event) -> Action:
        s = self.state
        s.variables["IVRREQUEST"].update(event.request)
        if event.kind is EventKind.HANGUP or s.ended:
            return self.end(ReleaseReason.NORMAL if not s.ended else s.release_reason)
        if event.kind is EventKind.START:
            release = await self.enter(s.flow, None, fresh=True)
            s.variables["GLOBAL"] = initial_values(release.global_variables)
            if not s.system.get("language"):
                # Known before the first node runs, so its prompts and conditions see it.
                self.set_language(release.language)
            start = release.start
            return await self.run(start.id if start else None)
        self.release = await self.enter(s.flow, s.versions.get(s.flow))
        node = self.release.node(s.node or "")
        if node is None:
            return await self.run(None)
        if event.kind is EventKind.SYSTEM_ERROR:
            return await self.follow(await self.system_error(node, "SYSERROR_INNER"))
        if s.waiting == 11:
            return await self.follow(self.after_transfer(node, event))
        if s.waiting == 12:
            return await self.follow(self.after_query(node, event))
        return await self.follow(await self.after_prompt(node, event))

    async def follow(self, outcome: Action | _Goto) -> Action:
        if isinstance(outcome, _Goto):
            return await self.run(outcome.target)
        return outcome

    async def enter(self, code: str, pinned: int | None, *, fresh: bool = False) -> FlowRelease:
        """Load the release of ``code``; ``fresh`` starts its FLOW.* variables anew."""
        release = await self.ports.flow(code, pinned)
        if release is None:
            raise DialogError(f"Flow '{code}' has no published version.")
        self.state.versions.setdefault(code, release.version)
        if fresh:
            # FLOW.* variables belong to one flow and are lost on a flow transfer (§11.5).
            self.state.variables["FLOW"] = initial_values(release.flow.variables)
        self.state.flow = code
        self.release = release
        return release

    # -- running nodes -------------------------------------------------------------------

    async def run(self, target: str | None) -> Action:
        outcome: Action | _Goto = _Goto(target)
        while isinstance(outcome, _Goto):
            self.visited += 1
            assert self.release is not None
            node = self.release.node(outcome.target) if outcome.target else None
            if node is None or self.visited > MAX_NODES_PER_TURN:
                outcome = await self.system_error(None, "SYSERROR_INNER")
                continue
            self.path.append(node.id)
            try:
                outcome = await self.arrive(node)
            except (expressions.ExpressionError, TypeError, ValueError, KeyError):
                outcome = await self.system_error(node, "SYSERROR_INNER")
        return outcome

    async def arrive(self, node: Node) -> Action | _Goto:
        kind = node.kind
        params = node.params
        if kind in PROMPT_KINDS:
            self.state.pending = None
            return self.prompt(node)
        if kind == NodeKind.RECOGNIZE:
            return self.recognize(node)
        if kind == NodeKind.QA:
            return self.answer_question(node)
        if kind == NodeKind.JUDGE:
            return await self.judge(node)
        if kind == NodeKind.ASSIGN:
            for target, expression in dict(params.get("assignments", {})).items():
                self.assign(str(target), self.evaluate(expression))
            return _Goto(_default(node))
        if kind == NodeKind.INVOKE:
            return await self.invoke(node)
        if kind == NodeKind.TRANSFER:
            return self.transfer(node)
        if kind == NodeKind.SUBFLOW:
            code = str(params["flow"])
            fresh = code != self.state.flow
            release = await self.enter(code, self.state.versions.get(code), fresh=fresh)
            start = release.start
            return _Goto(str(params.get("node") or (start.id if start else "")))
        if kind == NodeKind.QUERY:
            return self.wait(node, 12, self.query(node))
        if kind == NodeKind.CLEAR_ERRORS:
            s = self.state
            s.timeouts = s.nomatches = s.errors = s.menu_failures = 0
            return _Goto(_default(node))
        if kind == NodeKind.TIME:
            return _Goto(_on(node, "open" if self.is_open(node) else "closed") or _default(node))
        if kind == NodeKind.END:
            return self.end(ReleaseReason.NORMAL)
        return _Goto(_default(node))  # start

    # -- prompts and what the caller answers ---------------------------------------------

    def prompt(self, node: Node, lead: str = "") -> Prompt:
        params = node.params
        mode = ReplyMode.PLAY
        max_digits, terminator = 0, ""
        if node.kind == NodeKind.REPLY:
            mode = ReplyMode(params.get("mode", ReplyMode.ASR.value))
            if mode.collects_dtmf:
                max_digits, terminator = DEFAULT_MAX_DIGITS, "#"
        elif node.kind == NodeKind.COLLECT:
            mode = ReplyMode.DTMF
            max_digits = int(params.get("max_digits", DEFAULT_MAX_DIGITS))
            terminator = str(params.get("terminator", "#"))
        elif node.kind == NodeKind.MENU:
            mode, max_digits = ReplyMode.DTMF, 1
        collects = mode is not ReplyMode.PLAY
        text = self.prompt_text(node)
        if lead:
            text = f"{lead} {text}".strip()
        action = Prompt(
            text=text,
            mode=mode,
            timeout=int(params.get("timeout", DEFAULT_TIMEOUT)) if collects else None,
            max_digits=max_digits,
            terminator=terminator,
            audio=str(params["audio"]) if "audio" in params else None,
        )
        self.wait(node, 9, action)
        return action

    def prompt_text(self, node: Node) -> str:
        params = node.params
        assert self.release is not None
        if "template" in params:
            text = self.release.templates.get(str(params["template"]), "")
        else:
            text = str(params.get("text", ""))
        return self.render(text)

    def wait(self, node: Node, outaction: int, action: Action) -> Action:
        s = self.state
        s.node, s.waiting = node.id, outaction
        s.inter_idx += 1
        return action

    async def after_prompt(self, node: Node, event: Event) -> Action | _Goto:
        kind, ev = node.kind, event.kind
        mode = ReplyMode(node.params.get("mode", ReplyMode.ASR.value))
        if kind == NodeKind.PLAYBACK or (kind == NodeKind.REPLY and mode is ReplyMode.PLAY):
            return _Goto(_default(node))
        if ev in (EventKind.TIMEOUT, EventKind.PLAYOVER):
            if kind == NodeKind.MENU:
                return self.menu_failure(node, "timeout_text")
            return self.failure(node, "timeout")
        if ev is EventKind.NOMATCH:
            if kind == NodeKind.MENU:
                return self.menu_failure(node, "error_text")
            return self.failure(node, "nomatch")
        if ev is EventKind.RECORD_END:
            return _Goto(_default(node))
        value = event.value.strip()
        if kind == NodeKind.COLLECT:
            terminator = str(node.params.get("terminator", "#"))
            digits = value.removesuffix(terminator) if terminator else value
            if not digits or not _DIGITS.match(digits):
                return self.failure(node, "nomatch")
            self.assign(str(node.params["variable"]), digits)
            return _Goto(_default(node))
        if kind == NodeKind.MENU:
            key = value.rstrip("#") if len(value) > 1 else value
            target = next((b.to for b in node.branches if b.key == key), None) if key else None
            if target is None:
                return self.menu_failure(node, "error_text")
            self.state.menu_failures = 0
            return _Goto(target)
        return _Goto(_default(node))  # a reply that collects speech or keys

    def failure(self, node: Node, kind: str) -> Action | _Goto:
        """A ``timeout`` or ``nomatch`` at ``node``: the preset branch it calls for."""
        s = self.state
        presets = {f"{kind}1", f"{kind}2", "error3"}
        wired = any(b.on in presets for b in node.branches)
        onward = _default(node)
        after = self.release.node(onward) if self.release and onward else None
        if (
            not wired
            and node.kind in (NodeKind.REPLY, NodeKind.COLLECT)
            and after is not None
            and after.kind in (NodeKind.RECOGNIZE, NodeKind.QA)
        ):
            s.pending = kind
            return _Goto(onward)
        if kind == "timeout":
            s.timeouts += 1
            repeats = s.timeouts
        else:
            s.nomatches += 1
            repeats = s.nomatches
        s.errors += 1
        self.faults.append((node.id, kind))
        if s.errors >= 3:
            self.faults.append((node.id, "error3"))
        candidates = ["error3"] if s.errors >= 3 else []
        if repeats >= 2:
            candidates.append(f"{kind}2")
        candidates.append(f"{kind}1")
        for condition in candidates:
            target = _on(node, condition)
            if target is not None:
                return _Goto(target)
        if node.kind in PROMPT_KINDS:
            return self.prompt(node)  # nothing wired: ask again
        return _Goto(onward) if onward else _Goto(None)

    def menu_failure(self, node: Node, lead_param: str) -> Action | _Goto:
        s = self.state
        s.menu_failures += 1
        self.faults.append((node.id, "timeout" if lead_param == "timeout_text" else "nomatch"))
        if s.menu_failures >= int(node.params.get("max_failures", DEFAULT_MENU_FAILURES)):
            s.menu_failures = 0
            return _Goto(_on(node, "failure") or _default(node))
        lead = self.render(str(node.params.get(lead_param, "")))
        return self.prompt(node, lead)

    # -- recognition ---------------------------------------------------------------------

    def utterance(self, node: Node) -> str:
        if "input" in node.params:
            return as_text(self.lookup(str(node.params["input"])))
        return as_text(self.state.variables["IVRREQUEST"].get("input"))

    def recognize(self, node: Node) -> Action | _Goto:
        s = self.state
        if s.pending:
            kind, s.pending = s.pending, None
            return self.failure(node, kind)
        assert self.release is not None
        model = self.release.domains.get(str(node.params["domain"]))
        if model is None:
            return _Goto(None)
        threshold = node.params.get("threshold")
        prediction = model.predict(
            self.utterance(node), threshold=float(threshold) if threshold is not None else None
        )
        toc = toc_variables(prediction, model.intent(prediction.intent))
        s.variables["TOC"] = {name.removeprefix("TOC."): value for name, value in toc.items()}
        self.recognition = Recognition(prediction.intent, prediction.score, "intent")
        if prediction.is_unknown:
            return self.failure(node, "nomatch")
        target = next((b.to for b in node.branches if b.intent == prediction.intent), None)
        target = target or _default(node)
        return _Goto(target) if target else self.failure(node, "nomatch")

    def answer_question(self, node: Node) -> Action | _Goto:
        s = self.state
        assert self.release is not None
        if s.pending:
            s.pending = None
            return _Goto(_on(node, "notfound") or _default(node))
        text = self.utterance(node)
        groups = node.params.get("groups") or list(self.release.faq)
        best = None
        for group in groups:
            index = self.release.faq.get(str(group))
            found = index.match(text) if index is not None else None
            if found is not None and (best is None or found.score > best.score):
                best = found
        if best is None:
            return _Goto(_on(node, "notfound") or _default(node))
        s.variables["TOC"] = {
            "ChatBotIntentCode": "systemQA",
            "ChatBotScenarioName": best.entry.question,
            "ChatBotRespContent": best.answer,
        }
        self.recognition = Recognition("systemQA", best.score, "faq")
        return _Goto(_on(node, "found") or _default(node))

    # -- logic, data and the outside world -----------------------------------------------

    async def judge(self, node: Node) -> Action | _Goto:
        for branch in node.branches:
            if branch.when is not None and expressions.truthy(self.evaluate(branch.when)):
                return _Goto(branch.to)
        target = _default(node)
        return _Goto(target) if target else await self.system_error(node, "SYSERROR_INNER")

    async def invoke(self, node: Node) -> Action | _Goto:
        assert self.release is not None
        interface = self.release.interfaces.get(str(node.params["interface"]))
        if interface is None:
            return await self.system_error(node, "SYSERROR_INNER")
        inputs = {p.name: self.render(p.value) for p in interface.inputs}
        for name, value in dict(node.params.get("inputs", {})).items():
            inputs[str(name)] = self.render(as_text(value))
        try:
            url = render_url(interface.url, self.lookup)
        except UnsafeUrlTemplate:  # a caller's value could choose the host: never called
            return await self.system_error(node, "SYSERROR_INTERFACE")
        answer = await self.ports.call_interface(
            InterfaceCall(
                name=interface.name,
                method=interface.method,
                url=url,
                inputs=inputs,
                headers={p.name: self.render(p.value) for p in interface.headers},
                timeout=float(interface.timeout or 5),
                tenant_id=self.state.tenant_id,
            )
        )
        if answer.data is None:
            return await self.system_error(node, "SYSERROR_INTERFACE")
        paths = {p.name: p.value for p in interface.outputs}
        for name, target in dict(node.params.get("outputs", {})).items():
            self.assign(str(target), json_path(answer.data, paths.get(str(name), str(name))))
        return _Goto(_default(node))

    def transfer(self, node: Node) -> Action:
        self.state.trans_idx += 1
        action = Transfer(
            trans_type=int(node.params["trans_type"]),
            route=self.render(as_text(node.params.get("route", ""))),
            data=self.render(as_text(node.params.get("data", ""))),
        )
        return self.wait(node, 11, action)

    def after_transfer(self, node: Node, event: Event) -> Action | _Goto:
        if event.kind is EventKind.TRANSFER_DONE:
            self.state.transferred = True
            return self.end(ReleaseReason.NORMAL)
        return _Goto(_on(node, "failure") or _default(node))

    def query(self, node: Node) -> Query:
        skill = node.params.get("skill_id")
        return Query(
            prompt_type=str(node.params["prompt_type"]),
            skill_id=self.render(as_text(skill)) if skill is not None else None,
            module_name=node.name or node.id,
        )

    def after_query(self, node: Node, event: Event) -> _Goto:
        for name, target in dict(node.params.get("outputs", {})).items():
            if str(name) in event.extra:
                self.assign(str(target), event.extra[str(name)])
        return _Goto(_default(node))

    def is_open(self, node: Node) -> bool:
        try:
            zone = ZoneInfo(str(node.params["timezone"]))
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        now = self.ports.now().astimezone(zone)
        day, clock = WEEKDAYS[now.weekday()], now.strftime("%H:%M")
        for period in node.params.get("periods", []):
            if day not in period.get("days", WEEKDAYS):
                continue
            start, stop = str(period.get("from", "00:00")), str(period.get("to", "24:00"))
            inside = start <= clock < stop if start <= stop else (clock >= start or clock < stop)
            if inside:
                return True
        return False

    async def system_error(self, node: Node | None, condition: str) -> Action | _Goto:
        self.faults.append((node.id if node is not None else "", condition))
        target = _on(node, condition) if node is not None else None
        if target is not None:
            return _Goto(target)
        if self.release is not None and not self.release.is_exception_flow:
            fallback = await self.ports.exception_flow()
            if fallback is not None and fallback.start is not None:
                self.state.versions.setdefault(fallback.code, fallback.version)
                self.state.variables["FLOW"] = initial_values(fallback.flow.variables)
                self.state.flow = fallback.code
                self.release = fallback
                return _Goto(fallback.start.id)
        return self.end(ReleaseReason.EXCEPTION)

    def end(self, reason: str) -> Release:
        s = self.state
        if not s.ended:
            s.ended, s.release_reason = True, reason
            s.ended_at = self.ports.now().isoformat()
        s.node, s.waiting, s.pending = None, 10, None
        return Release(s.release_reason)

    # -- variables -----------------------------------------------------------------------

    def lookup(self, name: str) -> object:
        namespace, dot, key = name.partition(".")
        if not dot:
            return self.state.variables["TOC"].get(name)
        if namespace == "SYS":
            if key in self.state.system:
                return self.state.system[key]
            return system_clock_values(self.ports.now()).get(key)
        values = self.state.variables.get(namespace)
        return values.get(key) if values is not None else None

    def evaluate(self, expression: Any) -> object:
        if not isinstance(expression, str):
            return expression
        return expressions.evaluate(expressions.parse(expression), self.lookup)

    def render(self, text: str) -> str:
        return render(text, self.lookup)

    def declared(self, namespace: str, name: str) -> VariableType | None:
        assert self.release is not None
        pool = self.release.flow.variables if namespace == "FLOW" else self.release.global_variables
        return next((v.type for v in pool if v.name == name), None)

    def set_language(self, language: str) -> None:
        self.state.language = self.state.system["language"] = language

    def assign(self, target: str, value: object) -> None:
        if target == LANGUAGE:
            # Multi-language flows switch the caller's language; later prompts follow it.
            self.set_language(as_text(value))
            return
        namespace, _, name = target.partition(".")
        if namespace not in ("FLOW", "GLOBAL") or not name:
            raise ValueError(f"cannot assign to {target!r}")
        self.state.variables[namespace][name] = coerce(value, self.declared(namespace, name))
