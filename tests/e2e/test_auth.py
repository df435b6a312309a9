"""OIAP token authentication against a real server on loopback, driven as a client would:
tenants made with the CLI, tokens over HTTP, on every storage and session-store pairing."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import harness
import httpx
import pytest

TOKEN_TTL = 2
LOCK_SECONDS = 3
THRESHOLD = 5
GETTOKEN = "/oifde/rest/api/gettoken"
APPCUBE = "/oifde/rest/appcube/api/getAppCubeToken"
DOMAINS = "/oifde/rest/api/querydomaininfo"


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.server.url + path, json=body, timeout=10, **kwargs)

    def new_tenant(self, name: str = "Acme") -> dict[str, str]:
        created: dict[str, str] = harness.cli_json("tenant", "create", name, env=self.env)
        return created

    def token(self, tenant: dict[str, str]) -> str:
        reply = self.post(GETTOKEN, {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]})
        assert reply.status_code == 200, reply.text
        token: str = reply.json()["authToken"]
        return token


@pytest.fixture(
    scope="module",
    params=[
        ("sqlite", "memory"),
        ("sqlite", "redis"),
        ("postgresql", "memory"),
        ("postgresql", "redis"),
    ],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    db_kind, store_kind = request.param
    tmp = tmp_path_factory.mktemp(f"{db_kind}-{store_kind}")
    with harness.database(db_kind, tmp) as db_url:
        env = harness.oiap_env(
            database_url=db_url,
            session_store=harness.session_store(store_kind),
            token_ttl=TOKEN_TTL,
            lockout_threshold=THRESHOLD,
            lockout_window=60,
            lockout_duration=LOCK_SECONDS,
        )
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            yield Deployment(server, env)


def test_cli_tenant_token_and_authenticated_call(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    assert tenant["appKey"] == tenant["tenantId"]
    assert len(tenant["appSecret"]) >= 24

    reply = deployment.post(
        GETTOKEN, {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]}
    )
    body = reply.json()
    assert reply.status_code == 200
    assert body["errorCode"] == 0 and body["errorMsg"] == ""
    assert body["expireTime"] == TOKEN_TTL
    assert len(body["authToken"]) > 40

    domains = deployment.post(
        DOMAINS, {"tenantId": tenant["tenantId"], "authToken": body["authToken"]}
    )
    assert domains.status_code == 200, domains.text
    assert domains.json() == {"errorCode": 0, "errorMsg": "", "domains": []}


def test_appcube_variant_issues_working_tokens(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    reply = deployment.post(APPCUBE, {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]})
    assert reply.status_code == 200
    token = reply.json()["authToken"]
    check = deployment.post(DOMAINS, {"tenantId": tenant["tenantId"], "authToken": token})
    assert check.status_code == 200


def test_expired_token_answers_900001(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    token = deployment.token(tenant)
    assert deployment.post(DOMAINS, {"tenantId": tenant["tenantId"], "authToken": token}).is_success
    time.sleep(TOKEN_TTL + 1.2)
    reply = deployment.post(DOMAINS, {"tenantId": tenant["tenantId"], "authToken": token})
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == 900001


def test_missing_token_answers_900001(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    reply = deployment.post(DOMAINS, {"tenantId": tenant["tenantId"]})
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == 900001


@pytest.mark.parametrize(
    "forged",
    [
        "not-a-token",
        "",
        f"v1.{int(time.time()) + 3600:x}." + secrets.token_urlsafe(32),
        "v1.zzzz." + secrets.token_urlsafe(32),
    ],
)
def test_forged_token_answers_900002(deployment: Deployment, forged: str) -> None:
    tenant = deployment.new_tenant()
    reply = deployment.post(DOMAINS, {"tenantId": tenant["tenantId"], "authToken": forged})
    assert reply.status_code == 401
    # An empty token is a missing one; anything else that we did not issue is forged.
    assert reply.json()["errorCode"] == (900001 if forged == "" else 900002)


def test_another_tenants_token_answers_900002(deployment: Deployment) -> None:
    alice, bob = deployment.new_tenant("Alice"), deployment.new_tenant("Bob")
    alice_token = deployment.token(alice)
    reply = deployment.post(DOMAINS, {"tenantId": bob["tenantId"], "authToken": alice_token})
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == 900002


def test_unknown_app_key_answers_200800001(deployment: Deployment) -> None:
    reply = deployment.post(
        GETTOKEN, {"appKey": "nobody-" + secrets.token_hex(4), "appSecret": "x"}
    )
    assert reply.status_code == 401
    assert reply.json()["errorCode"] == 200800001


def test_lockout_after_repeated_wrong_secrets_then_release(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    wrong = {"appKey": tenant["appKey"], "appSecret": "wrong-secret"}
    right = {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]}

    codes = [deployment.post(GETTOKEN, wrong).json()["errorCode"] for _ in range(THRESHOLD)]
    assert codes == [200800002] * (THRESHOLD - 1) + [200800003]

    locked = deployment.post(GETTOKEN, right)
    assert locked.status_code == 403
    assert locked.json()["errorCode"] == 200800003
    assert "authToken" not in locked.json()

    time.sleep(LOCK_SECONDS + 0.5)
    assert deployment.post(GETTOKEN, right).json()["errorCode"] == 0


def test_success_resets_the_failure_count(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    wrong = {"appKey": tenant["appKey"], "appSecret": "wrong-secret"}
    for _ in range(THRESHOLD - 1):
        assert deployment.post(GETTOKEN, wrong).json()["errorCode"] == 200800002
    deployment.token(tenant)
    for _ in range(THRESHOLD - 1):
        assert deployment.post(GETTOKEN, wrong).json()["errorCode"] == 200800002


def test_system_user_acts_for_any_tenant_through_headers(deployment: Deployment) -> None:
    name = "ipcc" + secrets.token_hex(3)
    account = harness.cli_json("system-user", "create", name, env=deployment.env)
    tenant = deployment.new_tenant()
    reply = deployment.post(
        GETTOKEN, {"appKey": account["appKey"], "appSecret": account["appSecret"]}
    )
    token = reply.json()["authToken"]

    with_headers = deployment.post(
        DOMAINS, {"tenantId": tenant["tenantId"]}, headers={"username": name, "token": token}
    )
    assert with_headers.status_code == 200

    # A machine token is only accepted with its own username, and only in headers.
    wrong_user = deployment.post(
        DOMAINS, {"tenantId": tenant["tenantId"]}, headers={"username": "other", "token": token}
    )
    assert wrong_user.json()["errorCode"] == 900002
    in_body = deployment.post(DOMAINS, {"tenantId": tenant["tenantId"], "authToken": token})
    assert in_body.json()["errorCode"] == 900002


def test_rotated_secret_replaces_the_old_one(deployment: Deployment) -> None:
    tenant = deployment.new_tenant()
    rotated = harness.cli_json("tenant", "rotate-secret", tenant["tenantId"], env=deployment.env)
    assert rotated["appSecret"] != tenant["appSecret"]
    old = deployment.post(GETTOKEN, {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]})
    assert old.json()["errorCode"] == 200800002
    assert deployment.token({**tenant, "appSecret": rotated["appSecret"]})


def test_tenant_list_shows_created_tenants(deployment: Deployment) -> None:
    tenant = deployment.new_tenant("Listed Ltd")
    listed = harness.cli_json("tenant", "list", env=deployment.env)
    assert {"tenantId": tenant["tenantId"], "name": "Listed Ltd"}.items() <= next(
        t for t in listed if t["tenantId"] == tenant["tenantId"]
    ).items()


def test_health_and_readiness(deployment: Deployment) -> None:
    assert httpx.get(deployment.server.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(deployment.server.url + "/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "sessionStore": True}
    docs = httpx.get(deployment.server.url + "/openapi.json").json()
    assert GETTOKEN in docs["paths"]


def test_every_reference_in_the_published_api_description_resolves(
    deployment: Deployment,
) -> None:
    # Client generators and the /docs page follow each "$ref" from the document's root.
    docs = httpx.get(deployment.server.url + "/openapi.json").json()

    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [r for value in node.values() for r in refs(value)]
        if isinstance(node, list):
            return [r for item in node for r in refs(item)]
        return []

    found = refs(docs)
    assert any(r.startswith("#/components/schemas/") for r in found)
    for ref in found:
        target: Any = docs
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{ref} does not resolve"
            target = target[part]
    body = docs["paths"]["/oiap/v1/domains/{name}"]["put"]["requestBody"]
    intents = body["content"]["application/json"]["schema"]["properties"]["intents"]
    assert "properties" in str(intents)  # the nested intent model is described, not lost
