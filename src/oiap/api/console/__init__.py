"""The console's server side: sign-in and users, the bot workbench (validation, test calls,
diffs, conversation tests, access codes) and the single-page app's assets (docs/console.md)."""

from __future__ import annotations

from fastapi import FastAPI

from oiap.api.console import (
    access_codes,
    analytics,
    assets,
    audit,
    metastudio,
    nlu_trial,
    replay,
    session,
    users,
    workbench,
)


async def shutdown(app: FastAPI) -> None:
    """Live test calls hold throwaway platforms (temporary folders, stub servers)."""
    calls = getattr(app.state, "test_calls", None)
    if calls is not None:
        await calls.close()


def install(app: FastAPI) -> None:
    app.include_router(session.router)
    app.include_router(users.router)
    app.include_router(workbench.router)
    app.include_router(access_codes.router)
    app.include_router(nlu_trial.router)
    app.include_router(analytics.router)
    app.include_router(replay.router)
    app.include_router(metastudio.router)
    app.include_router(audit.router)
    assets.install(app)
