"""MetaStudio through the management API (`/oiap/v1/metastudio`) against a real server, as
the console drives it: projects of the tenant only, dialogs and applications read, created
and edited with the MetaStudio API's rules, the hosted page's link and an activation code
that a visitor then uses, and the jobs that follow."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import harness
import httpx
import pytest
from console_site import V1, Site, error_of

MS = V1 + "/metastudio"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("console-ms")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}",
        session_store="memory",
        secret_key=secrets.token_hex(32),  # the CLI seals the SK the server opens
    )
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        found = Site(server, env)
        found.tenant("a")
        found.tenant("b", push=False)
        yield found


def project_of(site: Site, tenant: str, name: str) -> dict[str, Any]:
    """``oiap project create NAME --tenant ID``: the SK is printed here and nowhere else."""
    tenant_id = site.tenants[tenant]["tenantId"]
    created: dict[str, Any] = harness.cli_json(
        "project", "create", name, "--tenant", tenant_id, "--json", env=site.env
    )
    return created


def api(site: Site, tenant: str, method: str, path: str, body: Any = None) -> httpx.Response:
    """The tenant's own token: it acts with every right of the tenant."""
    return httpx.request(
        method, site.url + MS + path, json=body, headers=site.machine(tenant), timeout=20
    )


def ok(reply: httpx.Response, status: int = 200) -> Any:
    assert reply.status_code == status, reply.text
    return reply.json()


def test_projects_are_the_tenants_own_and_never_show_the_sk(site: Site) -> None:
    mine = project_of(site, "a", "shop-" + secrets.token_hex(3))
    theirs = project_of(site, "b", "other-" + secrets.token_hex(3))
    listed = api(site, "a", "GET", "/projects")
    ids = [p["projectId"] for p in ok(listed)["items"]]
    assert mine["project_id"] in ids and theirs["project_id"] not in ids
    assert mine["sk"] not in listed.text
    shown = ok(api(site, "a", "GET", f"/projects/{mine['project_id']}"))
    assert shown["accessKey"] == mine["ak"] and shown["quota"] is None
    assert mine["sk"] not in str(shown)
    # Another tenant's project is as absent as one that never existed, on every route.
    other = theirs["project_id"]
    for method, path, body in (
        ("GET", f"/projects/{other}", None),
        ("GET", f"/projects/{other}/dialogs", None),
        ("GET", f"/projects/{other}/applications", None),
        ("POST", f"/projects/{other}/dialogs", {"name": "intruder", "concurrency": 1}),
    ):
        assert error_of(api(site, "a", method, path, body), 404) == 10000003, path
    assert ok(api(site, "b", "GET", f"/projects/{other}/dialogs"))["total"] == 0


def test_dialogs_follow_the_metastudio_rules(site: Site) -> None:
    pid = project_of(site, "a", "rooms-" + secrets.token_hex(3))["project_id"]
    bare = ok(api(site, "a", "POST", f"/projects/{pid}/dialogs", {"name": "lobby"}), 201)
    assert bare["concurrency"] is None  # no units: no job can start in it
    assert bare["metastudio"]["room_name"] == "lobby"
    desk = ok(
        api(site, "a", "POST", f"/projects/{pid}/dialogs", {"name": "desk", "concurrency": 2}),
        201,
    )
    listed = ok(api(site, "a", "GET", f"/projects/{pid}/dialogs"))
    assert {d["name"]: d["concurrency"] for d in listed["items"]} == {"lobby": None, "desk": 2}
    project = ok(api(site, "a", "GET", f"/projects/{pid}"))
    assert (project["dialogs"], project["allocatedConcurrency"]) == (2, 2)

    path = f"/projects/{pid}/dialogs/{desk['dialogId']}"
    changed = ok(api(site, "a", "PUT", path, {"name": "front desk", "concurrency": 3}))
    assert (changed["name"], changed["concurrency"]) == ("front desk", 3)
    # Absent members keep their value; a null concurrency takes the units away.
    kept = ok(api(site, "a", "PUT", path, {"description": "by the door"}))
    assert (kept["name"], kept["concurrency"]) == ("front desk", 3)
    assert ok(api(site, "a", "PUT", path, {"concurrency": None}))["concurrency"] is None
    assert ok(api(site, "a", "GET", path))["description"] == "by the door"

    taken = api(site, "a", "PUT", path, {"name": "lobby"})
    assert error_of(taken, 409) == 10000004
    assert "MSS.20010148" in taken.json()["errorMsg"]
    for bad in ({"concurrency": 5000}, {"concurrency": "2"}, {"name": ""}, {"colour": "red"}):
        reply = api(site, "a", "PUT", path, bad)
        assert error_of(reply, 400) == 10000002, bad
    assert "'concurrency'" in api(site, "a", "PUT", path, {"concurrency": -1}).json()["errorMsg"]
    missing = api(site, "a", "GET", f"/projects/{pid}/dialogs/nosuchdialog")
    assert error_of(missing, 404) == 10000003
    not_json = httpx.post(
        site.url + MS + f"/projects/{pid}/dialogs",
        content=b"{nope",
        headers={**site.machine("a"), "Content-Type": "application/json"},
        timeout=20,
    )
    assert error_of(not_json, 400) == 10000002


