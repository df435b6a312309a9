"""``GET /metrics`` (Prometheus text format) and the request log, installed on the app.

``install(app, settings)`` is called last in ``create_app``, so that the request log wraps
every other middleware (the MetaStudio envelope included) and sees every answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from oiap.adapters import metrics
from oiap.api.request_log import RequestLog, use_json_lines
from oiap.errors import Err, OiapError
from oiap.settings import Settings

REFRESH_EVERY = 15.0  # seconds between two updates of the live-dialog estimate


def install(app: FastAPI, settings: Settings) -> None:
    metrics.install(
        dialog_ttl=float(settings.dialog_ttl), log_caller_input=settings.log_caller_input
    )
    json_lines = settings.log_format == "json"
    if json_lines:
        use_json_lines()
    token = settings.metrics_token.encode()

    async def scrape(request: Request) -> Response:
        if token and not _authorised(request, token):
            error = OiapError(
                Err.TOKEN_INVALID
                if request.headers.get("authorization")
                else Err.TOKEN_MISSING_OR_EXPIRED
            )
            return JSONResponse(
                error.body(), status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        # Reading every worker's files is disk work: off the event loop.
        body = await asyncio.to_thread(metrics.render)
        return Response(body, media_type=metrics.CONTENT_TYPE)

    app.add_api_route(
        "/metrics",
        scrape,
        methods=["GET"],
        tags=["operations"],
        summary="Prometheus metrics (a bearer token when OIAP_METRICS_TOKEN is set)",
        response_class=Response,
    )
    app.add_middleware(RequestLog, json_lines=json_lines)
    _keep_estimate_fresh(app)


def _authorised(request: Request, token: bytes) -> bool:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token)


def _keep_estimate_fresh(app: FastAPI) -> None:
    """Around the app's lifespan: the live-dialog estimate refreshed while the worker runs,
    and this worker's gauges dropped from the sum when it stops."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(app_: Any) -> AsyncIterator[Any]:
        async with inner(app_) as state:
            task = asyncio.create_task(_refresh(), name="metrics-refresh")
            try:
                yield state
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
                metrics.worker_stopped()

    app.router.lifespan_context = lifespan


async def _refresh() -> None:
    while True:
        await asyncio.sleep(REFRESH_EVERY)
        metrics.refresh_live_dialogs()
