"""Who may use the management API (``/oiap/v1``) and what it refuses: tokens in headers,
machine accounts acting for a tenant, tenants that cannot see each other, and bad input that
is always answered 10000002 (never a 500) and changes nothing."""

from __future__ import annotations

from typing import Any

import harness
import httpx
import pytest
from conftest import Deployment
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from management import V1, Api, error_of, reply_flow, unique

# Every route, with the objects tenant A owns (made by ``owned``) in the paths.
ROUTES: list[tuple[str, str]] = [
    ("GET", "/domains"),
    ("GET", "/domains/{domain}"),
    ("PUT", "/domains/{domain}"),
    ("DELETE", "/domains/{domain}"),
    ("GET", "/flows"),
    ("GET", "/flows/{flow}"),
    ("PUT", "/flows/{flow}"),
    ("DELETE", "/flows/{flow}"),
    ("POST", "/flows/{flow}/publish"),
    ("GET", "/flows/{flow}/versions"),
    ("GET", "/flows/{flow}/versions/1"),
    ("PUT", "/flows/{flow}/versions/1"),
    ("DELETE", "/flows/{flow}/versions/1"),
    ("GET", "/flows/{flow}/routing"),
    ("PUT", "/flows/{flow}/routing"),
    ("GET", "/variables"),
    ("GET", "/variables/{variable}"),
    ("PUT", "/variables/{variable}"),
    ("DELETE", "/variables/{variable}"),
    ("GET", "/templates"),
    ("GET", "/templates/{template}"),
    ("PUT", "/templates/{template}"),
    ("DELETE", "/templates/{template}"),
    ("GET", "/interfaces"),
    ("GET", "/interfaces/{interface}"),
    ("PUT", "/interfaces/{interface}"),
    ("DELETE", "/interfaces/{interface}"),
]


@pytest.fixture(scope="module")
def owned(deployment: Deployment) -> dict[str, str]:
    """Objects of tenant A with names no other tenant uses; the flow is published."""
    api = Api(deployment, deployment.a)
    names = {
        "domain": unique("dom"),
        "flow": unique("flow"),
        "variable": unique("var"),
        "template": unique("tpl"),
        "interface": unique("itf"),
    }
    api.put(f"/domains/{names['domain']}", {"intents": [{"code": "yes", "name": "Yes"}]})
    api.put(f"/variables/{names['variable']}", {"type": "string", "default": "a"})
    api.put(f"/templates/{names['template']}", {"text": "Tenant A speaking."})
    api.put(f"/interfaces/{names['interface']}", {"url": "https://a.example.test/"})
    api.put(f"/flows/{names['flow']}", reply_flow(f"Tenant A {names['flow']}"))
    assert api("POST", f"/flows/{names['flow']}/publish").status_code == 201
    return names


def body_for(method: str, path: str) -> Any:
    """A valid body for a PUT on ``path``."""
    if method != "PUT":
        return None
    if path.endswith("/routing"):
        return {"default": 1}
    if "/versions/" in path:
        return {}
    return {
        "domains": {"language": "fr_FR"},
        "flows": reply_flow(unique("Tenant B ")),
        "variables": {"type": "integer", "default": 7},
        "templates": {"text": "Tenant B speaking."},
        "interfaces": {"url": "https://b.example.test/"},
    }[path.split("/")[1]]


# -- tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_every_route_needs_a_token(
    deployment: Deployment, owned: dict[str, str], method: str, path: str
) -> None:
    url = deployment.server.url + V1 + path.format(**owned)
    body = body_for(method, path)
    missing = httpx.request(method, url, json=body, timeout=10)
    assert error_of(missing, 401)[0] == 900001
    for headers in (
        {"Authorization": "Bearer not-a-token"},
        {"authToken": "not-a-token"},
        {"username": "nobody", "token": "not-a-token"},
    ):
        forged = httpx.request(method, url, json=body, headers=headers, timeout=10)
        assert error_of(forged, 401)[0] == 900002


def test_token_headers(deployment: Deployment, owned: dict[str, str]) -> None:
    d = deployment
    url = f"{d.server.url}{V1}/variables/{owned['variable']}"
    for headers in (
        {"Authorization": f"Bearer {d.a.token}"},
        {"authorization": f"bearer {d.a.token}"},
        {"authToken": d.a.token},
    ):
        assert httpx.get(url, headers=headers).status_code == 200, headers
    # A token in the body or the query string is not how this API is called.
    assert httpx.get(url, params={"authToken": d.a.token}).status_code == 401
    # A tenant's token acts for its own tenant only.
    other = httpx.get(url, headers={"authToken": d.a.token, "tenantId": d.b.tenant_id})
    assert error_of(other, 401)[0] == 900002
    same = httpx.get(url, headers={"authToken": d.a.token, "tenantId": d.a.tenant_id})
    assert same.status_code == 200


