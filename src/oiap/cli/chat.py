"""``oiap chat``: call a bot from the terminal as an IVR or a chat channel would."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from oiap.services.conversation_tests import Call, Endpoint, Observed, StubAnswer

DEFAULT_URL = "http://127.0.0.1:8080"
DEFAULT_CALLING = "13500000001"  # the caller of conversation tests (a test keeps them equal)
DEMO_TENANT = "demo"
DEMO_ACCESS_CODE = "4001"
DEBUG_HEADER = "X-OIAP-Debug"
SHOWN_NAMESPACES = ("FLOW", "GLOBAL", "TOC")
HIDDEN = {"ChatBotResponse"}  # the raw recognition document; its parts are shown already


class ChatError(Exception):
    """The conversation cannot go on (no server, no token); the message says why."""


def _say(text: str = "") -> None:
    typer.echo(text)


class HttpEndpoint:
    """``crs/process`` of a running platform, with a token of the tenant."""

    def __init__(self, url: str, tenant: str, secret: str, *, debug: bool) -> None:
        self.url = url.rstrip("/")
        self.tenant = tenant
        self.secret = secret
        self.debug = debug
        import httpx

        self.client = httpx.AsyncClient(base_url=self.url, timeout=30)
        self.token = ""

    async def _post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        import httpx

        headers = {DEBUG_HEADER: "1"} if self.debug else {}
        try:
            reply = await self.client.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ChatError(f"cannot reach {self.url}: {exc or type(exc).__name__}") from exc
        try:
            return reply.status_code, reply.json()
        except ValueError:
            return reply.status_code, None

    async def authenticate(self) -> None:
        status, data = await self._post(
            "/oifde/rest/api/gettoken", {"appKey": self.tenant, "appSecret": self.secret}
        )
        if not isinstance(data, dict) or not data.get("authToken"):
            message = data.get("errorMsg") if isinstance(data, dict) else f"HTTP {status}"
            raise ChatError(f"no token for tenant {self.tenant!r}: {message}")
        self.token = str(data["authToken"])

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        from oiap.errors import Err

        token_errors = {Err.TOKEN_MISSING_OR_EXPIRED.code, Err.TOKEN_INVALID.code}
        for attempt in range(2):
            inparams = {**body["inparams"], "auth_token": self.token}
            status, data = await self._post(
                "/oifde/rest/crs/process", {**body, "inparams": inparams}
            )
            if not isinstance(data, dict):
                return {"ret": -1, "errorMsg": f"HTTP {status} without a JSON answer"}
            if attempt == 0 and data.get("ret") in token_errors:
                await self.authenticate()  # the token expired during a long conversation
                continue
            answer: dict[str, Any] = data
            return answer
        raise ChatError("the platform refused every new token")

    async def close(self) -> None:
        await self.client.aclose()


# -- showing what the bot does --------------------------------------------------------------


class Transcript:
    def __init__(self, debug: bool) -> None:
        self.debug = debug
        self.variables: dict[str, Any] = {}

    def show(self, seen: list[Observed]) -> None:
        for i, o in enumerate(seen):
            again = i > 0 and o.action == seen[i - 1].action == "release"
            self.action(o, again)
            if self.debug and o.debug is not None:
                self.details(o.debug)

    def action(self, o: Observed, again: bool = False) -> None:
        if o.action == "prompt":
            notes = [o.mode]
            if o.max_digits:
                notes.append(f"up to {o.max_digits} key{'s' if o.max_digits > 1 else ''}")
            if o.timeout:
                notes.append(f"timeout {o.timeout} s")
            if o.mode == "play":
                notes.append("playover sent")
            _say(f"bot: {o.text}  [{', '.join(notes)}]")
        elif again:
            _say("bot: ~ call ended (the platform confirmed the hang-up)")
        elif o.action == "transfer":
            data = f", data {o.data!r}" if o.data else ""
            _say(f"bot: ~ transfer to {o.route} (trans_type {o.trans_type}{data})")
        elif o.action == "release":
            meaning = {"0": "normal", "1": "exception"}.get(o.reason, "")
            _say(f"bot: ~ release (reason {o.reason}{': ' + meaning if meaning else ''})")
        elif o.action == "query":
            _say(f"bot: ~ queue query (prompt_type {o.text})")
        else:
            _say(f"  ! error {o.code}: {o.text}" if o.code else f"  ! {o.text}")

    def details(self, debug: Any) -> None:
        path = debug.get("path") or []
        if path:
            _say(f"     path: {' > '.join(map(str, path))}")
        recognition = debug.get("recognition")
        if isinstance(recognition, dict):
            _say(
                f"     recognised: {recognition.get('intent')} "
                f"(score {recognition.get('score')}, {recognition.get('source')})"
            )
        values = debug.get("variables") or {}
        for namespace in SHOWN_NAMESPACES:
            current = {k: v for k, v in (values.get(namespace) or {}).items() if k not in HIDDEN}
            if current and current != self.variables.get(namespace):
                shown = json.dumps(current, ensure_ascii=False, sort_keys=True)
                _say(f"     {namespace}: {shown}")
            self.variables[namespace] = current

    def hint(self, call: Call) -> None:
        waiting = call.waiting
        if waiting is not None and not call.ended:
            if waiting.action == "transfer":
                _say("     (answer /ok when the transfer succeeds, /fail when it fails)")
            elif waiting.action == "query":
                _say("     (answer /queue queueIndex=1 agentCount=3 ...)")


def _read_line() -> str | None:
    """The caller's next line; None at the end of input (or Ctrl-C at the terminal)."""
    if sys.stdin.isatty():
        try:
            return input("you> ")
        except (EOFError, KeyboardInterrupt):
            _say()
            return None
    line = sys.stdin.readline()
    if not line:
        return None
    _say(f"you> {line.rstrip()}")
    return line


