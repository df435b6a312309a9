"""Access codes through the management API (`/oiap/v1/access-codes`) against a real server:
bind, rebind and unbind as the console does, and the next call on the code follows at once."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")
V1 = "/oiap/v1"
OTHER_GREETING = "You reached the other flow."


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]
    tenant_id: str
    token: str

    def api(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return httpx.request(
            method, self.server.url + V1 + path, json=body, headers=headers, timeout=15, **kwargs
        )

    def call(self, code: str) -> httpx.Response:
        """A new call on ``code``: its first turn, as the IVR sends it."""
        userid = f"call-{secrets.token_hex(6)}"
        params = {
            "call_id": userid,
            "call_dst_id": code,
            "call_sor_id": "13500000001",
            "auth_token": self.token,
        }
        body = {"userid": userid, "inaction": 8, "inparams": params}
        return httpx.post(self.server.url + "/oifde/rest/crs/process", json=body, timeout=15)


def _reply_flow(name: str, text: str) -> dict[str, Any]:
    def node(id_: str, kind: str, params: dict[str, Any], to: str | None) -> dict[str, Any]:
        return {"id": id_, "kind": kind, "params": params, "branches": [{"to": to}] if to else []}

    return {
        "name": name,
        "nodes": [
            node("start", "start", {}, "say"),
            node("say", "reply", {"text": text, "mode": "play"}, "end"),
            node("end", "end", {"reason": "done"}, None),
        ],
    }


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("access-codes")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory")
    harness.run_cli("db", "upgrade", env=env)
    created = harness.cli_json("tenant", "create", "Bank", env=env)
    harness.run_cli("bot", "push", EXAMPLE, "--tenant", created["tenantId"], "--publish", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        token = harness.token(server.url, created["appKey"], created["appSecret"])
        d = Deployment(server, env, created["tenantId"], token)
        assert d.api("PUT", "/flows/other", _reply_flow("Other", OTHER_GREETING)).is_success
        assert d.api("POST", "/flows/other/publish").status_code == 201
        yield d


def fresh_code() -> str:
    return "8" + str(secrets.randbelow(10**9)).zfill(9)


def error_of(reply: httpx.Response, status: int) -> int:
    assert reply.status_code == status, reply.text
    code: int = reply.json()["errorCode"]
    return code


def test_bind_rebind_and_unbind_reach_the_next_call(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    assert error_of(d.call(code), 404) == 10000003

    bound = d.api("PUT", f"/access-codes/{code}", {"flow": "hotline", "dialogType": 1})
    assert bound.status_code == 201, bound.text
    assert bound.json() == {
        "code": code,
        "flow": "hotline",
        "dialogType": 1,
        "description": "",
        "source": "OIFDE",
    }
    first = d.call(code)
    assert first.status_code == 200, first.text
    assert "Welcome to Example Bank" in first.text

    described = {"flow": "hotline", "dialogType": 1, "description": "Sales line"}
    assert d.api("PUT", f"/access-codes/{code}", described).status_code == 200
    # Rebinding without a description keeps the one the code has.
    rebound = d.api("PUT", f"/access-codes/{code}", {"flow": "other", "dialogType": 3})
    assert rebound.status_code == 200, rebound.text
    assert rebound.json()["flow"] == "other"
    assert (rebound.json()["dialogType"], rebound.json()["description"]) == (3, "Sales line")
    second = d.call(code)
    assert second.status_code == 200, second.text
    assert OTHER_GREETING in second.text
    assert d.api("GET", f"/access-codes/{code}").json() == rebound.json()

    gone = d.api("DELETE", f"/access-codes/{code}")
    assert gone.status_code == 204 and gone.content == b""
    assert error_of(d.call(code), 404) == 10000003
    assert error_of(d.api("GET", f"/access-codes/{code}"), 404) == 10000003
    assert error_of(d.api("DELETE", f"/access-codes/{code}"), 404) == 10000003


def test_the_list_shows_every_source_and_is_paged(deployment: Deployment) -> None:
    d = deployment
    ivr = fresh_code()
    spec = httpx.post(
        d.server.url + "/oifde/rest/api/createnavigationinfo",
        json={
            "tenantId": d.tenant_id,
            "authToken": d.token,
            "accessCode": ivr,
            "dialogType": 1,
            "flowCode": "hotline",
            "description": "From the IVR side",
        },
        timeout=15,
    )
    assert spec.status_code == 200, spec.text

    listed = d.api("GET", "/access-codes", params={"page_size": 100})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert set(body) == {"total", "page", "page_size", "items"}
    by_code = {item["code"]: item for item in body["items"]}
    assert by_code["4001"] == {
        "code": "4001",
        "flow": "hotline",
        "dialogType": 1,
        "description": "Main customer hotline, voice navigation.",
        "source": "OIFDE",
    }
    assert by_code["4002"]["dialogType"] == 3
    assert by_code[ivr]["source"] == "IVR"
    assert [i["code"] for i in body["items"]] == sorted(by_code)

    one = d.api("GET", "/access-codes", params={"page": 2, "page_size": 1}).json()
    assert one["total"] == body["total"] and len(one["items"]) == 1
    assert one["items"][0] == body["items"][1]

    # A rebinding from the console keeps the binding's source; the spec's query sees it.
    assert d.api("PUT", f"/access-codes/{ivr}", {"flow": "other", "dialogType": 1}).is_success
    query = httpx.post(
        d.server.url + "/oifde/rest/api/querynavigationinfo",
        json={"tenantId": d.tenant_id, "authToken": d.token, "accessCode": ivr}
        | {"pageNum": 1, "pageSize": 5},
        timeout=15,
    ).json()
    assert [(i["flowCode"], i["source"]) for i in query["accessInfoList"]] == [("other", "IVR")]


BAD_BODIES = [
    ({"dialogType": 1}, "flow"),
    ({"flow": "hotline"}, "dialogType"),
    ({"flow": "hotline", "dialogType": 5}, "dialogType"),
    ({"flow": "hotline", "dialogType": "1"}, "dialogType"),
    ({"flow": "hotline", "dialogType": True}, "dialogType"),
    ({"flow": "", "dialogType": 1}, "flow"),
    ({"flow": 7, "dialogType": 1}, "flow"),
    ({"flow": "hotline", "dialogType": 1, "description": "x" * 1025}, "description"),
    ({"flow": "hotline", "dialogType": 1, "domain": "banking"}, "domain"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_malformed_bodies_are_10000002_and_bind_nothing(
    deployment: Deployment, body: dict[str, Any], field: str
) -> None:
    code = fresh_code()
    reply = deployment.api("PUT", f"/access-codes/{code}", body)
    assert error_of(reply, 400) == 10000002
    assert field in reply.json()["errorMsg"]
    assert error_of(deployment.api("GET", f"/access-codes/{code}"), 404) == 10000003


@pytest.mark.parametrize(
    "path",
    [
        "/access-codes/" + "9" * 21,  # longer than an access code can be
        "/access-codes/%20lead",  # a code does not start with a space
        "/access-codes/tail%20",
        "/access-codes/a%E2%80%AEb",  # a bidi override: a code that reads as another
        "/access-codes/a%00b",
    ],
)
def test_codes_no_binding_can_have_are_refused(deployment: Deployment, path: str) -> None:
    body = {"flow": "hotline", "dialogType": 1}
    assert error_of(deployment.api("PUT", path, body), 400) == 10000002


def test_unknown_flow_and_non_json_bodies(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    missing = d.api("PUT", f"/access-codes/{code}", {"flow": "nosuchflow", "dialogType": 1})
    assert error_of(missing, 404) == 10000003 and "nosuchflow" in missing.json()["errorMsg"]
    raw = httpx.put(
        d.server.url + f"{V1}/access-codes/{code}",
        content=b"{not json",
        headers={"Authorization": f"Bearer {d.token}", "Content-Type": "application/json"},
        timeout=15,
    )
    assert error_of(raw, 400) == 10000002
    assert error_of(d.api("GET", f"/access-codes/{code}"), 404) == 10000003
    assert error_of(d.api("GET", "/access-codes", params={"page_size": 101}), 400) == 10000002


def test_without_credentials_nothing_is_read_or_bound(deployment: Deployment) -> None:
    url = deployment.server.url + V1 + "/access-codes"
    assert error_of(httpx.get(url, timeout=15), 401) == 900001
    put = httpx.put(url + "/4001", json={"flow": "other", "dialogType": 1}, timeout=15)
    assert error_of(put, 401) == 900001
    assert deployment.api("GET", "/access-codes/4001").json()["flow"] == "hotline"


def _console_user(d: Deployment, role: str) -> httpx.Client:
    """A signed-in console user of the tenant, with ``role``."""
    name, password = f"{role}-{secrets.token_hex(3)}", secrets.token_urlsafe(16)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "oiap.cli",
            "user",
            "create",
            name,
            "--tenant",
            d.tenant_id,
            "--role",
            role,
            "--password-stdin",
        ],
        input=password + "\n",
        env=d.env,
        cwd=harness.WORKDIR,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    client = httpx.Client(base_url=d.server.url + V1, timeout=15)
    signed = client.post("/console/session", json={"name": name, "password": password})
    assert signed.status_code == 200, signed.text
    client.headers["X-CSRF-Token"] = signed.json()["csrfToken"]
    return client


def test_a_viewer_reads_the_codes_and_only_an_admin_binds_them(deployment: Deployment) -> None:
    d = deployment
    code = fresh_code()
    viewer, admin = _console_user(d, "viewer"), _console_user(d, "admin")
    try:
        listed = viewer.get("/access-codes")
        assert listed.status_code == 200, listed.text
        assert "4001" in {i["code"] for i in listed.json()["items"]}
        assert viewer.get("/access-codes/4001").json()["flow"] == "hotline"
        body = {"flow": "other", "dialogType": 1}
        assert error_of(viewer.put(f"/access-codes/{code}", json=body), 403) == 900003
        assert error_of(viewer.delete("/access-codes/4001"), 403) == 900003

        assert admin.put(f"/access-codes/{code}", json=body).status_code == 201
        assert viewer.get(f"/access-codes/{code}").json()["flow"] == "other"
        assert admin.delete(f"/access-codes/{code}").status_code == 204
    finally:
        viewer.close()
        admin.close()
