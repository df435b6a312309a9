"""Roles enforced by the server on the management API, for console users of each role, and
tenants that never see each other's bots; platform operators open any tenant by name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import harness
import httpx
import pytest
from console_site import V1, Browser, Site, error_of

FLOW = "hotline"  # the example bot's flow, published in both tenants
B_ONLY = "bonly"  # a flow only tenant B has


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("roles")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory")
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        found = Site(server, env)
        found.tenant("a")
        found.tenant("b")
        flow = httpx.get(f"{found.url}{V1}/flows/{FLOW}", headers=found.machine("b"), timeout=20)
        body = {**flow.json(), "code": B_ONLY, "name": "Only in B"}
        made = httpx.put(
            f"{found.url}{V1}/flows/{B_ONLY}", json=body, headers=found.machine("b"), timeout=20
        )
        assert made.status_code == 201, made.text
        yield found


@pytest.fixture(scope="module")
def people(site: Site) -> dict[str, Browser]:
    a = site.tenants["a"]["tenantId"]
    signed = {role: site.sign_in(*site.user(role, a)) for role in ("viewer", "editor", "admin")}
    signed["platform"] = site.sign_in(*site.user("platform"))
    return signed


def draft(browser: Browser, code: str = FLOW, **change: Any) -> dict[str, Any]:
    reply = browser("GET", f"{V1}/flows/{code}")
    assert reply.status_code == 200, reply.text
    return {**reply.json(), **change}


def test_viewer_reads_everything_but_changes_nothing(people: dict[str, Browser]) -> None:
    viewer = people["viewer"]
    for path in (
        "/flows",
        f"/flows/{FLOW}",
        f"/flows/{FLOW}/versions",
        f"/flows/{FLOW}/routing",
        "/domains",
        "/variables",
        "/templates",
        "/interfaces",
    ):
        assert viewer("GET", V1 + path).status_code == 200, path
    body = draft(viewer, description="a viewer's edit")
    assert error_of(viewer("PUT", f"{V1}/flows/{FLOW}", body), 403) == 900003
    assert error_of(viewer("POST", f"{V1}/flows/{FLOW}/publish"), 403) == 900003
    assert error_of(viewer("DELETE", f"{V1}/variables/nothing"), 403) == 900003
    assert draft(viewer)["description"] != "a viewer's edit"


def test_editor_edits_drafts_but_cannot_publish_or_route(people: dict[str, Browser]) -> None:
    editor = people["editor"]
    body = draft(editor, description="an editor's edit")
    assert editor("PUT", f"{V1}/flows/{FLOW}", body).status_code == 200
    assert draft(editor)["description"] == "an editor's edit"
    publish = editor("POST", f"{V1}/flows/{FLOW}/publish", {"note": "mine"})
    assert error_of(publish, 403) == 900003
    routing = editor("PUT", f"{V1}/flows/{FLOW}/routing", {"default": 1})
    assert error_of(routing, 403) == 900003
    assert error_of(editor("GET", f"{V1}/users"), 403) == 900003


def test_admin_publishes_with_a_note_and_rolls_back(people: dict[str, Browser]) -> None:
    admin = people["admin"]
    body = draft(admin, description="released by the admin")
    assert admin("PUT", f"{V1}/flows/{FLOW}", body).status_code == 200
    published = admin("POST", f"{V1}/flows/{FLOW}/publish", {"note": "Balance wording"})
    assert published.status_code == 201, published.text
    version = published.json()
    name = admin.signed_in["user"]["name"]
    assert (version["published_by"], version["note"]) == (name, "Balance wording")
    listed = admin("GET", f"{V1}/flows/{FLOW}/versions").json()["items"]
    assert listed[0]["published_by"] == "cli"  # `oiap bot push --publish`
    assert "note" not in listed[0]
    assert (listed[-1]["published_by"], listed[-1]["note"]) == (name, "Balance wording")
    shown = admin("GET", f"{V1}/flows/{FLOW}/versions/{version['number']}").json()
    assert shown["note"] == "Balance wording"
    rolled = admin("PUT", f"{V1}/flows/{FLOW}/routing", {"default": 1, "gray": []})
    assert rolled.status_code == 200, rolled.text
    assert admin("GET", f"{V1}/flows/{FLOW}/routing").json()["default"] == 1


def test_publish_refuses_a_note_too_long_and_works_without_a_body(
    site: Site, people: dict[str, Browser]
) -> None:
    admin = people["admin"]
    too_long = admin("POST", f"{V1}/flows/{FLOW}/publish", {"note": "x" * 1025})
    assert error_of(too_long, 400) == 10000002
    bare = admin("POST", f"{V1}/flows/{FLOW}/publish")
    assert bare.status_code in (200, 201), bare.text
    # A machine token publishes as the tenant's account.
    b = site.tenants["b"]
    machine = httpx.post(
        f"{site.url}{V1}/flows/{B_ONLY}/publish", headers=site.machine("b"), timeout=60
    )
    assert machine.status_code == 201, machine.text
    assert machine.json()["published_by"] == b["tenantId"]


@pytest.mark.parametrize("role", ["viewer", "editor", "admin"])
def test_tenant_users_see_nothing_of_another_tenant(
    site: Site, people: dict[str, Browser], role: str
) -> None:
    browser = people[role]
    b = site.tenants["b"]["tenantId"]
    assert error_of(browser("GET", f"{V1}/flows/{B_ONLY}"), 404) == 10000003
    codes = [f["code"] for f in browser("GET", f"{V1}/flows").json()["items"]]
    assert B_ONLY not in codes
    assert error_of(browser("GET", f"{V1}/flows", tenant=b), 403) == 900003
    body = draft(browser, description="into B?")
    assert error_of(browser("PUT", f"{V1}/flows/{FLOW}", body, tenant=b), 403) == 900003
    tenants = browser("GET", f"{V1}/console/tenants").json()["items"]
    assert [t["tenantId"] for t in tenants] == [site.tenants["a"]["tenantId"]]


def test_platform_operator_opens_any_tenant_by_name(site: Site, people: dict[str, Browser]) -> None:
    operator = people["platform"]
    a, b = site.tenants["a"]["tenantId"], site.tenants["b"]["tenantId"]
    in_b = [f["code"] for f in operator("GET", f"{V1}/flows", tenant=b).json()["items"]]
    in_a = [f["code"] for f in operator("GET", f"{V1}/flows", tenant=a).json()["items"]]
    assert B_ONLY in in_b and B_ONLY not in in_a
    assert error_of(operator("GET", f"{V1}/flows"), 400) == 10000002  # which tenant?
    assert error_of(operator("GET", f"{V1}/flows", tenant="no-such-tenant"), 404) == 10000003
    tenants = {t["tenantId"] for t in operator("GET", f"{V1}/console/tenants").json()["items"]}
    assert {a, b} <= tenants
    assert operator.signed_in["user"]["role"] == "platform"


def test_admins_manage_their_tenants_users_only(site: Site, people: dict[str, Browser]) -> None:
    admin, operator = people["admin"], people["platform"]
    a, b = site.tenants["a"]["tenantId"], site.tenants["b"]["tenantId"]
    made = admin("PUT", f"{V1}/users/newcomer-a", {"role": "viewer", "password": "long enough 1"})
    assert made.status_code == 201, made.text
    listed = admin("GET", f"{V1}/users").json()["items"]
    assert {u["tenantId"] for u in listed} == {a}
    assert "newcomer-a" in {u["name"] for u in listed}
    newcomer = site.sign_in("newcomer-a", "long enough 1")
    promoted = admin("PUT", f"{V1}/users/newcomer-a", {"role": "editor", "disabled": True})
    assert promoted.status_code == 200 and promoted.json()["disabled"] is True
    assert error_of(newcomer("GET", f"{V1}/flows"), 401) == 900001
    own = admin.signed_in["user"]["name"]
    assert error_of(admin("PUT", f"{V1}/users/{own}", {"role": "viewer"}), 400) == 10000002
    short = admin("PUT", f"{V1}/users/newcomer-a2", {"role": "viewer", "password": "short"})
    assert error_of(short, 400) == 10000002
    # The operator manages B's users by naming B; A's admin never sees them.
    in_b = operator(
        "PUT", f"{V1}/users/newcomer-b", {"role": "admin", "password": "long enough 2"}, tenant=b
    )
    assert in_b.status_code == 201 and in_b.json()["tenantId"] == b
    assert "newcomer-b" not in {u["name"] for u in admin("GET", f"{V1}/users").json()["items"]}
    taken = admin("PUT", f"{V1}/users/newcomer-b", {"role": "viewer", "password": "long enough 3"})
    assert error_of(taken, 409) == 10000004
