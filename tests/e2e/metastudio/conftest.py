"""One real server per storage and session-store pairing, shared by the MetaStudio tests.

With Redis the server runs two workers, so quotas and codes are shared across processes.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import harness
import pytest
from chat_support import BankProject, bank_project, dialog_support
from metastudio_client import Project, new_project


@pytest.fixture(
    scope="session",
    params=[
        ("sqlite", "memory"),
        ("sqlite", "redis"),
        ("postgresql", "memory"),
        ("postgresql", "redis"),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[harness.Server, dict[str, str]]]:
    db_kind, store_kind = request.param
    tmp = tmp_path_factory.mktemp(f"ms-{db_kind}-{store_kind}")
    with harness.database(db_kind, tmp) as db_url:
        env = harness.oiap_env(
            database_url=db_url,
            session_store=harness.session_store(store_kind),
            # Shared by the CLI and the server; no key file is left in the working tree.
            secret_key=secrets.token_hex(32),
            # A model kept waiting on purpose (test_model_chat) times out soon.
            language_model_timeout=2,
        )
        harness.run_cli("db", "upgrade", env=env)
        workers = ["--workers", "2"] if store_kind == "redis" else []
        with harness.Server(env, *workers, log=tmp / "server.log") as running:
            yield running, env


@pytest.fixture
def project(server: tuple[harness.Server, dict[str, str]]) -> Project:
    running, env = server
    return new_project(running.url, env, "p-" + secrets.token_hex(4))


@pytest.fixture(scope="module")
def core_banking() -> Iterator[Any]:
    """The bank-hotline bot's core-banking system, on loopback."""
    system = dialog_support().CoreBanking()
    yield system
    system.close()


@pytest.fixture(scope="module")
def bank(
    server: tuple[harness.Server, dict[str, str]],
    core_banking: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> BankProject:
    """A project of a tenant whose bank-hotline bot answers on access codes 4001 and 4002."""
    running, env = server
    return bank_project(running.url, env, tmp_path_factory.mktemp("bank"), core_banking)