def test_machine_accounts_name_the_tenant(deployment: Deployment, owned: dict[str, str]) -> None:
    d = deployment
    account = harness.cli_json("system-user", "create", unique("ipcc"), env=d.env)
    token = harness.token(d.server.url, account["appKey"], account["appSecret"])
    machine = {"username": account["username"], "token": token}
    url = f"{d.server.url}{V1}/variables/{owned['variable']}"

    as_a = httpx.get(url, headers={**machine, "tenantId": d.a.tenant_id})
    assert as_a.status_code == 200 and as_a.json()["default"] == "a"
    as_b = httpx.get(url, headers={**machine, "tenantId": d.b.tenant_id})
    assert error_of(as_b, 404)[0] == 10000003
    code, message = error_of(httpx.get(url, headers=machine), 400)
    assert code == 10000002 and "tenantId" in message
    assert error_of(httpx.get(url, headers={**machine, "tenantId": "nobody"}), 404)[0] == 10000003
    assert error_of(httpx.get(url, headers={**machine, "tenantId": "bad id!"}), 400)[0] == 10000002
    # A machine token is not a tenant's: it only counts with its username.
    assert error_of(httpx.get(url, headers={"Authorization": f"Bearer {token}"}), 401)[0] == 900002


# -- tenants do not see each other -----------------------------------------------------------


def test_other_tenants_objects_are_invisible(deployment: Deployment, owned: dict[str, str]) -> None:
    d = deployment
    a, b = Api(d, d.a), Api(d, d.b)
    before = a.state(owned["flow"])
    for method, path in ROUTES:
        if method == "PUT" and "/versions/" not in path and "/routing" not in path:
            continue  # creating under the same name is B's own business, checked below
        if "{" not in path:
            listed = b.get(path, page_size=100)["items"]
            assert not {i.get("name") for i in listed} & set(owned.values())
            assert not {i.get("code") for i in listed} & set(owned.values())
            continue
        reply = b(method, path.format(**owned), body_for(method, path))
        assert error_of(reply, 404)[0] == 10000003, (method, path)
    assert a.state(owned["flow"]) == before


def test_the_same_names_in_another_tenant_are_separate(
    deployment: Deployment, owned: dict[str, str]
) -> None:
    d = deployment
    a, b = Api(d, d.a), Api(d, d.b)
    before = a.state(owned["flow"])
    for method, path in ROUTES:
        if method == "PUT" and "{" in path and "/versions/" not in path and "/routing" not in path:
            created = b(method, path.format(**owned), body_for(method, path))
            assert created.status_code == 201, (path, created.text)
    assert b.get(f"/variables/{owned['variable']}")["type"] == "integer"
    assert a.get(f"/variables/{owned['variable']}")["type"] == "string"
    for collection in ("domains", "flows", "variables", "templates", "interfaces"):
        name = owned[collection[:-1]]
        assert b("DELETE", f"/{collection}/{name}").status_code == 204
    assert a.state(owned["flow"]) == before


# -- bad input -------------------------------------------------------------------------------


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("/variables/v", {"type": "integer", "default": "abc"}, "default"),
    ("/variables/v", {"type": "integer", "default": 2**40}, "default"),
    ("/variables/v", {"type": "long", "default": True}, "default"),
    ("/variables/v", {"type": "float", "default": "1.5"}, "default"),
    ("/variables/v", {"type": "list", "default": {}}, "default"),
    ("/variables/v", {"type": "bogus"}, "type"),
    ("/variables/v", {"name": "w"}, "name"),
    ("/variables/v", {"typo": "string"}, "typo"),
    ("/variables/v", {"description": "x" * 5000}, "description"),
    ("/flows/f", {"nodes": []}, "name"),
    ("/flows/f", {"name": "F", "code": "g"}, "code"),
    ("/flows/f", {"name": "F", "nodez": []}, "nodez"),
    ("/flows/f", {"name": "F", "nodes": {}}, "nodes"),
    ("/flows/f", {"name": "F", "nodes": [{"id": "a", "kind": "start", "params": []}]}, "params"),
    ("/flows/f", {"name": "F", "nodes": [{"id": "a"}]}, "kind"),
    ("/flows/f", {"name": "F", "nodes": [{"id": "a", "kind": "x", "branches": [{}]}]}, "to"),
    ("/flows/f", {"name": "F", "scenario": "Main"}, "scenario"),
    ("/flows/f", {"name": "a\u0000b"}, "name"),
    ("/flows/f", {"name": "x" * 129}, "name"),
    ("/flows/f", {"name": "F", "variables": [{"name": "bad name"}]}, "variables"),
    ("/domains/d", {"threshold": 2}, "threshold"),
    ("/domains/d", {"threshold": True}, "threshold"),
    ("/domains/d", {"language": "xx"}, "language"),
    ("/domains/d", {"intents": [{"code": "a", "name": "A"}, {"code": "a", "name": "B"}]}, "code"),
    ("/domains/d", {"intents": [{"code": "a", "name": "A", "slots": [{"name": "s"}]}]}, "slots"),
    (
        "/domains/d",
        {"intents": [{"code": "a", "name": "A", "slots": [{"name": "s", "regex": "("}]}]},
        "regex",
    ),
    ("/templates/t", {}, "text"),
    ("/templates/t", {"text": "x" * 4097}, "text"),
    ("/templates/t", {"text": "${NOWHERE.x}"}, "text"),
    ("/interfaces/i", {"url": "ftp://x"}, "url"),
    ("/interfaces/i", {"url": "https://x", "method": "FETCH"}, "method"),
    ("/interfaces/i", {"url": "https://x", "timeout": 0}, "timeout"),
    ("/interfaces/i", {"url": "https://x", "outputs": [{"name": "a", "value": "b"}]}, "value"),
    ("/flows/hotline/routing", {"default": 0}, "default"),
    (
        "/flows/hotline/routing",
        {"default": 1, "gray": [{"version": 1, "numbers": [""]}]},
        "numbers",
    ),
    ("/flows/hotline/routing", {"default": 1, "gray": "all"}, "gray"),
]


