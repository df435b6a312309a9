"""A real server on loopback with the bank-hotline bot, its core banking on loopback too."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness
import pytest
from dialog_support import Account, CoreBanking, bot_copy, new_tenant, token


@dataclass
class Hotline:
    server: harness.Server
    env: dict[str, str]
    bank: CoreBanking
    account: Account
    bot: Path
    token: str

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="module")
def bank() -> Iterator[CoreBanking]:
    system = CoreBanking()
    yield system
    system.close()


def start_hotline(
    tmp: Path, bank: CoreBanking, database: str, store: str, **settings: str | int
) -> Hotline:
    env = harness.oiap_env(database_url=database, session_store=store, **settings)
    bot = bot_copy(tmp / "bot", bank.url)
    account = new_tenant(env, "Hotline", bot)
    server = harness.Server(env, log=tmp / "server.log").start()
    return Hotline(server, env, bank, account, bot, token(server.url, account))


@pytest.fixture(scope="module")
def hotline(tmp_path_factory: pytest.TempPathFactory, bank: CoreBanking) -> Iterator[Hotline]:
    """SQLite and the in-process store: the embedded defaults."""
    tmp = tmp_path_factory.mktemp("hotline")
    line = start_hotline(tmp, bank, f"sqlite:///{tmp / 'oiap.db'}", "memory")
    yield line
    line.server.stop()
