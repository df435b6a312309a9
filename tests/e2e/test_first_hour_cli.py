"""What a newcomer meets in the first hour, run as they run it (issue 14, items 4 to 8):
``oiap bot push`` says a change is a draft, ``oiap bot validate`` points at the offending
key, ``oiap project list`` prints a table, a lock-out says how long it lasts and an operator
can lift it, and a wrong method names the right one."""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness
import httpx
import pytest

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
GETTOKEN = "/oifde/rest/api/gettoken"
THRESHOLD = 2
LOCK_SECONDS = 600


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("first-hour")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}",
        session_store=harness.session_store("redis"),
        lockout_threshold=THRESHOLD,
        lockout_duration=LOCK_SECONDS,
        secret_key="first-hour-test-key",
    )
    harness.run_cli("db", "upgrade", env=env)
    with harness.Server(env, log=tmp / "server.log") as server:
        yield Deployment(server, env)


def _lock(d: Deployment, app_key: str) -> httpx.Response:
    for _ in range(THRESHOLD):
        reply = httpx.post(
            d.server.url + GETTOKEN, json={"appKey": app_key, "appSecret": "wrong"}, timeout=10
        )
    return reply


def test_push_without_publish_says_draft_and_prints_the_publish_command(
    deployment: Deployment, tmp_path: Path
) -> None:
    env = deployment.env
    tenant = harness.cli_json("tenant", "create", "Draft Bank", env=env)["tenantId"]
    folder = tmp_path / "bot"
    shutil.copytree(EXAMPLE, folder)
    pushed = harness.run_cli("bot", "push", str(folder), "--tenant", tenant, env=env)
    assert "flow 'hotline' created" in pushed.stdout
    assert "draft" in pushed.stdout
    command = f"oiap bot push {folder} --tenant {tenant} --publish"
    assert command in pushed.stdout
    # The printed command, run as printed, publishes.
    published = harness.run_cli(*shlex.split(command)[1:], env=env)
    assert "flow 'hotline' published as version 1" in published.stdout
    assert "draft" not in published.stdout
    # Nothing changed: no draft to speak of.
    again = harness.run_cli("bot", "push", str(folder), "--tenant", tenant, env=env)
    assert again.stdout.strip() == "no change"
    # Access codes take effect at once: no draft either.
    codes = folder / "access-codes.yaml"
    codes.write_text(codes.read_text().replace("Bank chat", "Bank web chat"))
    bound = harness.run_cli("bot", "push", str(folder), "--tenant", tenant, env=env)
    assert bound.stdout.strip() == "access code '4002' updated"


def test_validate_points_at_the_offending_key(tmp_path: Path) -> None:
    folder = tmp_path / "bot"
    shutil.copytree(EXAMPLE, folder)
    flow = folder / "flows" / "hotline.yaml"
    lines = flow.read_text().splitlines()
    menu = lines.index("  - id: menu")
    agent = next(i for i in range(menu, len(lines)) if lines[i].strip() == "- to: agent")
    timeout = next(i for i in range(menu, len(lines)) if lines[i].strip().startswith("timeout:"))
    lines[agent] = lines[agent].replace("agent", "agnet")
    lines[timeout] = "      timeout: 999"
    flow.write_text("\n".join(lines) + "\n")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    result = harness.run_cli("bot", "validate", str(folder), env=env, check=False)
    assert result.returncode == 1
    assert f"flows/hotline.yaml:{agent + 1}: branch goes to unknown node 'agnet'" in result.stderr
    assert f"flows/hotline.yaml:{timeout + 1}: 'timeout' must be a whole number" in result.stderr


def test_project_list_prints_a_table_and_json(deployment: Deployment) -> None:
    env = deployment.env
    made = harness.cli_json("project", "create", "Lobby", env=env)
    listed = harness.run_cli("project", "list", env=env).stdout
    assert "{" not in listed  # not a Python dict
    header = next(line for line in listed.splitlines() if "project_id" in line)
    assert all(name in header for name in ("tenant_id", "name", "ak", "quota"))
    row = next(line for line in listed.splitlines() if made["project_id"] in line)
    assert made["ak"] in row and "Lobby" in row and made["sk"] not in listed
    rows = harness.cli_json("project", "list", env=env)
    mine = next(r for r in rows if r["project_id"] == made["project_id"])
    assert mine["ak"] == made["ak"] and "sk" not in mine


def test_lock_out_says_how_long_and_an_operator_unlocks(deployment: Deployment) -> None:
    d = deployment
    tenant = harness.cli_json("tenant", "create", "Locked Bank", env=d.env)
    locked = _lock(d, tenant["appKey"])
    assert locked.json()["errorCode"] == 200800003
    message = locked.json()["errorMsg"]
    assert message.startswith("The account is locked. Try again in ")
    seconds = int(message.split("Try again in ")[1].split(" s")[0])
    assert 0 < seconds <= LOCK_SECONDS
    right = {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]}
    still = httpx.post(d.server.url + GETTOKEN, json=right, timeout=10).json()
    assert still["errorCode"] == 200800003 and "Try again in " in still["errorMsg"]

    unlocked = harness.run_cli("tenant", "unlock", tenant["tenantId"], env=d.env)
    assert "unlocked" in unlocked.stdout
    assert harness.token(d.server.url, tenant["appKey"], tenant["appSecret"])
    again = harness.run_cli("tenant", "unlock", tenant["tenantId"], env=d.env)
    assert "was not locked" in again.stdout
    unknown = harness.run_cli("tenant", "unlock", "no-such-tenant", env=d.env, check=False)
    assert unknown.returncode == 1 and "10000003" in unknown.stderr


def test_unlock_with_the_in_process_store_says_it_cannot_reach_it(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}", session_store="memory")
    result = harness.run_cli("tenant", "unlock", "anyone", env=env, check=False)
    assert result.returncode == 1
    assert "inside the running server process" in result.stderr
    assert "OIAP_SESSION_STORE=redis://" in result.stderr
    assert "redis" in harness.run_cli("tenant", "unlock", "--help", env=env).stdout


def test_a_wrong_method_answers_405_naming_the_allowed_one(deployment: Deployment) -> None:
    url = deployment.server.url
    reply = httpx.get(url + GETTOKEN, timeout=10)
    assert reply.status_code == 405
    assert reply.headers["allow"] == "POST"
    body = reply.json()
    assert body["errorCode"] == 10000002
    assert body["errorMsg"] == (
        "The method is not allowed here. GET is not answered at /oifde/rest/api/gettoken; use POST."
    )
    # The dialog interface keeps its own body shape.
    dialog = httpx.get(url + "/oifde/rest/crs/process", timeout=10)
    assert dialog.status_code == 405 and "use POST" in dialog.text
    # MetaStudio paths keep their code and envelope, and say what is allowed too.
    ms = httpx.get(url + "/v1/p1/digital-human-chat/create-dialog-url", timeout=10)
    assert ms.status_code == 405
    assert ms.json()["error_code"] == "MSS.00010004"
    assert ms.headers["allow"] == "POST"
