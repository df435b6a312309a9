"""The web application: routers, error rendering, body limits, health checks."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from oiap import __version__
from oiap.adapters.sessions import open_session_store
from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage
from oiap.api import console, metastudio
from oiap.api import demo as demo_systems
from oiap.api import metrics as observability
from oiap.api.manage import domains as manage_domains
from oiap.api.manage import faq as manage_faq
from oiap.api.manage import flows as manage_flows
from oiap.api.manage import interfaces as manage_interfaces
from oiap.api.manage import templates as manage_templates
from oiap.api.manage import variables as manage_variables
from oiap.api.manage import versions as manage_versions
from oiap.api.oiap import auth as oiap_auth
from oiap.api.oiap import dialog as oiap_dialog
from oiap.api.oiap import domains as oiap_domains
from oiap.api.oiap import faq as oiap_faq
from oiap.api.oiap import flows as oiap_flows
from oiap.api.oiap import intents as oiap_intents
from oiap.api.oiap import navigation as oiap_navigation
from oiap.api.oiap import records as oiap_records
from oiap.api.oiap import server_auth as oiap_server_auth
from oiap.api.oiap import tts as oiap_tts
from oiap.api.oiap.dialog_wire import error_body as dialog_error_body
from oiap.api.platform import Platform
from oiap.api.wire import BodyLimit, BodyTooLarge, MalformedBody, UnsafeTextGuard
from oiap.errors import Err, OiapError
from oiap.services.ports import StoreUnavailable, unavailable_error
from oiap.services.retention import Retention, start_retention
from oiap.settings import Settings

log = logging.getLogger("oiap")


def _error(error: Err, detail: str | None = None, status: int | None = None) -> JSONResponse:
    exc = OiapError(error, detail)
    return JSONResponse(exc.body(), status_code=status or error.http_status)


def _method_not_allowed(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """A known path asked with a method it does not answer: name the one(s) it does."""
    headers = dict(exc.headers or {})
    allowed = [m for m in headers.get("Allow", "").split(", ") if m and m != "HEAD"]
    detail = f"{request.method} is not answered at {request.url.path}"
    detail += f"; use {' or '.join(sorted(allowed))}." if allowed else "."
    return _family_error(request.scope, OiapError(Err.METHOD_NOT_ALLOWED, detail), headers)


def _unsafe_text(scope: Scope, detail: str) -> Response:
    """A path, query or credential header refused before routing, in its family's shape."""
    path = str(scope.get("path", ""))
    if metastudio.is_metastudio_path(path):
        return metastudio.parameter_refusal(scope, detail)
    return _family_error(scope, OiapError(Err.PARAMETER, detail))


def _family_error(
    scope: Scope, error: OiapError, headers: dict[str, str] | None = None
) -> JSONResponse:
    """An OIAP error in the body shape of the interface family its path belongs to."""
    path = str(scope.get("path", ""))
    if path.startswith(oiap_faq.PATH_PREFIXES):
        body = error.text_code_body()
    elif path.startswith(("/oifde/rest/crs/process", "/oifde/rest/v2/crs/process/")):
        body = dialog_error_body(None, error)
    else:
        body = error.body()
    return JSONResponse(body, status_code=error.error.http_status, headers=headers)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    response = _error(Err.BODY_TOO_LARGE)
    await response(scope, receive, send)


async def _within(check: Awaitable[bool], seconds: float) -> bool:
    try:
        async with asyncio.timeout(seconds):
            return await check
    except TimeoutError:
        return False


