"""Entry point for ASGI servers: ``uvicorn --factory oiap.api.main:create_default_app``."""

from __future__ import annotations

from fastapi import FastAPI

from oiap.api.app import create_app
from oiap.settings import Settings


def create_default_app() -> FastAPI:
    return create_app(Settings())
