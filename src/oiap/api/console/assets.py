"""The console's built single-page app at /console, and /docs with its assets bundled."""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Placeholder, being written."""
