"""Q&A groups and their questions written through the management API (the console's FAQ page),
against a real server: bot-folder field names, the §9 rules, editors only, tenants apart, and
every change read back at once by the §9 query interfaces."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import harness
import httpx
import pytest
from console_site import V1, Browser, Site, error_of

GROUPS = V1 + "/faq-groups"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("console-faq")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory")
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        found = Site(server, env)
        found.tenant("a", push=False)
        found.tenant("b", push=False)
        yield found


def api(site: Site, tenant: str, method: str, path: str, body: Any = None) -> httpx.Response:
    """The management API with the tenant's token (a machine token acts as admin)."""
    return httpx.request(
        method, site.url + path, json=body, headers=site.machine(tenant), timeout=20
    )


def oifde(site: Site, tenant: str, path: str, **body: Any) -> dict[str, Any]:
    """A §9 interface with the tenant's token in the body, as its clients call it."""
    t = site.tenants[tenant]
    reply = httpx.post(
        f"{site.url}/oifde/rest/api/{path}",
        json={"authToken": t["token"], "tenantId": t["tenantId"], **body},
        timeout=20,
    )
    assert reply.status_code == 200, reply.text
    answer: dict[str, Any] = reply.json()
    assert answer["errorCode"] == "0", answer
    return answer


def spec9_groups(site: Site, tenant: str) -> dict[int, dict[str, Any]]:
    data = oifde(site, tenant, "faqGroup/query", pageNum=1, pageSize=100)["data"]
    return {g["id"]: g for g in data}


def spec9_faqs(site: Site, tenant: str, group_id: int) -> dict[int, dict[str, Any]]:
    data = oifde(site, tenant, "faq/query", faqGroupId=group_id, pageNum=1, pageSize=100)["data"]
    return {f["id"]: f for f in data}


def new_group(site: Site, tenant: str = "a", **fields: Any) -> dict[str, Any]:
    body = {"group": f"group-{secrets.token_hex(4)}", **fields}
    reply = api(site, tenant, "POST", GROUPS, body)
    assert reply.status_code == 201, reply.text
    made: dict[str, Any] = reply.json()
    return made


PARKING = {
    "question": "Where can I park?",
    "answer": "Behind the branch, free for customers.",
    "similar": ["Is there parking?", "Where do I leave my car"],
    "keywords": ["parking", "car"],
}


def test_a_group_created_here_is_listed_by_the_spec9_query_at_once(site: Site) -> None:
    made = new_group(site, language="zh_CN", description="Branches and parking.")
    assert made["language"] == "zh_CN" and made["description"] == "Branches and parking."
    assert made["on"] is True and made["amount"] == 0  # active unless said otherwise
    seen = spec9_groups(site, "a")[made["id"]]
    assert (seen["name"], seen["on"], seen["language"]) == (made["name"], True, "zh_CN")
    one = api(site, "a", "GET", f"{GROUPS}/{made['id']}")
    assert one.status_code == 200 and one.json() == made


def test_renaming_and_deactivating_a_group_reach_the_spec9_query(site: Site) -> None:
    made = new_group(site, description="Kept when left out.")
    name = f"renamed-{secrets.token_hex(3)}"
    reply = api(site, "a", "PUT", f"{GROUPS}/{made['id']}", {"group": name, "active": False})
    assert reply.status_code == 200, reply.text
    seen = spec9_groups(site, "a")[made["id"]]
    assert (seen["name"], seen["on"], seen["description"]) == (name, False, "Kept when left out.")


def test_questions_are_added_replaced_and_deleted_as_spec9_reads_them(site: Site) -> None:
    group = new_group(site)
    faqs = f"{GROUPS}/{group['id']}/faqs"
    added = api(site, "a", "POST", faqs, PARKING)
    assert added.status_code == 201, added.text
    faq_id = added.json()["id"]
    seen = spec9_faqs(site, "a", group["id"])[faq_id]
    assert seen["question"] == PARKING["question"] and seen["answer"] == PARKING["answer"]
    assert [s["statement"] for s in seen["simQuestions"]] == PARKING["similar"]
    assert [k["w"] for k in seen["keywords"]] == ["parking", "car"]
    assert spec9_groups(site, "a")[group["id"]]["amount"] == 1

    # A replacement is whole: lists left out become empty.
    changed = {"question": PARKING["question"], "answer": "In the garage on Elm Street."}
    reply = api(site, "a", "PUT", f"{faqs}/{faq_id}", changed)
    assert reply.status_code == 200, reply.text
    seen = spec9_faqs(site, "a", group["id"])[faq_id]
    assert seen["answer"] == "In the garage on Elm Street." and seen["simQuestions"] == []

    assert api(site, "a", "DELETE", f"{faqs}/{faq_id}").status_code == 204
    assert spec9_faqs(site, "a", group["id"]) == {}
    assert error_of(api(site, "a", "DELETE", f"{faqs}/{faq_id}"), 404) == 10000003


