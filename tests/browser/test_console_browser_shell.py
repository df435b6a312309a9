"""Signing in to the console in a real Chromium, the bots at a glance and the releases page:
each role signs in and sees its tenant's bots, a viewer cannot publish (the page offers no way
and the server refuses the page's own call), and tenant A's user sees nothing of tenant B."""

from __future__ import annotations

import re

import browser_harness
import pytest
from browser_site import FLOW, V1, OpenPage, Site, Tenant, User, page_fetch
from playwright.sync_api import expect

B_ONLY = "bonly"  # a flow only tenant B has
B_CODE = "4999"  # an access code only tenant B has
ROLES = ("admin", "editor", "viewer")
ROLE_LABEL = {"admin": "Admin", "editor": "Editor", "viewer": "Viewer"}


@pytest.fixture(scope="module")
def people(site: Site) -> dict[str, User]:
    a = site.tenant("a")
    b = site.tenant("b")
    flow = site.manage(b, "GET", f"/flows/{FLOW}").json()
    made = site.manage(b, "PUT", f"/flows/{B_ONLY}", {**flow, "code": B_ONLY, "name": "Only B"})
    assert made.status_code == 201, made.text
    bound = site.manage(
        b, "PUT", f"/access-codes/{B_CODE}", {"flow": B_ONLY, "dialogType": 1, "description": "B"}
    )
    assert bound.status_code in (200, 201), bound.text
    found = {role: site.user(role, a) for role in ROLES}
    found["b-admin"] = site.user("admin", b)
    return found


def test_the_sign_in_page_refuses_a_wrong_password_and_is_accessible(
    open_page: OpenPage, people: dict[str, User]
) -> None:
    page = open_page()
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/sign-in"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    browser_harness.assert_accessible(page, "the sign-in page")
    browser_harness.screenshot(page, "sign-in")

    browser_harness.sign_in(page, people["admin"].name, "not the password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Wrong name or password")
    expect(alert.get_by_test_id("error-code")).not_to_be_empty()
    expect(page).to_have_url(re.compile(r"/console/sign-in"))


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_and_sees_its_bots_at_a_glance(
    open_page: OpenPage, people: dict[str, User], role: str
) -> None:
    user = people[role]
    page = open_page(user)
    expect(page.get_by_role("heading", name="Bots at a glance")).to_be_visible()
    expect(page.get_by_test_id("signed-in-name")).to_have_text(user.name)
    expect(page.get_by_test_id("signed-in-role")).to_have_text(ROLE_LABEL[role])
    expect(page.get_by_test_id("tenant-name")).to_contain_text(user.tenant.name)

    row = page.get_by_test_id(f"flow-row-{FLOW}")
    expect(row).to_contain_text("Bank hotline")
    expect(row).to_contain_text("v1")
    codes = page.get_by_test_id("glance-access-codes")
    expect(codes.get_by_test_id("glance-code-4001")).to_contain_text(FLOW)
    expect(page.get_by_test_id("glance-domains")).to_contain_text("banking")
    expect(page.get_by_test_id("glance-interfaces")).to_contain_text("accountBalance")
    expect(page.get_by_test_id("glance-templates")).to_contain_text("balanceReply")
    # Only an admin manages the tenant's users.
    expect(page.get_by_test_id("nav-users")).to_have_count(1 if role == "admin" else 0)
    if role == "admin":
        browser_harness.assert_accessible(page, "bots at a glance")
        browser_harness.screenshot(page, "glance")


def test_signing_out_ends_the_session_on_the_server(
    open_page: OpenPage, people: dict[str, User]
) -> None:
    page = open_page(people["editor"])
    assert page_fetch(page, "GET", f"{V1}/flows/{FLOW}")["status"] == 200
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page_fetch(page, "GET", f"{V1}/flows/{FLOW}")["status"] == 401
    page.goto(f"/console/flows/{FLOW}/releases")
    expect(page).to_have_url(re.compile(r"/console/sign-in\?next="))