async def converse(endpoint: Endpoint, access_code: str, calling: str, *, debug: bool) -> None:
    """Play one call until the bot releases it; the end of input hangs up."""
    from oiap.services.conversation_tests import (
        INPUT_HELP,
        Call,
        CallerError,
        InputError,
        parse_input,
    )

    call = Call(endpoint, access_code, calling)
    transcript = Transcript(debug)
    _say(f"Calling {access_code} from {calling} (call {call.userid}).")
    _say(f"Send {INPUT_HELP}; /help repeats this.")
    seen = await call.start()
    transcript.show(seen)
    if call.waiting is None:
        raise ChatError("the call could not start")
    transcript.hint(call)
    while not call.ended:
        line = _read_line()  # nothing else runs meanwhile: the call waits for its caller
        if line is None:
            _say("(end of input: hanging up)")
            line = "/hangup"
        if line.strip() in ("/help", "/?"):
            _say(f"Send {INPUT_HELP}.")
            continue
        if not line.strip():
            continue
        try:
            given = parse_input(line)
            seen = await call.send(given)
        except (InputError, CallerError) as exc:
            _say(f"  ! {exc}")
            continue
        transcript.show(seen)
        transcript.hint(call)


# -- the command ----------------------------------------------------------------------------


def _time(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint="--at") from None
    if at.tzinfo is None:
        raise typer.BadParameter(
            "give a UTC offset, e.g. 2025-03-04T10:00:00-05:00", param_hint="--at"
        )
    return at


def _stub_answers(path: Path | None) -> dict[str, StubAnswer]:
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc}", param_hint="--stubs") from None
    from oiap.services.conversation_tests import parse_stub_answers

    answers, problems = parse_stub_answers(text, str(path))
    if problems:
        raise typer.BadParameter("; ".join(map(str, problems)), param_hint="--stubs")
    return answers


async def _remote(
    url: str, tenant: str, secret: str, access_code: str, calling: str, debug: bool
) -> None:
    endpoint = HttpEndpoint(url, tenant, secret, debug=debug)
    try:
        await endpoint.authenticate()
        await converse(endpoint, access_code, calling, debug=debug)
    finally:
        await endpoint.close()


