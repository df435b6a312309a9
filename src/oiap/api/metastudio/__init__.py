"""The MetaStudio smart-chat wire format: routers, envelope and their installation."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import Scope

from oiap.api.metastudio import chat, codes, jobs, robots, rooms, tokens, web_client
from oiap.api.metastudio.envelope import (
    body_limit,
    install_error_rendering,
    is_metastudio_path,
    too_large,
)
from oiap.errors import MetaStudioError, MsErr

__all__ = [
    "body_limit",
    "install",
    "is_metastudio_path",
    "parameter_refusal",
    "shutdown",
    "too_large",
]


def install(app: FastAPI) -> None:
    """Adds the MetaStudio routes; call after the application's own exception handlers."""
    for module in (tokens, rooms, robots, jobs, chat, codes, web_client):
        app.include_router(module.router)
    install_error_rendering(app)


async def shutdown(app: FastAPI) -> None:
    keeper = getattr(app.state, "metastudio_job_keeper", None)
    if keeper is not None:
        await keeper.close()


def parameter_refusal(scope: Scope, detail: str) -> JSONResponse:
    """``MSS.00000003`` for a request refused before routing (``X-Request-Id`` is added
    by the envelope's middleware around it)."""
    exc = MetaStudioError(MsErr.INVALID_PARAMETER, detail)
    rid = scope.get("state", {}).get("request_id") or uuid.uuid4().hex
    return JSONResponse(exc.body(rid), status_code=exc.error.http_status)