@pytest.mark.parametrize(("path", "body", "field"), BAD_BODIES)
def test_bad_bodies_name_the_field(
    deployment: Deployment, path: str, body: Any, field: str
) -> None:
    api = Api(deployment, deployment.a)
    before = api.state("hotline")
    code, message = error_of(api("PUT", path, body), 400)
    assert code == 10000002 and field in message
    assert api.state("hotline") == before


RAW_BODIES: list[tuple[bytes, str]] = [
    (b"{not json", "application/json"),
    (b"", "application/json"),
    (b"[1, 2]", "application/json"),
    (b'{"text": "x"}', "text/plain"),
    (b'{"text": "\\ud800"}', "application/json"),
    (b'{"text": "a", "description": NaN}', "application/json"),
    (b'{"type": "float", "default": Infinity}', "application/json"),
    (b'{"type": "float", "default": 1e999}', "application/json"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (
        b'{"name": "F", "nodes": [{"id": "a", "kind": "x", "params": {"p": '
        + b"[" * 70
        + b"]" * 70
        + b"}}]}",
        "application/json",
    ),
    (b"\xff\xfe", "application/json"),
]


@pytest.mark.parametrize(("content", "content_type"), RAW_BODIES)
@pytest.mark.parametrize("path", ["/templates/t", "/variables/v", "/flows/f"])
def test_malformed_bodies_answer_10000002(
    deployment: Deployment, content: bytes, content_type: str, path: str
) -> None:
    api = Api(deployment, deployment.a)
    reply = httpx.put(
        api.url + path,
        content=content,
        headers={**api.headers, "Content-Type": content_type},
        timeout=30,
    )
    assert error_of(reply, 400)[0] == 10000002
    assert error_of(api("GET", path), 404)[0] == 10000003


@pytest.mark.parametrize(
    ("method", "path", "params", "field"),
    [
        ("GET", "/variables/bad-name", {}, "name"),
        ("GET", "/templates/" + "x" * 129, {}, "name"),
        ("GET", "/flows/" + "c" * 65, {}, "code"),
        ("GET", "/flows/hotline/versions/abc", {}, "number"),
        ("GET", "/flows/hotline/versions/0", {}, "number"),
        ("GET", "/flows/hotline/versions/99999999999999999999", {}, "number"),
        ("GET", "/flows/hotline/routing", {"calling_number": "1" * 33}, "calling_number"),
        ("GET", "/flows/hotline/routing", {"calling_number": "1\x002"}, "calling_number"),
        ("GET", "/flows", {"page": "1e3"}, "page"),
        ("GET", "/flows", {"page": 2**40}, "page"),
        ("GET", "/templates/a%00b", {}, "name"),
    ],
)
def test_bad_paths_and_queries_answer_10000002(
    deployment: Deployment, method: str, path: str, params: dict[str, Any], field: str
) -> None:
    code, message = error_of(Api(deployment, deployment.a)(method, path, **params), 400)
    assert code == 10000002 and field in message


def test_unknown_paths_and_methods_answer_json(deployment: Deployment) -> None:
    api = Api(deployment, deployment.a)
    assert error_of(api("GET", "/nothing"), 404)[0] == 10000003
    assert error_of(api("POST", "/variables"), 405)[0] == 10000002
    assert error_of(api("PATCH", "/flows/hotline"), 405)[0] == 10000002


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "name", "code", "type", "default", "text", "url", "method", "timeout", "inputs", "outputs",
    "headers", "nodes", "variables", "intents", "threshold", "language", "gray", "scenario",
]  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
def test_random_bodies_never_get_a_server_error(
    deployment: Deployment, body: dict[str, Any]
) -> None:
    api = Api(deployment, deployment.b)
    for path in (
        "/variables/fuzz",
        "/templates/fuzz",
        "/interfaces/fuzz",
        "/domains/fuzz",
        "/flows/fuzz",
        "/flows/hotline/routing",
    ):
        reply = api("PUT", path, body)
        assert reply.status_code < 500, reply.text
        if reply.status_code >= 400:
            assert "errorCode" in reply.json()
