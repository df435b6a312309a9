"""Shared fixtures: every storage test runs on SQLite and PostgreSQL, every session-store
test on the in-process store and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import harness
import pytest


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with harness.database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=["memory", "redis"])
def session_store_url(request: pytest.FixtureRequest) -> str:
    return harness.session_store(request.param)