async def _local(
    folder: Path,
    given: dict[str, StubAnswer],
    stubs_file: Path | None,
    at: datetime | None,
    access_code: str,
    calling: str,
    debug: bool,
) -> None:
    from oiap.api.sandbox import Sandbox
    from oiap.cli.bots import read_bot_or_exit

    bot = read_bot_or_exit(folder)
    interfaces = sorted(i.name for i in bot.interfaces)
    unknown = sorted(set(given) - set(interfaces))
    if unknown:
        raise ChatError(f"the bot has no interface {', '.join(map(repr, unknown))} to stub")
    answers = _announce_stubs(folder, interfaces, given, stubs_file)
    told: set[str] = set()

    def unstubbed(name: str) -> None:
        if name not in told:  # once per interface: the bot's own answer says the rest
            told.add(name)
            _say(
                f"  ! interface {name!r} has no stub: no test in {folder / 'tests'} answers it"
                " and --stubs gave none, so the bot sees it fail. Give it an answer with"
                " --stubs FILE."
            )

    async with Sandbox(bot, on_unstubbed=unstubbed) as sandbox:
        if access_code not in sandbox.access_codes:
            codes = ", ".join(sandbox.access_codes) or "none"
            raise ChatError(f"the bot has no access code {access_code!r} (it has {codes})")
        sandbox.prepare(at, answers)
        await converse(sandbox.endpoint, access_code, calling, debug=debug)


def _announce_stubs(
    folder: Path, interfaces: list[str], given: dict[str, StubAnswer], stubs_file: Path | None
) -> dict[str, StubAnswer]:
    """The answers each interface gets, said on stderr: --stubs first, then the bot's tests."""
    from oiap.services.conversation_tests import default_stubs, read_tests

    tests, problems = read_tests(folder)
    defaults = default_stubs(tests)
    typer.echo(f"Installing {folder} in a local sandbox ...", err=True)
    if problems:
        typer.echo(
            f"  ({len(problems)} problem(s) in {folder / 'tests'}; `bot test` lists them)",
            err=True,
        )
    answers: dict[str, StubAnswer] = {}
    width = max(map(len, interfaces), default=0)
    for name in interfaces:
        if name in given:
            answers[name] = given[name]
            source = f"stubbed from {stubs_file} (--stubs)"
        elif name in defaults:
            answers[name] = defaults[name].answer
            source = f"stubbed as in {defaults[name].source}"
        else:
            source = "NOT stubbed: no test answers it; calls to it fail (--stubs FILE to add one)"
        typer.echo(f"  interface {name:<{width}}  {source}", err=True)
    return answers


def server_url(host: str, port: int) -> str:
    """Where ``oiap serve`` listens with the same OIAP_HOST and OIAP_PORT, as a client dials it.

    A server listening on every address (0.0.0.0, ::) is dialled on loopback.
    """
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


def _configured_url() -> str:
    from oiap.settings import Settings

    settings = Settings()
    return server_url(settings.host, settings.port)


def chat(
    access_code: Annotated[str, typer.Argument(help="Access code to call, e.g. 4001 or 4002.")],
    tenant: Annotated[str, typer.Option(help="Tenant ID (the appKey) of the bot.")] = DEMO_TENANT,
    url: Annotated[
        str | None,
        typer.Option(
            help="Where the platform listens; default: http://OIAP_HOST:OIAP_PORT "
            "(127.0.0.1:8080 unless set).",
            show_default=False,
        ),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(envvar="OIAP_APP_SECRET", help="The tenant's appSecret."),
    ] = None,
    calling: Annotated[str, typer.Option(help="Caller number (call_sor_id).")] = DEFAULT_CALLING,
    debug: Annotated[bool, typer.Option(help="Show the node path, intents and variables.")] = False,
    local: Annotated[
        Path | None,
        typer.Option(help="Run this bot folder in process instead of calling a server."),
    ] = None,
    stubs: Annotated[
        Path | None,
        typer.Option(
            help="With --local: YAML mapping of interface answers, as in a test; these win "
            "over the answers borrowed from the bot's own tests/*.yaml."
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="With --local: the time flows see (ISO 8601 with offset).")
    ] = None,
) -> None:
    """Talk to a bot as a caller: text, #digits for keys, /timeout, /nomatch, /hangup ..."""
    import asyncio

    try:
        if local is not None:
            answers = _stub_answers(stubs)
            asyncio.run(_local(local, answers, stubs, _time(at), access_code, calling, debug))
        else:
            if not secret:
                raise ChatError("give the tenant's appSecret with --secret or OIAP_APP_SECRET")
            url = url or _configured_url()
            asyncio.run(_remote(url, tenant, secret, access_code, calling, debug))
    except ChatError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