def create_app(settings: Settings, *, platform: Platform | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = platform is None
        current = platform or Platform(
            settings=settings,
            storage=SqlStorage(Database(settings.database_url)),
            sessions=open_session_store(
                settings.session_store,
                lock_lease=settings.dialog_lock_lease,
                connect_timeout=settings.redis_connect_timeout,
                command_timeout=settings.redis_command_timeout,
            ),
        )
        app.state.platform = current
        # Records a previous run left in the durable buffer are written now, not at the
        # first turn that happens to reach this worker.
        current.dialogs.recorder.start()
        retention = start_retention(current.storage, current.sessions, Retention.of(settings))
        # What start-up built lives as long as the worker; frozen, the collector stops
        # rescanning it on every full collection, which would stall every dialog at once.
        gc.freeze()
        try:
            yield
        finally:
            retention.cancel()
            await metastudio.shutdown(app)
            await console.shutdown(app)
            await current.close_dialogs()
            if own:
                await current.sessions.close()
                await current.storage.close()

    app = FastAPI(
        title="OpenOIAP",
        version=__version__,
        description="Self-hosted intelligent assistant platform (OIAP-compatible).",
        lifespan=lifespan,
        # FastAPI's pages load Swagger UI and ReDoc from a CDN; /docs is served from the
        # console's build instead (api/console/assets.py).
        docs_url=None,
        redoc_url=None,
    )
    if platform is not None:
        app.state.platform = platform

    @app.exception_handler(OiapError)
    async def oiap_error(_request: Request, exc: OiapError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.error.http_status)

    @app.exception_handler(MalformedBody)
    async def malformed(_request: Request, exc: MalformedBody) -> JSONResponse:
        detail = f"'{exc.field}': {exc.problem}" if exc.field else exc.problem
        return _error(Err.PARAMETER, detail)

    @app.exception_handler(StoreUnavailable)
    async def store_unavailable(_request: Request, exc: StoreUnavailable) -> JSONResponse:
        return _error(unavailable_error(exc))  # the store logs it, rate-limited

    @app.exception_handler(BodyTooLarge)
    async def too_large(_request: Request, _exc: BodyTooLarge) -> JSONResponse:
        return _error(Err.BODY_TOO_LARGE)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(Err.PARAMETER, f"'{where}': {first.get('msg', 'invalid')}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return _method_not_allowed(request, exc)
        error = Err.NOT_FOUND if exc.status_code == 404 else Err.PARAMETER
        return _error(error, str(exc.detail), status=exc.status_code)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(Err.INTERNAL)

    app.include_router(oiap_auth.router)
    app.include_router(oiap_server_auth.router)
    app.include_router(oiap_domains.router)
    app.include_router(oiap_navigation.router)
    app.include_router(oiap_flows.router)
    app.include_router(oiap_dialog.router)
    app.include_router(oiap_records.router)
    app.include_router(oiap_tts.router)
    if settings.demo:
        app.include_router(demo_systems.router)
    app.include_router(manage_domains.router)
    app.include_router(manage_flows.router)
    app.include_router(manage_versions.router)
    app.include_router(manage_variables.router)
    app.include_router(manage_templates.router)
    app.include_router(manage_interfaces.router)
    app.include_router(manage_faq.router)
    app.include_router(oiap_faq.router)
    app.include_router(oiap_intents.router)
    console.install(app)
    # Inside the MetaStudio envelope's middleware, so its refusals carry X-Request-Id.
    app.add_middleware(
        UnsafeTextGuard, refuse=_unsafe_text, path_templates=lambda: app.openapi()["paths"]
    )
    metastudio.install(app)

    @app.get("/healthz", tags=["operations"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Database and session store reachable")
    async def readyz(request: Request) -> JSONResponse:
        current: Platform = request.app.state.platform
        # Both checks at once, each bounded: a frozen backend answers "unavailable", never
        # a probe that hangs until the load balancer gives up.
        patience = settings.redis_connect_timeout + settings.redis_command_timeout
        database, store = await asyncio.gather(
            _within(current.storage.ping(), patience), _within(current.sessions.ping(), patience)
        )
        checks = {"database": database, "sessionStore": store}
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "unavailable", "checks": checks},
            status_code=200 if ready else 503,
        )

    app.add_middleware(
        BodyLimit,
        max_bytes=lambda scope: metastudio.body_limit(scope, settings.max_body_bytes),
        on_too_large=metastudio.too_large(oiap_faq.too_large(_too_large)),
    )
    observability.install(app, settings)  # last: its request log wraps every middleware
    return app
