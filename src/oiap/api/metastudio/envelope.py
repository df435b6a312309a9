"""The MetaStudio envelope: error shape, ``X-Request-Id`` and the 12 MB body limit.

MetaStudio paths (``/v1/...`` and the IAM-style ``/v3/...``) share one application with
the OIAP interfaces, whose errors have another shape. ``install`` wraps the application's
exception handlers so that a failure on a MetaStudio path is rendered MetaStudio's way and
every other path keeps its handler.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oiap.api.wire import BodyTooLarge, MalformedBody
from oiap.errors import MetaStudioError, MsErr
from oiap.services.ports import DatabaseUnavailable, StoreUnavailable

log = logging.getLogger("oiap.metastudio")

PREFIXES = ("/v1/", "/v3/")
MAX_BODY_BYTES = 12 * 1024 * 1024
"""What Huawei's gateway accepts with AK/SK signing (spec §2.2)."""

Handler = Callable[[Request, Any], Awaitable[Response]]
AnyHandler = Callable[[Request, Any], Response | Awaitable[Response]]


def is_metastudio_path(path: str) -> bool:
    return path.startswith(PREFIXES)


def request_id(request: Request) -> str:
    value = request.scope.get("state", {}).get("request_id")
    return str(value) if value else uuid.uuid4().hex


def render(request: Request, exc: MetaStudioError) -> JSONResponse:
    rid = request_id(request)
    return JSONResponse(
        exc.body(rid), status_code=exc.error.http_status, headers={"X-Request-Id": rid}
    )


def _as_metastudio(exc: Exception) -> MetaStudioError:
    if isinstance(exc, MetaStudioError):
        return exc
    if isinstance(exc, MalformedBody):
        return MetaStudioError(MsErr.REQUEST_JSON, exc.problem)
    if isinstance(exc, BodyTooLarge):
        return MetaStudioError(MsErr.BODY_TOO_LARGE)
    if isinstance(exc, DatabaseUnavailable):
        return MetaStudioError(MsErr.DATABASE_UNAVAILABLE)
    if isinstance(exc, StoreUnavailable):
        return MetaStudioError(MsErr.STORE_UNAVAILABLE)
    if isinstance(exc, RequestValidationError):
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("path", "query"))
        return MetaStudioError(MsErr.INVALID_PARAMETER, f"'{where}': {first.get('msg')}.")
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return MetaStudioError(MsErr.API_NOT_FOUND)
        if exc.status_code == 405:
            return MetaStudioError(MsErr.METHOD_NOT_ALLOWED)
        return MetaStudioError(MsErr.INVALID_PARAMETER, str(exc.detail))
    return MetaStudioError(MsErr.INTERNAL)


def _scoped(original: AnyHandler | None) -> Handler:
    async def handle(request: Request, exc: Any) -> Response:
        if is_metastudio_path(request.url.path) or original is None:
            converted = _as_metastudio(exc)
            if converted.error is MsErr.INTERNAL and not isinstance(exc, MetaStudioError):
                log.exception("unhandled error on %s %s", request.method, request.url.path)
            rendered = render(request, converted)
            if isinstance(exc, StarletteHTTPException) and exc.headers:
                rendered.headers.update(exc.headers)  # Allow, on a 405
            return rendered
        response = original(request, exc)
        return response if isinstance(response, Response) else await response

    return handle


def install_error_rendering(app: FastAPI) -> None:
    kinds: list[type[Exception]] = [
        MetaStudioError,
        MalformedBody,
        BodyTooLarge,
        StoreUnavailable,
        RequestValidationError,
        StarletteHTTPException,
        Exception,
    ]
    for kind in kinds:
        app.exception_handlers[kind] = _scoped(app.exception_handlers.get(kind))
    app.add_middleware(RequestIds)


class RequestIds:
    """Gives every MetaStudio request an ID and returns it as ``X-Request-Id``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_metastudio_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
                message["headers"] = [*headers, (b"x-request-id", rid.encode())]
            await send(message)

        await self.app(scope, receive, with_id)


def body_limit(scope: Scope, default: int) -> int:
    return MAX_BODY_BYTES if is_metastudio_path(scope.get("path", "")) else default


def too_large(fallback: ASGIApp) -> ASGIApp:
    """The BodyLimit refusal, in MetaStudio's shape on MetaStudio paths."""

    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        if not is_metastudio_path(scope.get("path", "")):
            await fallback(scope, receive, send)
            return
        exc = MetaStudioError(MsErr.BODY_TOO_LARGE)
        rid = scope.get("state", {}).get("request_id") or uuid.uuid4().hex
        response = JSONResponse(
            exc.body(rid), status_code=exc.error.http_status, headers={"X-Request-Id": rid}
        )
        await response(scope, receive, send)

    return respond