def test_the_project_quota_holds_on_both_paths(site: Site) -> None:
    pid = project_of(site, "a", "quota-" + secrets.token_hex(3))["project_id"]
    harness.run_cli("project", "set-quota", pid, "2", env=site.env)
    ok(api(site, "a", "POST", f"/projects/{pid}/dialogs", {"name": "one", "concurrency": 2}), 201)
    over = api(site, "a", "POST", f"/projects/{pid}/dialogs", {"name": "two", "concurrency": 1})
    assert error_of(over, 400) == 10000002
    assert "MSS.20010139" in over.json()["errorMsg"]


def test_an_activation_code_opens_the_hosted_page_and_the_job_is_listed(site: Site) -> None:
    pid = project_of(site, "a", "page-" + secrets.token_hex(3))["project_id"]
    room = ok(
        api(site, "a", "POST", f"/projects/{pid}/dialogs", {"name": "desk", "concurrency": 1}),
        201,
    )["dialogId"]
    app = ok(
        api(site, "a", "POST", f"/projects/{pid}/applications", {"name": "x", "accessCode": "9"}),
        201,
    )
    assert (app["appType"], app["accessCode"], app["accessCodeBound"]) == (30, "9", False)
    robot = app["applicationId"]
    app_path = f"/projects/{pid}/applications/{robot}"
    fixed = ok(api(site, "a", "PUT", app_path, {"name": "hotline", "accessCode": "4001"}))
    assert (fixed["name"], fixed["accessCode"], fixed["accessCodeBound"]) == (
        "hotline",
        "4001",
        True,
    )
    assert ok(api(site, "a", "GET", app_path))["metastudio"]["oiap_config"] == {
        "access_code": "4001"
    }
    dup = api(
        site,
        "a",
        "POST",
        f"/projects/{pid}/applications",
        {"name": "hotline", "accessCode": "4001"},
    )
    assert error_of(dup, 409) == 10000004
    no_code = api(site, "a", "POST", f"/projects/{pid}/applications", {"name": "y"})
    assert error_of(no_code, 400) == 10000002

    target = {"dialogId": room, "applicationId": robot}
    url = ok(api(site, "a", "POST", f"/projects/{pid}/dialog-url", target))["url"]
    assert url.startswith(site.url + "/icswebclient?") and f"room_id={room}" in url
    assert httpx.get(url, timeout=20).status_code == 200
    code = ok(
        api(site, "a", "POST", f"/projects/{pid}/activation-codes", {**target, "validPeriod": 7}),
        201,
    )
    assert len(code["activationCode"]) == 6 and code["expireTime"] is not None
    codes = ok(api(site, "a", "GET", f"{app_path}/activation-codes"))["items"]
    assert [c["activationCode"] for c in codes] == [code["activationCode"]]
    wrong = {"dialogId": "nosuch", "applicationId": robot}
    assert error_of(api(site, "a", "POST", f"/projects/{pid}/dialog-url", wrong), 404) == 10000003
    too_long = {**target, "validPeriod": 70000}
    reply = api(site, "a", "POST", f"/projects/{pid}/activation-codes", too_long)
    assert error_of(reply, 400) == 10000002

    # A visitor types the code on the hosted page: a job of the dialog starts.
    visit = httpx.post(
        f"{site.url}/v1/{pid}/digital-human-chat/web-client/jobs",
        json={"robot_id": robot, "active_code": code["activationCode"]},
        timeout=20,
    )
    job_id = ok(visit)["job_id"]
    jobs_path = f"/projects/{pid}/dialogs/{room}/jobs"
    listed = ok(api(site, "a", "GET", jobs_path))
    assert [(j["jobId"], j["state"], j["live"]) for j in listed["items"]] == [
        (job_id, "PROCESSING", True)
    ]
    job = ok(api(site, "a", "GET", f"{jobs_path}/{job_id}"))
    assert (job["applicationId"], job["dialogId"]) == (robot, room)
    assert ok(api(site, "a", "GET", jobs_path + "?state=SUCCEED"))["total"] == 0
    assert error_of(api(site, "a", "GET", jobs_path + "?state=ASLEEP"), 400) == 10000002
    assert error_of(api(site, "a", "GET", f"{jobs_path}/nosuchjob"), 404) == 10000003


def test_roles_viewer_reads_editor_writes(site: Site) -> None:
    tenant_id = site.tenants["a"]["tenantId"]
    pid = project_of(site, "a", "roles-" + secrets.token_hex(3))["project_id"]
    viewer = site.sign_in(*site.user("viewer", tenant_id))
    editor = site.sign_in(*site.user("editor", tenant_id))
    base = f"{MS}/projects/{pid}"
    assert viewer("GET", f"{MS}/projects").status_code == 200
    assert error_of(viewer("POST", f"{base}/dialogs", {"name": "v", "concurrency": 1}), 403) == (
        900003
    )
    made = editor("POST", f"{base}/dialogs", {"name": "e", "concurrency": 1})
    assert made.status_code == 201, made.text
    path = f"{base}/dialogs/{made.json()['dialogId']}"
    assert error_of(viewer("PUT", path, {"concurrency": 2}), 403) == 900003
    assert ok(viewer("GET", path))["concurrency"] == 1
    assert ok(editor("PUT", path, {"concurrency": 2}))["concurrency"] == 2
    # Tenant B's user sees nothing of tenant A's projects.
    b_viewer = site.sign_in(*site.user("viewer", site.tenants["b"]["tenantId"]))
    assert pid not in b_viewer("GET", f"{MS}/projects").text
    assert error_of(b_viewer("GET", f"{base}/dialogs"), 404) == 10000003
