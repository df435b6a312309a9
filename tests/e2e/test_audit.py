"""The audit log through a real server: every configuration change and console sign-in
leaves one entry naming who, what, when, from where, and digests of before and after."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent / "console"))
from console_site import EXAMPLE, V1, Browser, Site, error_of

FLOW = "hotline"  # the example bot's flow
AUDIT = V1 + "/audit"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp(f"audit-{request.param}")
    with harness.database(request.param, tmp) as url:
        # Redis: `oiap bot push` then shares the server's store and writes through the same
        # audited storage as the server.
        env = harness.oiap_env(database_url=url, session_store=harness.session_store("redis"))
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            found = Site(server, env)
            found.tenant("a")
            found.tenant("b")
            yield found


@pytest.fixture(scope="module")
def people(site: Site) -> dict[str, tuple[str, Browser]]:
    a = site.tenants["a"]["tenantId"]
    signed = {}
    for role in ("viewer", "editor", "admin"):
        name, password = site.user(role, a)
        signed[role] = (name, site.sign_in(name, password))
    return signed


def entries(browser: Browser, **filters: Any) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    reply = browser("GET", f"{AUDIT}?page_size=100&{query}")
    assert reply.status_code == 200, reply.text
    items: list[dict[str, Any]] = reply.json()["items"]
    return items


def test_a_draft_put_publish_and_routing_change_each_leave_one_entry(
    people: dict[str, tuple[str, Browser]],
) -> None:
    name, admin = people["admin"]
    flow = admin("GET", f"{V1}/flows/{FLOW}").json()
    before = len(entries(admin, object=FLOW))
    put = admin("PUT", f"{V1}/flows/{FLOW}", {**flow, "name": "Audited hotline"})
    assert put.status_code in (200, 201), put.text
    published = admin("POST", f"{V1}/flows/{FLOW}/publish", {"note": "audited"})
    assert published.status_code == 201, published.text
    number = published.json()["number"]
    routed = admin("PUT", f"{V1}/flows/{FLOW}/routing", {"default": number, "gray": []})
    assert routed.status_code == 200, routed.text

    found = entries(admin, object=FLOW)
    assert len(found) == before + 3
    route, publish, update = found[:3]  # newest first
    for entry in (route, publish, update):
        assert entry["principal"] == name
        assert entry["address"] == "127.0.0.1"
    assert (update["objectKind"], update["action"]) == ("flow", "update")
    assert update["before"] and update["after"] and update["before"] != update["after"]
    assert (publish["action"], publish["version"]) == ("publish", number)
    assert (route["objectKind"], route["action"]) == ("flow routing", "route")
    assert route["before"] != route["after"]
    # The digest of a publish is the SHA-256 of the version's canonical definition.
    shown = admin("GET", f"{V1}/flows/{FLOW}/versions/{number}").json()
    assert len(publish["after"]) == 64 and publish["after"] != publish["before"]
    assert shown["number"] == number


def test_a_refused_write_leaves_no_entry(people: dict[str, tuple[str, Browser]]) -> None:
    _, admin = people["admin"]
    _, editor = people["editor"]
    count = len(entries(admin))
    refused = editor("POST", f"{V1}/flows/{FLOW}/publish", {"note": "not mine"})
    assert error_of(refused, 403) == 900003
    bad = admin("PUT", f"{V1}/flows/{FLOW}", {"code": FLOW, "nodes": "nonsense"})
    assert bad.status_code >= 400
    assert len(entries(admin)) == count


def test_sign_ins_are_recorded_success_and_failure(
    site: Site, people: dict[str, tuple[str, Browser]]
) -> None:
    name, admin = people["admin"]
    viewer_name, _ = people["viewer"]
    reply, _ = site.attempt(viewer_name, "wrong password")
    assert reply.status_code == 401
    sessions = entries(admin, kind="session")
    assert any(e["principal"] == name and e["action"] == "sign-in" for e in sessions)
    failed = [e for e in entries(admin, user=viewer_name) if e["action"] == "sign-in failed"]
    assert len(failed) == 1 and failed[0]["address"] == "127.0.0.1"
    assert failed[0]["before"] is None and failed[0]["after"] is None


def test_bot_push_is_recorded_as_cli(site: Site, people: dict[str, tuple[str, Browser]]) -> None:
    _, admin = people["admin"]
    a = site.tenants["a"]["tenantId"]
    pushed = [e for e in entries(admin, user="cli") if e["action"] == "publish"]
    assert pushed and all(e["objectName"] for e in pushed)  # the first push --publish
    count = len(entries(admin, user="cli"))
    harness.run_cli("bot", "push", EXAMPLE, "--tenant", a, "--publish", env=site.env)
    after = entries(admin, user="cli")
    # The draft was renamed above: the push writes it back (one update) and publishes it.
    new = after[: len(after) - count]
    assert {(e["objectName"], e["action"]) for e in new} >= {(FLOW, "update"), (FLOW, "publish")}
    assert all(e["address"] is None for e in new)


def test_filters_by_time_and_paging(people: dict[str, tuple[str, Browser]]) -> None:
    _, admin = people["admin"]
    everything = entries(admin)
    assert len(everything) >= 3
    assert entries(admin, **{"from": "2999-01-01T00:00:00Z"}) == []
    assert len(entries(admin, to="2999-01-01T00:00:00Z")) == len(everything)
    one = admin("GET", f"{AUDIT}?page=2&page_size=1").json()
    assert one["total"] == len(everything) and one["items"][0]["id"] == everything[1]["id"]


def test_only_admins_read_it_and_only_their_tenants(
    site: Site, people: dict[str, tuple[str, Browser]]
) -> None:
    for role in ("viewer", "editor"):
        assert error_of(people[role][1]("GET", AUDIT), 403) == 900003
    b = site.tenants["b"]["tenantId"]
    mine = httpx.get(site.url + AUDIT + "?page_size=100", headers=site.machine("b"), timeout=20)
    assert mine.status_code == 200, mine.text
    names = {e["principal"] for e in mine.json()["items"]}
    assert names == {"cli"}  # b's only change is its push; a's users appear nowhere
    assert error_of(people["admin"][1]("GET", AUDIT, tenant=b), 403) == 900003
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        reply = people["admin"][1](method, AUDIT, {})
        assert reply.status_code == 405


def test_a_machine_token_write_names_the_tenant(site: Site) -> None:
    b = site.tenants["b"]["tenantId"]
    headers = site.machine("b")
    variable = {"name": "auditVar", "type": "string", "default": "x", "description": ""}
    made = httpx.put(
        f"{site.url}{V1}/variables/auditVar", json=variable, headers=headers, timeout=20
    )
    assert made.status_code in (200, 201), made.text
    found = httpx.get(f"{site.url}{AUDIT}?object=auditVar", headers=headers, timeout=20).json()
    (entry,) = found["items"]
    assert (entry["principal"], entry["objectKind"], entry["action"]) == (b, "variable", "create")
    assert entry["before"] is None
    canonical = '{"default":"x","description":"","name":"auditVar","type":"string"}'
    assert entry["after"] == hashlib.sha256(canonical.encode()).hexdigest()
