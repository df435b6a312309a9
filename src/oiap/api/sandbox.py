"""A bot installed in a throwaway platform, for ``oiap bot test`` and ``oiap chat --local``.

Everything is the real thing except where the bot reaches outside: a temporary SQLite
database (schema upgraded, one tenant, the bot pushed and published, so models are trained
as at publish), the in-process session store, the dialog service with a settable clock, and
the wire format of ``crs/process``. Business interfaces are pointed at a loopback HTTP stub
that answers as the running test says (503 for an interface it does not mention). A chat may
ask instead to be told when an interface without an answer is called: the call then fails
without reaching the stub, as an interface that is down would.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from oiap.adapters.http.egress import EgressPolicy
from oiap.adapters.http.interfaces import HttpInterfaceCaller
from oiap.adapters.sessions.memory import MemorySessionStore
from oiap.adapters.sql.database import Database, upgrade
from oiap.adapters.sql.repositories import SqlStorage
from oiap.api.oiap.dialog_wire import error_body, parse_request, render, side_response
from oiap.domain.bot_definition import Bot
from oiap.engine.release import InterfaceAnswer, InterfaceCall
from oiap.errors import OiapError
from oiap.services.accounts import create_tenant
from oiap.services.bot_sync import push_bot
from oiap.services.conversation_tests import UNSTUBBED, StubAnswer
from oiap.services.dialogs import DialogService

TENANT = "bot-test"
DIALOG_TTL = 3600.0
STUB_PATH = "/stub/"


class _StubServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _StubHandler)
        self.answers: Mapping[str, StubAnswer] = {}
        self.stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _StubHandler(BaseHTTPRequestHandler):
    server: _StubServer

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        if path.startswith(STUB_PATH):
            answer = self.server.answers.get(unquote(path[len(STUB_PATH) :]), UNSTUBBED)
        else:
            answer = StubAnswer(status=404, json={"error": "no such stub"})
        if answer.delay and self.server.stopping.wait(answer.delay):
            return  # the sandbox is closing
        data = (answer.body if answer.body is not None else json.dumps(answer.json)).encode()
        try:
            self.send_response(answer.status)
            content_type = "text/plain" if answer.body is not None else "application/json"
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the platform gave up waiting (an interface timeout)
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _StubbedCaller:
    """The platform's own HTTP caller; a test may shorten an interface's timeout."""

    def __init__(
        self, stubs: _StubServer, on_unstubbed: Callable[[str], None] | None = None
    ) -> None:
        self.stubs = stubs
        self.on_unstubbed = on_unstubbed
        # The author's own machine calling the sandbox's loopback stubs: no egress policy.
        self.http = HttpInterfaceCaller(egress=EgressPolicy.open(), max_connections=10)

    async def call(self, call: InterfaceCall) -> InterfaceAnswer:
        answer = self.stubs.answers.get(call.name)
        if answer is None and self.on_unstubbed is not None:
            self.on_unstubbed(call.name)
            return InterfaceAnswer(None, "no stub answer")
        if answer is not None and answer.timeout is not None:
            call = replace(call, timeout=answer.timeout)
        return await self.http.call(call)

    async def close(self) -> None:
        await self.http.close()


class LocalEndpoint:
    """``crs/process`` in process: the wire format, then the dialog service, with debug."""

    def __init__(self, service: DialogService, tenant_id: str) -> None:
        self.service = service
        self.tenant_id = tenant_id

    async def send(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            turn = parse_request(body)
            if turn.inaction in (7, 13):
                return side_response(turn)
            return await self.service.process(self.tenant_id, turn, render, debug=True)
        except OiapError as exc:
            return error_body(body.get("userid"), exc)


def stubbed(bot: Bot, base_url: str) -> Bot:
    """``bot`` with every business interface pointed at ``base_url/stub/<name>``."""
    interfaces = tuple(
        replace(i, url=f"{base_url}{STUB_PATH}{quote(i.name, safe='')}") for i in bot.interfaces
    )
    return replace(bot, interfaces=interfaces)


class Sandbox:
    """``async with Sandbox(bot) as sandbox``: the bot ready to take calls (a ``Stage``).

    ``on_unstubbed(name)`` hears of each call to an interface that has no answer.
    """

    def __init__(self, bot: Bot, on_unstubbed: Callable[[str], None] | None = None) -> None:
        self.bot = bot
        self._on_unstubbed = on_unstubbed
        self._at: datetime | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stubs: _StubServer | None = None
        self._serving: threading.Thread | None = None
        self._storage: SqlStorage | None = None
        self._service: DialogService | None = None
        self._endpoint: LocalEndpoint | None = None

    # -- the Stage of conversation tests -------------------------------------------------

    @property
    def endpoint(self) -> LocalEndpoint:
        assert self._endpoint is not None, "the sandbox is not open"
        return self._endpoint

    @property
    def access_codes(self) -> Sequence[str]:
        return sorted(a.access_code for a in self.bot.access_codes)

    @property
    def interface_names(self) -> frozenset[str]:
        return frozenset(i.name for i in self.bot.interfaces)

    def prepare(self, at: datetime | None, answers: Mapping[str, StubAnswer]) -> None:
        self._at = at
        assert self._stubs is not None, "the sandbox is not open"
        self._stubs.answers = dict(answers)

    def now(self) -> datetime:
        return self._at if self._at is not None else datetime.now(UTC)

    # -- opening and closing -------------------------------------------------------------

    async def __aenter__(self) -> Sandbox:
        try:
            await self._open()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        await self.close()

    async def _open(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="oiap-sandbox-")
        url = f"sqlite:///{Path(self._tmp.name) / 'oiap.db'}"
        await asyncio.to_thread(upgrade, url)  # the migrations run their own event loop
        self._storage = SqlStorage(Database(url))
        await create_tenant(self._storage, "Conversation tests", tenant_id=TENANT)
        self._stubs = _StubServer()
        self._serving = threading.Thread(target=self._stubs.serve_forever, daemon=True)
        self._serving.start()
        base = f"http://127.0.0.1:{self._stubs.port}"
        await push_bot(self._storage, TENANT, stubbed(self.bot, base), publish=True)
        self._service = DialogService(
            self._storage,
            MemorySessionStore(),
            _StubbedCaller(self._stubs, self._on_unstubbed),
            dialog_ttl=DIALOG_TTL,
            clock=self.now,
        )
        self._endpoint = LocalEndpoint(self._service, TENANT)

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()
            self._service = None
        if self._stubs is not None:
            self._stubs.stopping.set()
            if self._serving is not None and self._serving.is_alive():
                self._stubs.shutdown()
            self._stubs.server_close()
            self._stubs = None
        if self._storage is not None:
            await self._storage.close()
            self._storage = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
