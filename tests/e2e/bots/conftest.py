"""A real server on loopback with the bank-hotline bot installed for two tenants.

Tenant ``a`` has the bot pushed and published; tenant ``b`` has it pushed as drafts only,
so the two differ where publication matters and every id of one is foreign to the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")


@dataclass
class Tenant:
    tenant_id: str
    token: str


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]
    a: Tenant
    b: Tenant

    def post(self, path: str, body: Any) -> httpx.Response:
        return httpx.post(self.server.url + path, json=body, timeout=10)

    def call(self, path: str, tenant: Tenant, **fields: Any) -> httpx.Response:
        """``path`` for ``tenant`` with its own token."""
        return self.post(path, {"tenantId": tenant.tenant_id, "authToken": tenant.token, **fields})

    def new_tenant(self, name: str, *, push: bool = False, publish: bool = False) -> Tenant:
        created = harness.cli_json("tenant", "create", name, env=self.env)
        if push:
            extra = ("--publish",) if publish else ()
            harness.run_cli(
                "bot", "push", EXAMPLE, "--tenant", created["tenantId"], *extra, env=self.env
            )
        token = harness.token(self.server.url, created["appKey"], created["appSecret"])
        return Tenant(created["tenantId"], token)

    def domain_id(self, tenant: Tenant) -> int:
        reply = self.call("/oifde/rest/api/querydomaininfo", tenant)
        domain_id: int = reply.json()["domains"][0]["domainId"]
        return domain_id


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp(request.param)
    with harness.database(request.param, tmp) as db_url:
        env = harness.oiap_env(database_url=db_url, session_store="memory", token_ttl=3600)
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            half = Deployment(server, env, Tenant("", ""), Tenant("", ""))
            half.a = half.new_tenant("Bank A", push=True, publish=True)
            half.b = half.new_tenant("Bank B", push=True)
            yield half
