"""The authorization interface (spec §10, ``POST /chatbot/serverauth/login``) against a real
server, driven as a client runs the challenge login: ask, get a nonce with a 401, answer it
with HMAC-SHA256 under the login key the CLI issued, use the token on other interfaces."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import harness
import httpx
import pytest

LOGIN = "/chatbot/serverauth/login"
DOMAINS = "/oifde/rest/api/querydomaininfo"
FLOWS = "/oifde/rest/api/queryflows"
GETTOKEN = "/oifde/rest/api/gettoken"
TOKEN_TTL = 120
THRESHOLD = 3
LOCK_SECONDS = 3


def checksum(key: str, nonce: str) -> str:
    return hmac.new(key.encode(), nonce.encode(), hashlib.sha256).hexdigest()


@dataclass
class Account:
    name: str
    login_key: str
    app_secret: str


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]
    store: str

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return httpx.post(self.server.url + path, json=body, timeout=15, **kwargs)

    def nonce(self) -> str:
        reply = self.post(LOGIN, {})
        assert reply.status_code == 401, reply.text
        nonce: str = reply.json()["nonce"]
        return nonce

    def login(self, account: str, key: str, nonce: str | None = None) -> httpx.Response:
        nonce = nonce or self.nonce()
        return self.post(
            LOGIN, {"account": account, "nonce": nonce, "checksum": checksum(key, nonce)}
        )

    def tenant(self) -> Account:
        created = harness.cli_json("tenant", "create", "Login", env=self.env)
        issued = harness.cli_json("tenant", "login-key", created["tenantId"], env=self.env)
        assert issued["account"] == created["tenantId"]
        return Account(created["tenantId"], issued["loginKey"], created["appSecret"])


@pytest.fixture(
    scope="module",
    params=[("sqlite", "memory"), ("postgresql", "redis")],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    db_kind, store_kind = request.param
    tmp = tmp_path_factory.mktemp(f"login-{db_kind}-{store_kind}")
    with harness.database(db_kind, tmp) as db_url:
        env = harness.oiap_env(
            database_url=db_url,
            session_store=harness.session_store(store_kind),
            # the CLI seals login keys under the key the server unseals them with
            secret_key=secrets.token_hex(16),
            token_ttl=TOKEN_TTL,
            lockout_threshold=THRESHOLD,
            lockout_window=60,
            lockout_duration=LOCK_SECONDS,
        )
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            yield Deployment(server, env, store_kind)


def _refusal(reply: httpx.Response, code: int) -> dict[str, Any]:
    assert reply.status_code == 401, reply.text
    body: dict[str, Any] = reply.json()
    assert set(body) == {"error", "errorCode", "nonce"}
    assert body["errorCode"] == code, body
    assert 0 < len(body["nonce"]) <= 128 and 0 < len(body["error"]) <= 512
    return body


def test_challenge_login_gives_a_tenant_token_the_other_interfaces_accept(
    deployment: Deployment,
) -> None:
    d = deployment
    tenant = d.tenant()
    first = _refusal(d.post(LOGIN, {"account": tenant.name}), 900001)
    assert _refusal(d.post(LOGIN), 900001)["nonce"] != first["nonce"]  # no body at all

    nonce = first["nonce"]
    reply = d.login(tenant.name, tenant.login_key, nonce)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert set(body) == {"token", "duration"} and body["duration"] == TOKEN_TTL
    assert len(body["token"]) <= 128
    own = {"tenantId": tenant.name, "authToken": body["token"]}
    domains = d.post(DOMAINS, own)
    assert domains.status_code == 200, domains.text
    assert domains.json()["domains"] == []
    assert d.post(FLOWS, own).json() == {"total": 0, "flowList": []}
    # A tenant's token is for that tenant only, as gettoken's is.
    other = d.tenant()
    foreign = d.post(DOMAINS, {"tenantId": other.name, "authToken": body["token"]})
    assert foreign.status_code == 401 and foreign.json()["errorCode"] == 900002

    # The nonce was good for one answer: the same right answer again is refused.
    again = _refusal(d.login(tenant.name, tenant.login_key, nonce), 900002)
    assert again["nonce"] != nonce
    # Any nonce we never gave out is refused the same way.
    _refusal(d.login(tenant.name, tenant.login_key, "made-up"), 900002)

    # Base64 of the HMAC is accepted as well as hex.
    fresh = d.nonce()
    mac = hmac.new(tenant.login_key.encode(), fresh.encode(), hashlib.sha256).digest()
    as_b64 = {"account": tenant.name, "nonce": fresh, "checksum": base64.b64encode(mac).decode()}
    assert d.post(LOGIN, as_b64).status_code == 200


def test_a_machine_account_gets_a_token_for_its_headers(deployment: Deployment) -> None:
    d = deployment
    tenant = d.tenant()
    name = f"ipcc{secrets.token_hex(3)}"
    harness.cli_json("system-user", "create", name, env=d.env)
    key = harness.cli_json("system-user", "login-key", name, env=d.env)["loginKey"]
    reply = d.login(name, key)
    assert reply.status_code == 200, reply.text
    token = reply.json()["token"]
    headers = {"username": name, "token": token}
    domains = d.post(DOMAINS, {"tenantId": tenant.name}, headers=headers)
    assert domains.status_code == 200, domains.text
    in_body = d.post(DOMAINS, {"tenantId": tenant.name, "authToken": token})
    assert in_body.status_code == 401 and in_body.json()["errorCode"] == 900002


def test_an_unknown_account_reads_as_a_wrong_checksum(deployment: Deployment) -> None:
    d = deployment
    tenant = d.tenant()
    wrong = _refusal(d.login(tenant.name, "not-the-key"), 200800002)
    unknown = _refusal(d.login(f"nobody{secrets.token_hex(4)}", tenant.login_key), 200800002)
    keyless = harness.cli_json("tenant", "create", "No key", env=d.env)["tenantId"]
    without_key = _refusal(d.login(keyless, "anything"), 200800002)
    odd = _refusal(d.login("no such/account", "anything"), 200800002)
    assert wrong["error"] == unknown["error"] == without_key["error"] == odd["error"]
    nonce = d.nonce()
    garbled = {"account": tenant.name, "nonce": nonce, "checksum": "zz" * 32}
    _refusal(d.post(LOGIN, garbled), 200800002)
    # Refusals do not spend the account: the right answer still logs in.
    assert d.login(tenant.name, tenant.login_key).status_code == 200


def test_one_nonce_answered_at_once_logs_in_once(deployment: Deployment) -> None:
    d = deployment
    tenant = d.tenant()
    nonce = d.nonce()
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda _: d.login(tenant.name, tenant.login_key, nonce), range(4)))
    assert sorted(r.status_code for r in replies) == [200, 401, 401, 401]


@pytest.mark.slow
def test_repeated_wrong_checksums_lock_the_account(deployment: Deployment) -> None:
    d = deployment
    tenant = d.tenant()
    for _ in range(THRESHOLD - 1):
        _refusal(d.login(tenant.name, "guess"), 200800002)
    locked = _refusal(d.login(tenant.name, "guess"), 200800003)
    assert locked["error"].startswith("The account is locked. Try again in ")
    # Locked means locked: the right checksum, and gettoken's right secret, are refused too.
    _refusal(d.login(tenant.name, tenant.login_key), 200800003)
    secret = {"appKey": tenant.name, "appSecret": tenant.app_secret}
    assert d.post(GETTOKEN, secret).json()["errorCode"] == 200800003
    # An account that does not exist locks the same way.
    nobody = f"nobody{secrets.token_hex(4)}"
    for _ in range(THRESHOLD - 1):
        _refusal(d.login(nobody, "guess"), 200800002)
    _refusal(d.login(nobody, "guess"), 200800003)

    time.sleep(LOCK_SECONDS + 0.5)
    assert d.login(tenant.name, tenant.login_key).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        {"account": "a" * 33},
        {"nonce": "n" * 129},
        {"checksum": "c" * 513},
        {"account": 7},
        {"nonce": ["x"]},
        {"checksum": {"hex": "00"}},
    ],
)
def test_fields_over_their_limits_are_parameter_errors(
    deployment: Deployment, fields: dict[str, Any]
) -> None:
    body = {"account": "someone", "nonce": "n", "checksum": "00" * 32, **fields}
    reply = deployment.post(LOGIN, body)
    assert reply.status_code == 400, reply.text
    assert reply.json()["errorCode"] == 10000002


def test_limits_themselves_are_accepted(deployment: Deployment) -> None:
    d = deployment
    at_limits = {"account": "a" * 32, "nonce": "n" * 128, "checksum": "c" * 512}
    _refusal(d.post(LOGIN, at_limits), 900002)
    not_json = httpx.post(
        d.server.url + LOGIN, content=b"account=x", headers={"Content-Type": "text/plain"}
    )
    assert not_json.status_code == 400 and not_json.json()["errorCode"] == 10000002


def test_a_new_login_key_replaces_the_old_one(deployment: Deployment) -> None:
    d = deployment
    tenant = d.tenant()
    token = d.login(tenant.name, tenant.login_key).json()["token"]
    new_key = harness.cli_json("tenant", "login-key", tenant.name, env=d.env)["loginKey"]
    assert new_key != tenant.login_key
    _refusal(d.login(tenant.name, tenant.login_key), 200800002)
    assert d.login(tenant.name, new_key).status_code == 200
    if d.store == "redis":  # the CLI reaches the server's tokens only through a shared store
        reply = d.post(DOMAINS, {"tenantId": tenant.name, "authToken": token})
        assert reply.status_code == 401 and reply.json()["errorCode"] == 900002


def test_the_cli_refuses_accounts_that_cannot_log_in(deployment: Deployment) -> None:
    d = deployment
    missing = harness.run_cli("tenant", "login-key", "nobody-here", env=d.env, check=False)
    assert missing.returncode == 1 and "200800001" in missing.stderr
    long_id = "t" * 40
    harness.run_cli("tenant", "create", "Long", "--id", long_id, env=d.env)
    too_long = harness.run_cli("tenant", "login-key", long_id, env=d.env, check=False)
    assert too_long.returncode == 1 and "10000002" in too_long.stderr
