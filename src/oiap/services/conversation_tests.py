"""Conversation tests: scripted calls against a bot, checked turn by turn (``oiap bot test``).

A bot folder's ``tests/*.yaml`` files hold the scripts (format in docs/bot-format.md,
"Conversation tests"). This module reads them into plain data, plays each one as an IVR
would through an ``Endpoint`` (anything that answers ``crs/process`` request bodies), and
compares what came back with what the script expects. ``oiap chat`` drives its calls with the
same ``Call`` and the same caller-input syntax, so a line typed there can be pasted into a test.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import yaml

from oiap.adapters.bot_folder.yaml_source import BotFileLoader
from oiap.domain.flows import ReplyMode

DEFAULT_CALLING = "13500000001"
MAX_FOLLOW_UPS = 50  # play-only prompts answered with playover in one turn
MAX_DELAY = 60.0  # seconds a stubbed interface may take
EVENTS = ("timeout", "nomatch", "hangup", "playover", "sys_err", "recordend")
ACTIONS = ("prompt", "transfer", "release", "query", "error")
NAMESPACES = ("FLOW", "GLOBAL", "TOC", "SYS", "IVRREQUEST")
_KEYS = re.compile(r"^[0-9*#]+$")
_MODES = {m.model_type_prefix: m.value for m in ReplyMode}


# -- what the caller does: the input syntax of `oiap chat` and of a test's `send` -----------


class InputKind(StrEnum):
    TEXT = "text"  # typed text or an ASR transcript
    DIGITS = "digits"  # DTMF keys
    EVENT = "event"  # timeout, nomatch, hangup, playover, sys_err, recordend
    TRANSFER_OK = "ok"
    TRANSFER_FAILED = "fail"
    QUEUE = "queue"  # queue figures answering a query


@dataclass(frozen=True)
class CallerInput:
    kind: InputKind
    value: str = ""
    figures: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        if self.kind is InputKind.TEXT:
            return self.value
        if self.kind is InputKind.DIGITS:
            return "#" + self.value
        if self.kind is InputKind.EVENT:
            return "/" + self.value
        if self.kind is InputKind.QUEUE:
            return " ".join(["/queue", *(f"{k}={v}" for k, v in self.figures.items())])
        return "/" + self.kind.value


class InputError(ValueError):
    """A line that is not caller input; the message says what would be."""


INPUT_HELP = (
    "text as the caller says or types it; #digits for keys (#12345678#); "
    "/timeout /nomatch /playover /hangup /sys_err /recordend; "
    "after a transfer /ok or /fail; after a queue query /queue name=value ..."
)


def parse_input(line: str) -> CallerInput:
    text = line.strip()
    if not text:
        raise InputError("nothing to send")
    if text.startswith("#"):
        keys = text[1:]
        if not _KEYS.match(keys):
            raise InputError(f"{text!r}: after '#' only keys 0-9, * and # may follow")
        return CallerInput(InputKind.DIGITS, keys)
    if not text.startswith("/"):
        return CallerInput(InputKind.TEXT, text)
    command, _, rest = text[1:].partition(" ")
    if command in EVENTS and not rest.strip():
        return CallerInput(InputKind.EVENT, command)
    if command in ("ok", "fail") and not rest.strip():
        return CallerInput(InputKind(command))
    if command == "queue":
        figures: dict[str, str] = {}
        for item in rest.split():
            name, eq, value = item.partition("=")
            if not eq or not name:
                raise InputError(f"{item!r}: queue figures are written name=value")
            figures[name] = value
        return CallerInput(InputKind.QUEUE, figures=figures)
    raise InputError(f"{text!r} is not a known command; send {INPUT_HELP}")


# -- what the caller gets: one response of crs/process, readably ----------------------------


@dataclass(frozen=True)
class Observed:
    action: str  # prompt, transfer, release, query or error
    text: str = ""  # prompt text, or the error message
    mode: str = ""  # reply mode of a prompt: play, asr, dtmf, asr_dtmf ...
    timeout: str = ""
    max_digits: int = 0
    route: str = ""
    trans_type: str = ""
    data: str = ""
    reason: str = ""
    code: str = ""  # error code
    inter_idx: str | None = None
    debug: Mapping[str, Any] | None = None

    @property
    def path(self) -> list[str]:
        return [str(n) for n in (self.debug or {}).get("path") or []]

    @property
    def intent(self) -> str | None:
        recognition = (self.debug or {}).get("recognition")
        return str(recognition["intent"]) if isinstance(recognition, dict) else None

    def describe(self) -> str:
        if self.action == "prompt":
            return f"prompt ({self.mode}) {self.text!r}"
        if self.action == "transfer":
            return f"transfer to {self.route!r} (trans_type {self.trans_type})"
        if self.action == "release":
            return f"release (reason {self.reason})"
        if self.action == "query":
            return f"query (prompt_type {self.text})"
        return f"error {self.code}: {self.text}"


def _mode(model_type: str) -> str:
    return _MODES.get(model_type[:3], model_type)


def observe(response: Mapping[str, Any]) -> Observed:
    """The action a ``crs/process`` response asks for (or the error it reports)."""
    raw_debug = response.get("debug")
    debug = raw_debug if isinstance(raw_debug, dict) else None
    if str(response.get("ret")) != "0":
        message = str(response.get("errorMsg") or response.get("ret") or "no answer")
        return Observed("error", text=message, code=str(response.get("errorCode", "")))
    params = response.get("outparams")
    p = {str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {}
    idx = p.get("inter_idx")
    outaction = str(response.get("outaction"))
    if outaction == "9":
        model = p.get("model_type", "")
        digits = int(model[3:5]) if len(model) == 7 and model[3:5].isdigit() else 0
        return Observed(
            "prompt",
            text=p.get("prompt_text", ""),
            mode=_mode(model),
            timeout=p.get("timeout", ""),
            max_digits=digits,
            inter_idx=idx,
            debug=debug,
        )
    if outaction == "10":
        return Observed("release", reason=p.get("release_reason", ""), debug=debug)
    if outaction == "11":
        return Observed(
            "transfer",
            route=p.get("route_value", ""),
            trans_type=p.get("trans_type", ""),
            data=p.get("trans_data", ""),
            inter_idx=idx,
            debug=debug,
        )
    if outaction == "12":
        return Observed("query", text=p.get("prompt_type", ""), inter_idx=idx, debug=debug)
    return Observed("error", text=f"unexpected outaction {outaction!r}")


# -- one call, driven as an IVR drives it ---------------------------------------------------


class Endpoint(Protocol):
    """Answers ``crs/process`` request bodies: the platform over HTTP, or in process."""

    async def send(self, body: dict[str, Any]) -> dict[str, Any]: ...


class CallerError(Exception):
    """The input does not fit what the bot is waiting for (e.g. ``/ok`` while it prompts)."""


def _wire_time(at: datetime) -> str:
    return at.strftime("%Y%m%d%H:%M:%S")


class Call:
    """One call: builds every request from the last response, as the access party does.

    A play-only prompt is answered with ``playover`` at once, and a successful transfer is
    closed as spec §7.4 rule 4 says (the result, then the same request with ``hangup``), so
    one caller input may take several requests; ``start`` and ``send`` return every action
    they brought, in order.
    """

    def __init__(
        self,
        endpoint: Endpoint,
        access_code: str,
        calling: str = DEFAULT_CALLING,
        userid: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.access_code = access_code
        self.calling = calling
        self.userid = userid or f"call-{secrets.token_hex(6)}"
        self.waiting: Observed | None = None  # the last action the bot asked for
        self.inter_idx = "0"
        self.ended = False

    async def start(self) -> list[Observed]:
        if self.waiting is not None:
            raise CallerError("the call has already started")
        return await self._turn(8, {"call_sor_id": self.calling})

    async def send(self, given: CallerInput) -> list[Observed]:
        waiting = self.waiting
        if waiting is None:
            raise CallerError("the call has not started")
        if self.ended:
            raise CallerError("the call has ended (release)")
        kind = given.kind
        hangup = kind is InputKind.EVENT and given.value == "hangup"
        if waiting.action == "transfer":
            if kind in (InputKind.TRANSFER_OK, InputKind.TRANSFER_FAILED) or hangup:
                return await self._transfer_result(kind is InputKind.TRANSFER_OK, hangup)
            raise CallerError(f"the bot transfers the call: answer /ok or /fail, not {given}")
        if waiting.action == "query":
            if kind is InputKind.QUEUE:
                return await self._turn(12, {"inter_idx": self.inter_idx}, dict(given.figures))
            if hangup:
                return await self._turn(9, self._result("1", "hangup"))
            raise CallerError(f"the bot queries the queue: answer /queue name=value, not {given}")
        if kind is InputKind.TEXT:
            return await self._turn(9, self._result("1", given.value))
        if kind is InputKind.DIGITS:
            return await self._turn(9, self._result("2", given.value))
        if kind is InputKind.EVENT:
            result_type = {"playover": "3", "recordend": "4"}.get(given.value, "1")
            return await self._turn(9, self._result(result_type, given.value))
        raise CallerError(f"{given} answers a transfer or query; the bot is waiting at a prompt")

    def _result(self, result_type: str, value: str) -> dict[str, str]:
        return {"flow_result_type": result_type, "input": value, "inter_idx": self.inter_idx}

    async def _transfer_result(self, done: bool, hangup: bool) -> list[Observed]:
        now = _wire_time(datetime.now(UTC))
        fields = {
            "begin_trans": now,
            "end_trans": now,
            "trans_result": "0" if done else "1",
            "inter_idx": self.inter_idx,
        }
        if hangup:
            fields["input"] = "hangup"
        seen = await self._turn(11, fields)
        if done and seen[-1].action == "release":
            # §7.4 rule 4: the result is answered with a release, then the call hangs up.
            seen.append(await self._post(11, {**fields, "input": "hangup"}))
        return seen

    async def _turn(
        self, inaction: int, fields: dict[str, str], extra: dict[str, str] | None = None
    ) -> list[Observed]:
        seen = [await self._post(inaction, fields, extra)]
        while (
            seen[-1].action == "prompt" and seen[-1].mode == "play" and len(seen) < MAX_FOLLOW_UPS
        ):
            seen.append(await self._post(9, self._result("3", "playover")))
        return seen

    async def _post(
        self, inaction: int, fields: dict[str, str], extra: dict[str, str] | None = None
    ) -> Observed:
        inparams = {"call_id": self.userid, "call_dst_id": self.access_code, **fields}
        body: dict[str, Any] = {"userid": self.userid, "inaction": inaction, "inparams": inparams}
        if extra:
            body["extparams"] = extra
        seen = observe(await self.endpoint.send(body))
        if seen.action != "error":
            self.waiting = seen
            if seen.inter_idx is not None:
                self.inter_idx = seen.inter_idx
            if seen.action == "release":
                self.ended = True
        return seen


# -- the test scripts -----------------------------------------------------------------------


@dataclass(frozen=True)
class StubAnswer:
    """What the loopback stub answers for one business interface in one test."""

    status: int = 200
    json: Any = None
    body: str | None = None  # a raw body instead of JSON
    delay: float = 0.0  # seconds before answering
    timeout: float | None = None  # replaces the interface's own timeout in this test


UNSTUBBED = StubAnswer(status=503, json={"error": "this interface is not stubbed by the test"})


@dataclass(frozen=True)
class Expectation:
    action: str | None = None
    text: str | None = None
    mode: str | None = None
    route: str | None = None
    trans_type: str | None = None
    reason: str | None = None
    intent: str | None = None
    node: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ScriptTurn:
    send: CallerInput | None  # None: the initialisation (inaction 8)
    expect: Expectation
    line: int


@dataclass(frozen=True)
class ConversationTest:
    file: str
    name: str
    line: int
    turns: tuple[ScriptTurn, ...]
    access_code: str | None = None  # None: the bot's first access code
    calling: str = DEFAULT_CALLING
    at: datetime | None = None  # None: the wall clock
    interfaces: Mapping[str, StubAnswer] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.file}:{self.line}: {self.message}"
            if self.line
            else f"{self.file}: {self.message}"
        )


class _Invalid(Exception):
    def __init__(self, node: yaml.Node | None, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def _line(node: yaml.Node | None) -> int:
    return int(node.start_mark.line) + 1 if node is not None else 0


def _value(node: yaml.Node) -> Any:
    try:
        return yaml.SafeLoader("").construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise _Invalid(node, f"cannot read value: {exc}") from exc


def _fields(node: yaml.Node, what: str, allowed: Sequence[str]) -> dict[str, yaml.Node]:
    if not isinstance(node, yaml.MappingNode):
        raise _Invalid(node, f"{what} must be a mapping")
    found: dict[str, yaml.Node] = {}
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if not isinstance(name, str) or name not in allowed:
            raise _Invalid(key, f"unknown key {name!r} in {what} (expected {', '.join(allowed)})")
        if name in found:
            raise _Invalid(key, f"key {name!r} appears twice in {what}")
        found[name] = value
    return found


def _text(node: yaml.Node, what: str, *, empty: bool = False) -> str:
    value = _value(node)
    if isinstance(value, bool) or value is None or not isinstance(value, (str, int, float)):
        raise _Invalid(node, f"{what} must be text")
    text = str(value)
    if not text.strip() and not empty:
        raise _Invalid(node, f"{what} must not be empty")
    return text


def _number(node: yaml.Node, what: str, low: float, high: float) -> float:
    value = _value(node)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise _Invalid(node, f"{what} must be a number from {low:g} to {high:g}")
    return float(value)


def _choice(node: yaml.Node, what: str, choices: Iterable[str]) -> str:
    options = tuple(choices)
    text = _text(node, what)
    if text not in options:
        raise _Invalid(node, f"{what} must be one of {', '.join(options)}, not {text!r}")
    return text


def _time(node: yaml.Node) -> datetime:
    value = _value(node)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise _Invalid(node, f"'at' {value!r} is not an ISO 8601 time") from None
    if not isinstance(value, datetime):
        raise _Invalid(node, "'at' must be a time such as 2025-03-04T10:00:00-05:00")
    if value.tzinfo is None:
        raise _Invalid(node, "'at' needs a UTC offset, e.g. 2025-03-04T10:00:00-05:00")
    return value


def _stub(node: yaml.Node, name: str) -> StubAnswer:
    what = f"the answer of interface {name!r}"
    f = _fields(node, what, ("json", "status", "body", "delay", "timeout"))
    if "json" in f and "body" in f:
        raise _Invalid(node, f"{what} has either 'json' or 'body', not both")
    status = 200
    if "status" in f:
        status = int(_number(f["status"], "'status'", 100, 599))
        if _value(f["status"]) != status:
            raise _Invalid(f["status"], "'status' must be a whole number")
    return StubAnswer(
        status=status,
        json=_value(f["json"]) if "json" in f else ({} if "body" not in f else None),
        body=_text(f["body"], "'body'", empty=True) if "body" in f else None,
        delay=_number(f["delay"], "'delay'", 0, MAX_DELAY) if "delay" in f else 0.0,
        timeout=_number(f["timeout"], "'timeout'", 0.01, MAX_DELAY) if "timeout" in f else None,
    )


def _stubs(node: yaml.Node) -> dict[str, StubAnswer]:
    if not isinstance(node, yaml.MappingNode):
        raise _Invalid(node, "'interfaces' must map interface names to answers")
    answers: dict[str, StubAnswer] = {}
    for key, value in node.value:
        name = _text(key, "an interface name")
        answers[name] = _stub(value, name)
    return answers


def _expectation(node: yaml.Node) -> Expectation:
    f = _fields(
        node,
        "'expect'",
        ("action", "text", "mode", "route", "trans_type", "reason", "intent", "node", "variables"),
    )
    variables: dict[str, Any] = {}
    if "variables" in f:
        v = f["variables"]
        if not isinstance(v, yaml.MappingNode):
            raise _Invalid(v, "'variables' must map names such as FLOW.balance to values")
        for key, value in v.value:
            name = _text(key, "a variable name")
            namespace, dot, rest = name.partition(".")
            if namespace not in NAMESPACES or not dot or not rest:
                raise _Invalid(key, f"{name!r}: variables are named {'|'.join(NAMESPACES)}.name")
            variables[name] = _value(value)

    def text(key: str) -> str | None:
        return _text(f[key], f"'{key}'") if key in f else None

    return Expectation(
        action=_choice(f["action"], "'action'", ACTIONS) if "action" in f else None,
        text=text("text"),
        mode=_choice(f["mode"], "'mode'", (m.value for m in ReplyMode)) if "mode" in f else None,
        route=text("route"),
        trans_type=text("trans_type"),
        reason=text("reason"),
        intent=text("intent"),
        node=text("node"),
        variables=variables,
    )


def _turn(node: yaml.Node, first: bool) -> ScriptTurn:
    f = _fields(node, "a turn", ("send", "expect"))
    send: CallerInput | None = None
    if first and "send" in f:
        raise _Invalid(f["send"], "the first turn is the call's start: it has no 'send'")
    if not first:
        if "send" not in f or _value(f["send"]) is None:
            raise _Invalid(
                f.get("send", node),
                "every turn after the first needs 'send' (quote keys: send: \"#1\"; "
                "an unquoted # starts a YAML comment)",
            )
        try:
            send = parse_input(_text(f["send"], "'send'"))
        except InputError as exc:
            raise _Invalid(f["send"], str(exc)) from None
    expect = _expectation(f["expect"]) if "expect" in f else Expectation()
    return ScriptTurn(send, expect, _line(node))


def _test(node: yaml.Node, file: str) -> ConversationTest:
    f = _fields(node, "a test", ("name", "access_code", "calling", "at", "interfaces", "turns"))
    if "name" not in f:
        raise _Invalid(node, "a test needs a 'name'")
    if "turns" not in f:
        raise _Invalid(node, "a test needs 'turns'")
    turns_node = f["turns"]
    if not isinstance(turns_node, yaml.SequenceNode) or not turns_node.value:
        raise _Invalid(turns_node, "'turns' must be a non-empty list")
    return ConversationTest(
        file=file,
        name=_text(f["name"], "'name'"),
        line=_line(node),
        turns=tuple(_turn(t, i == 0) for i, t in enumerate(turns_node.value)),
        access_code=_text(f["access_code"], "'access_code'") if "access_code" in f else None,
        calling=_text(f["calling"], "'calling'") if "calling" in f else DEFAULT_CALLING,
        at=_time(f["at"]) if "at" in f else None,
        interfaces=_stubs(f["interfaces"]) if "interfaces" in f else {},
    )


def _compose(text: str, file: str) -> tuple[list[yaml.Node], list[Problem]]:
    try:
        documents = list(yaml.compose_all(text, Loader=BotFileLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        return [], [Problem(file, line, f"not valid YAML: {problem}")]
    return [d for d in documents if d is not None and not _empty(d)], []


def _empty(node: yaml.Node) -> bool:
    """An empty document, as after a trailing ``---``."""
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null") and not node.value


def parse_tests(text: str, file: str) -> tuple[list[ConversationTest], list[Problem]]:
    """The tests of one file (one per YAML document, separated by ``---``)."""
    documents, problems = _compose(text, file)
    if not documents and not problems:
        problems.append(Problem(file, 0, "the file holds no test"))
    tests = []
    for document in documents:
        try:
            tests.append(_test(document, file))
        except _Invalid as exc:
            problems.append(Problem(file, _line(exc.node), exc.message))
    return tests, problems


def parse_stub_answers(text: str, file: str) -> tuple[dict[str, StubAnswer], list[Problem]]:
    """A mapping of interface answers on its own (``oiap chat --local --stubs FILE``)."""
    documents, problems = _compose(text, file)
    if problems:
        return {}, problems
    if len(documents) != 1:
        return {}, [Problem(file, 0, "expected one mapping of interface names to answers")]
    try:
        return _stubs(documents[0]), []
    except _Invalid as exc:
        return {}, [Problem(file, _line(exc.node), exc.message)]


def read_tests(folder: Path) -> tuple[list[ConversationTest], list[Problem]]:
    """Every test in ``folder/tests/*.yaml`` (and ``*.yml``), files in name order."""
    tests: list[ConversationTest] = []
    problems: list[Problem] = []
    directory = folder / "tests"
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    for path in files:
        name = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, 0, f"cannot read: {exc}"))
            continue
        found, wrong = parse_tests(text, name)
        tests.extend(found)
        problems.extend(wrong)
    return tests, problems


# -- checking and running -------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    what: str
    expected: str
    actual: str


def _squeeze(text: str) -> str:
    return " ".join(text.split()).casefold()


def _same(expected: Any, actual: Any) -> bool:
    """Variables compare as values, else as text (YAML's 12 equals the variable's "12")."""
    if expected == actual:
        return True
    if expected is None or actual is None or isinstance(expected, (dict, list)):
        return False
    if isinstance(expected, bool):
        return str(actual).lower() == str(expected).lower()
    return str(expected) == str(actual)


def check(expect: Expectation, seen: Sequence[Observed]) -> list[Mismatch]:
    """How the actions of one turn differ from what the script expects of it."""
    wrong: list[Mismatch] = []
    last = seen[-1]
    prompts = [o for o in seen if o.action == "prompt"]
    transfers = [o for o in seen if o.action == "transfer"]
    releases = [o for o in seen if o.action == "release"]
    if expect.action is not None and last.action != expect.action:
        wrong.append(Mismatch("action", expect.action, last.describe()))
    if expect.text is not None:
        heard = " ".join(o.text for o in seen if o.action in ("prompt", "error"))
        if _squeeze(expect.text) not in _squeeze(heard):
            wrong.append(Mismatch("text", repr(expect.text), repr(heard) if heard else "no prompt"))
    if expect.mode is not None:
        actual = prompts[-1].mode if prompts else "no prompt"
        if actual != expect.mode:
            wrong.append(Mismatch("mode", expect.mode, actual))
    transfer = transfers[-1] if transfers else None
    for what, wanted, actual in (
        ("route", expect.route, transfer.route if transfer else "no transfer"),
        ("trans_type", expect.trans_type, transfer.trans_type if transfer else "no transfer"),
    ):
        if wanted is not None and actual != wanted:
            wrong.append(Mismatch(what, wanted, actual))
    if expect.reason is not None:
        actual = releases[0].reason if releases else "no release"
        if actual != expect.reason:
            wrong.append(Mismatch("reason", expect.reason, actual))
    if expect.intent is not None:
        intents = [o.intent for o in seen if o.intent is not None]
        actual = intents[-1] if intents else "no recognition"
        if actual != expect.intent:
            wrong.append(Mismatch("intent", expect.intent, str(actual)))
    if expect.node is not None:
        # Where the dialog waits now; once it has ended, the last node it ran.
        path = [n for o in seen for n in o.path]
        waits = (last.debug or {}).get("node")
        actual = str(waits) if waits else path[-1] if path else "no node"
        if actual != expect.node:
            ran = f" (path {' > '.join(path)})" if path else ""
            wrong.append(Mismatch("node", expect.node, actual + ran))
    if expect.variables:
        debugged = [o.debug for o in seen if o.debug is not None]
        values = debugged[-1].get("variables", {}) if debugged else {}
        for name, wanted in expect.variables.items():
            namespace, _, key = name.partition(".")
            scope = values.get(namespace) or {}
            held = scope.get(key) if isinstance(scope, dict) else None
            if not _same(wanted, held):
                wrong.append(Mismatch(name, repr(wanted), repr(held)))
    return wrong


class Stage(Protocol):
    """Where tests run: the bot installed, its interfaces stubbed, the clock settable."""

    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def access_codes(self) -> Sequence[str]: ...

    @property
    def interface_names(self) -> frozenset[str]: ...

    def prepare(self, at: datetime | None, answers: Mapping[str, StubAnswer]) -> None:
        """Fix the time flows see and what each stubbed interface answers, until changed."""
        ...


@dataclass(frozen=True)
class TurnFailure:
    number: int  # 1 is the start of the call
    send: str  # the caller input as written; empty for the start of the call
    mismatches: tuple[Mismatch, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class TestResult:
    test: ConversationTest
    failure: TurnFailure | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None

    def report(self) -> list[str]:
        t = self.test
        where = f"{t.file}:{t.line}: {t.name}"
        if self.failure is None:
            return [f"ok    {where}"]
        f = self.failure
        lines = [f"FAIL  {where}"]
        if f.number == 0:
            return [*lines, f"      before the call: {f.message}"]
        turn = f"send {f.send}" if f.send else "start of the call"
        lines.append(f"      turn {f.number} ({turn}):")
        for m in f.mismatches:
            lines.append(f"        {m.what}: expected {m.expected}")
            lines.append(f"        {' ' * len(m.what)}  actual   {m.actual}")
        if f.message:
            lines.append(f"        {f.message}")
        return lines


async def run_test(test: ConversationTest, stage: Stage) -> TestResult:
    """Play one script; it stops at the first turn that differs from its expectation."""
    setup = _setup_problem(test, stage)
    if setup:
        return TestResult(test, TurnFailure(0, "(none)", message=setup))
    stage.prepare(test.at, test.interfaces)
    access_code = test.access_code or stage.access_codes[0]
    call = Call(stage.endpoint, access_code, test.calling)
    try:
        for number, turn in enumerate(test.turns, 1):
            sent = "" if turn.send is None else repr(str(turn.send))
            try:
                seen = await call.start() if turn.send is None else await call.send(turn.send)
            except CallerError as exc:
                return TestResult(test, TurnFailure(number, sent, message=str(exc)))
            except Exception as exc:  # a fault of the platform is this test's failure, not a crash
                problem = f"internal error: {type(exc).__name__}: {exc}"
                return TestResult(test, TurnFailure(number, sent, message=problem))
            wrong = check(turn.expect, seen)
            if wrong:
                actions = " > ".join(o.describe() for o in seen)
                note = f"the whole turn: {actions}" if len(seen) > 1 else ""
                return TestResult(test, TurnFailure(number, sent, tuple(wrong), note))
        return TestResult(test)
    finally:
        if call.waiting is not None and not call.ended:
            with contextlib.suppress(Exception):  # leave no live dialog behind
                await call.send(CallerInput(InputKind.EVENT, "hangup"))


def _setup_problem(test: ConversationTest, stage: Stage) -> str:
    if not stage.access_codes:
        return "the bot has no access code to call"
    if test.access_code is not None and test.access_code not in stage.access_codes:
        codes = ", ".join(stage.access_codes)
        return f"the bot has no access code {test.access_code!r} (it has {codes})"
    unknown = sorted(set(test.interfaces) - stage.interface_names)
    if unknown:
        return f"the bot has no interface {', '.join(map(repr, unknown))} to stub"
    return ""


def selected(tests: Iterable[ConversationTest], name: str | None) -> list[ConversationTest]:
    """Tests whose name or file name contains ``name`` (any case); all without a name."""
    if not name:
        return list(tests)
    wanted = name.casefold()
    return [
        t for t in tests if wanted in t.name.casefold() or wanted in Path(t.file).name.casefold()
    ]


# -- stubs for a chat in process ------------------------------------------------------------


@dataclass(frozen=True)
class DefaultStub:
    """An interface's answer borrowed from one of the bot's own tests, and which one."""

    answer: StubAnswer
    test: ConversationTest

    @property
    def source(self) -> str:
        return f"{self.test.file}:{self.test.line} ({self.test.name!r})"


def _answers_normally(answer: StubAnswer) -> bool:
    """A prompt JSON answer: what a caller trying the bot out expects the backend to give."""
    return (
        200 <= answer.status < 300
        and answer.body is None
        and not answer.delay
        and answer.timeout is None
    )


def default_stubs(tests: Iterable[ConversationTest]) -> dict[str, DefaultStub]:
    """For each interface the tests stub: the first answer that succeeds, in file and test
    order; failing answers (an error status, a late or non-JSON answer) only where the tests
    have no other, since they test the bot's error paths rather than its everyday call."""
    found: dict[str, DefaultStub] = {}
    for test in tests:
        for name, answer in test.interfaces.items():
            current = found.get(name)
            if current is None or (
                _answers_normally(answer) and not _answers_normally(current.answer)
            ):
                found[name] = DefaultStub(answer, test)
    return found
