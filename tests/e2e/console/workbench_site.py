"""A real server with the bank-hotline bot pushed and published for a tenant, driven through
the management API with the tenant's token (which acts as an admin), as a script would."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")
V1 = "/oiap/v1"


@dataclass
class Workbench:
    server: harness.Server
    env: dict[str, str]
    tenant_id: str
    token: str
    tmp: Path

    def __call__(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return httpx.request(
            method,
            self.server.url + V1 + path,
            json=body,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=60,
        )

    def new_tenant(self, name: str, *, publish: bool = True) -> Workbench:
        created = harness.cli_json("tenant", "create", name, env=self.env)
        extra = ("--publish",) if publish else ()
        harness.run_cli(
            "bot", "push", EXAMPLE, "--tenant", created["tenantId"], *extra, env=self.env
        )
        token = harness.token(self.server.url, created["appKey"], created["appSecret"])
        return Workbench(self.server, self.env, created["tenantId"], token, self.tmp)


@pytest.fixture(scope="module")
def workbench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    tmp = tmp_path_factory.mktemp("workbench")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory", token_ttl=3600
    )
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        yield Workbench(server, env, "", "", tmp).new_tenant("Bank A")
