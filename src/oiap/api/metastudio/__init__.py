"""The MetaStudio smart-chat wire format: routers, envelope and their installation."""

from __future__ import annotations

from fastapi import FastAPI

from oiap.api.metastudio import chat, codes, jobs, robots, rooms, tokens, web_client
from oiap.api.metastudio.envelope import body_limit, install_error_rendering, too_large

__all__ = ["body_limit", "install", "shutdown", "too_large"]


def install(app: FastAPI) -> None:
    """Adds the MetaStudio routes; call after the application's own exception handlers."""
    for module in (tokens, rooms, robots, jobs, chat, codes, web_client):
        app.include_router(module.router)
    install_error_rendering(app)


async def shutdown(app: FastAPI) -> None:
    keeper = getattr(app.state, "metastudio_job_keeper", None)
    if keeper is not None:
        await keeper.close()
