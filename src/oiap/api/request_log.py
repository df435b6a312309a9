"""Every request's id, metrics and (with ``OIAP_LOG_FORMAT=json``) its one log line.

The id is returned as ``X-Request-Id``. MetaStudio paths already get theirs from the
MetaStudio envelope (api/metastudio/envelope.py), which this middleware wraps: there it reads
that id instead of making a second one. The log line names the route's template
(``/oiap/v1/flows/{code}``), never the raw path, and carries no body: what a caller said
appears only with ``OIAP_LOG_CALLER_INPUT=1``.
"""

from __future__ import annotations

import logging
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oiap.adapters import metrics
from oiap.api.metastudio import is_metastudio_path
from oiap.services.telemetry import RequestFacts, current_request

log = logging.getLogger("oiap.request")

_DIALOG = ("/oifde/rest/crs/process", "/oifde/rest/v2/crs/process/")
_OIAP = ("/oifde/", "/chatbot/")
_CONSOLE = ("/oiap/v1/console/", "/console", "/docs", "/openapi.json")


def route_family(path: str) -> str:
    """A closed set of names for the metrics' labels: never a path, which may hold ids."""
    if path.startswith(_DIALOG):
        return "dialog"
    if path.startswith(_OIAP):
        return "oiap-management"
    if path.startswith(_CONSOLE):
        return "console"
    if path.startswith("/oiap/"):
        return "management"
    if is_metastudio_path(path) or path.startswith("/icswebclient"):
        return "metastudio"
    return "other"


@dataclass
class _HttpFacts(RequestFacts):
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.request_id or str(self.state.get("request_id") or "")


class RequestLog:
    """ASGI middleware, outermost: ids, request metrics, the JSON log line."""

    def __init__(self, app: ASGIApp, *, json_lines: bool) -> None:
        self.app = app
        self.json_lines = json_lines
        self._meters = metrics.request_meters()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        began = time.perf_counter()
        path: str = scope["path"]
        family = route_family(path)
        state = scope.setdefault("state", {})
        # MetaStudio's envelope names its own requests; the others get their id here.
        own = "" if is_metastudio_path(path) else uuid.uuid4().hex
        facts = _HttpFacts(request_id=own, state=state)
        status = 500

        async def answer(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if own:
                    message["headers"] = [
                        *message.get("headers", []),
                        (b"x-request-id", own.encode()),
                    ]
            await send(message)

        token = current_request.set(facts)
        try:
            await self.app(scope, receive, answer)
        finally:
            seconds = time.perf_counter() - began
            meters = self._meters
            meters[family, 0].observe(seconds)
            counter = meters.get((family, status // 100))
            if counter is not None:
                counter.inc()
            if self.json_lines:
                self._log(scope, facts, status, seconds)
            current_request.reset(token)

    def _log(self, scope: Scope, facts: _HttpFacts, status: int, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None)
        params = scope.get("path_params") or {}
        line: dict[str, Any] = {
            "method": scope.get("method", ""),
            "route": template,
            "status": status,
            "latencyMs": round(seconds * 1000.0, 2),
            "tenant": facts.tenant or params.get("project_id") or None,
        }
        if facts.caller_input is not None:
            line["callerInput"] = facts.caller_input
        log.info("%s %s %d", line["method"], template or "(no route)", status, extra={"oiap": line})


# -- the log format -------------------------------------------------------------------------


class JsonLines(logging.Formatter):
    """One JSON object a line: time, level, logger, message, the request's id when a request
    is being served, and the request line's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        facts = current_request.get()
        if facts is not None:
            line["requestId"] = facts.id if isinstance(facts, _HttpFacts) else facts.request_id
        extra = getattr(record, "oiap", None)
        if isinstance(extra, dict):
            line.update(extra)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(line, default=str).decode()


_HANDLER_NAME = "oiap-json-lines"


def use_json_lines() -> None:
    """Every log line of this process as JSON on stderr, uvicorn's included; its access log
    gives way to the request line above (which has the id, the route template, the tenant)."""
    root = logging.getLogger()
    if any(h.get_name() == _HANDLER_NAME for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(JsonLines())
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)  # libraries' INFO lines (httpx's URLs) stay out
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    log.setLevel(logging.INFO)