def test_the_releases_page_offers_an_admin_to_publish(
    open_page: OpenPage, people: dict[str, User]
) -> None:
    page = open_page(people["admin"])
    page.get_by_test_id(f"flow-releases-{FLOW}").click()
    expect(page.get_by_role("heading", name=f"Releases of {FLOW}")).to_be_visible()
    expect(page.get_by_test_id("version-live-1")).to_be_visible()
    expect(page.get_by_test_id("publish-review")).to_be_enabled()
    browser_harness.assert_accessible(page, "the releases page")


def test_a_viewer_cannot_publish(open_page: OpenPage, people: dict[str, User]) -> None:
    page = open_page(people["viewer"])
    page.goto(f"/console/flows/{FLOW}/releases")
    expect(page.get_by_test_id("version-live-1")).to_be_visible()
    publish = page.get_by_role("button", name=re.compile("publish", re.IGNORECASE))
    expect(publish).to_be_disabled()
    expect(page.get_by_test_id("publish-not-allowed")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Make v\d+ live$"))).to_have_count(0)

    # Whatever the page shows, the server decides: the viewer's own session is refused.
    refused = page_fetch(page, "POST", f"{V1}/flows/{FLOW}/publish", {"note": "by a viewer"})
    assert refused["status"] == 403, refused
    assert refused["body"]["errorCode"] == 900003, refused
    routing = page_fetch(page, "PUT", f"{V1}/flows/{FLOW}/routing", {"default": 1, "gray": []})
    assert routing["status"] == 403, routing
    versions = page_fetch(page, "GET", f"{V1}/flows/{FLOW}/versions")
    assert [v["number"] for v in versions["body"]["items"]] == [1]


def test_tenant_a_sees_nothing_of_tenant_b(
    open_page: OpenPage, site: Site, people: dict[str, User]
) -> None:
    b: Tenant = site.tenants["b"]
    for role in ROLES:
        page = open_page(people[role])
        expect(page.get_by_test_id(f"flow-row-{FLOW}")).to_be_visible()
        expect(page.get_by_test_id("glance-code-4001")).to_be_visible()
        expect(page.get_by_test_id(f"flow-row-{B_ONLY}")).to_have_count(0)
        expect(page.get_by_test_id(f"glance-code-{B_CODE}")).to_have_count(0)
        assert b.tenant_id not in page.content()

        # The API through the same session: B's things are not there, B cannot be named.
        flows = page_fetch(page, "GET", f"{V1}/flows")
        assert B_ONLY not in {f["code"] for f in flows["body"]["items"]}, flows
        assert page_fetch(page, "GET", f"{V1}/flows/{B_ONLY}")["status"] == 404
        codes = page_fetch(page, "GET", f"{V1}/access-codes")
        assert B_CODE not in {c["code"] for c in codes["body"]["items"]}, codes
        tenants = page_fetch(page, "GET", f"{V1}/console/tenants")
        assert [t["tenantId"] for t in tenants["body"]["items"]] == [people[role].tenant.tenant_id]
        named_b = page.evaluate(
            """async (b) => (await fetch("/oiap/v1/flows", {headers: {tenantId: b}})).status""",
            b.tenant_id,
        )
        assert named_b == 403

        # A deep link to B's flow shows an error with its code, not B's versions.
        page.goto(f"/console/flows/{B_ONLY}/releases")
        expect(page.get_by_test_id("error-notice").first).to_be_visible()
        expect(page.get_by_test_id("versions-table")).to_have_count(0)

    # And B's own user does see it: the flow exists, the filter is the tenant.
    page = open_page(people["b-admin"])
    expect(page.get_by_test_id(f"flow-row-{B_ONLY}")).to_be_visible()
    expect(page.get_by_test_id(f"glance-code-{B_CODE}")).to_be_visible()