def test_deleting_a_group_takes_its_questions_with_it(site: Site) -> None:
    group = new_group(site)
    assert api(site, "a", "POST", f"{GROUPS}/{group['id']}/faqs", PARKING).status_code == 201
    assert api(site, "a", "DELETE", f"{GROUPS}/{group['id']}").status_code == 204
    assert group["id"] not in spec9_groups(site, "a")
    assert error_of(api(site, "a", "GET", f"{GROUPS}/{group['id']}/faqs"), 404) == 10000003
    assert error_of(api(site, "a", "DELETE", f"{GROUPS}/{group['id']}"), 404) == 10000003


def test_the_spec9_rules_hold_here_too(site: Site) -> None:
    group = new_group(site, language="en_US")
    path = f"{GROUPS}/{group['id']}"
    # the language of a group is fixed; names are unique in the tenant; questions in a group
    fixed = api(site, "a", "PUT", path, {"group": group["name"], "language": "fr_FR"})
    assert error_of(fixed, 400) == 10000002 and "language" in fixed.json()["errorMsg"]
    other = new_group(site)
    assert error_of(api(site, "a", "PUT", path, {"group": other["name"]}), 409) == 10000004
    assert error_of(api(site, "a", "POST", GROUPS, {"group": other["name"]}), 409) == 10000004
    assert api(site, "a", "POST", f"{path}/faqs", PARKING).status_code == 201
    assert error_of(api(site, "a", "POST", f"{path}/faqs", PARKING), 409) == 10000004
    bad_keyword = {**PARKING, "question": "Another?", "keywords": ["a|b"]}
    assert error_of(api(site, "a", "POST", f"{path}/faqs", bad_keyword), 400) == 10000002
    bad_language = api(site, "a", "POST", GROUPS, {"group": "x-lang", "language": "klingon"})
    assert error_of(bad_language, 400) == 10000002


def test_unknown_fields_are_refused_by_name(site: Site) -> None:
    # the §9 field names are not the bot folder's: a client mixing them up learns at once
    reply = api(site, "a", "POST", GROUPS, {"group": "typo", "on": True})
    assert error_of(reply, 400) == 10000002 and "'on'" in reply.json()["errorMsg"]
    group = new_group(site)
    reply = api(site, "a", "POST", f"{GROUPS}/{group['id']}/faqs", {**PARKING, "simQuestions": []})
    assert error_of(reply, 400) == 10000002 and "simQuestions" in reply.json()["errorMsg"]
    assert "typo" not in {g["name"] for g in spec9_groups(site, "a").values()}


def test_another_tenants_groups_do_not_exist_here(site: Site) -> None:
    theirs = new_group(site, "b")
    path = f"{GROUPS}/{theirs['id']}"
    assert error_of(api(site, "a", "GET", path), 404) == 10000003
    assert error_of(api(site, "a", "PUT", path, {"group": "mine now"}), 404) == 10000003
    assert error_of(api(site, "a", "POST", f"{path}/faqs", PARKING), 404) == 10000003
    assert error_of(api(site, "a", "DELETE", path), 404) == 10000003
    assert spec9_groups(site, "b")[theirs["id"]]["name"] == theirs["name"]


@pytest.fixture(scope="module")
def people(site: Site) -> dict[str, Browser]:
    a = site.tenants["a"]["tenantId"]
    return {role: site.sign_in(*site.user(role, a)) for role in ("viewer", "editor")}


def test_a_viewer_reads_the_groups_but_only_an_editor_changes_them(
    site: Site, people: dict[str, Browser]
) -> None:
    viewer, editor = people["viewer"], people["editor"]
    group = new_group(site)
    listed = viewer("GET", f"{GROUPS}?page_size=100")
    assert listed.status_code == 200 and group["id"] in {g["id"] for g in listed.json()["items"]}
    for method, path, body in (
        ("POST", GROUPS, {"group": "by a viewer"}),
        ("PUT", f"{GROUPS}/{group['id']}", {"group": "by a viewer"}),
        ("DELETE", f"{GROUPS}/{group['id']}", None),
        ("POST", f"{GROUPS}/{group['id']}/faqs", PARKING),
    ):
        assert error_of(viewer(method, path, body), 403) == 900003, (method, path)
    made = editor("POST", f"{GROUPS}/{group['id']}/faqs", PARKING)
    assert made.status_code == 201, made.text
    assert made.json()["id"] in spec9_faqs(site, "a", group["id"])
    # without the session's CSRF token the write is refused and changes nothing
    refused = editor("DELETE", f"{GROUPS}/{group['id']}", csrf="")
    assert refused.status_code == 403
    assert group["id"] in spec9_groups(site, "a")
