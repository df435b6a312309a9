"""``oiap serve --demo`` installs and publishes the example bot for tenant demo where it has
none, and keeps what its user made of it across restarts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import harness
import httpx

EXAMPLE = harness.REPO / "examples" / "bank-hotline"


def _demo_token(server: harness.Server, log: Path) -> str:
    secrets = re.findall(r"appSecret:\s+(\S+)", log.read_text())
    return harness.token(server.url, "demo", secrets[-1])


def _flows(server: harness.Server, log: Path) -> list[tuple[str, str, str]]:
    body = {"tenantId": "demo", "authToken": _demo_token(server, log), "source": "OIFDE"}
    flows = httpx.post(server.url + "/oifde/rest/api/queryflows", json=body).json()
    return [(f["flowCode"], f["status"], f["version"]) for f in flows["flowList"]]


def test_demo_loads_the_example_bot_once_and_keeps_it_across_restarts(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    server = harness.Server(env, "--demo", log=log)
    with server:
        assert _flows(server, log) == [("hotline", "VALID", "1")]
        body = {"tenantId": "demo", "authToken": _demo_token(server, log), "source": "OIFDE"}
        bindings = httpx.post(server.url + "/oifde/rest/api/querynavigationinfo", json=body).json()
        assert sorted(b["accessCode"] for b in bindings["accessInfoList"]) == ["4001", "4002"]
    assert "demo: demo bot loaded from" in log.read_text()
    with server:  # a restart on the same address finds everything in place, untouched
        assert _flows(server, log) == [("hotline", "VALID", "1")]
    assert "demo: demo tenant kept as you left it (hotline v1)" in log.read_text()


def test_a_users_published_change_to_the_demo_survives_a_restart(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    server = harness.Server(env, "--demo", log=log)
    with server:
        assert _flows(server, log) == [("hotline", "VALID", "1")]
    # The newcomer edits the greeting and publishes it: version 2 of their own.
    mine = tmp_path / "my-bot"
    shutil.copytree(EXAMPLE, mine)
    flow = mine / "flows" / "hotline.yaml"
    flow.write_text(
        flow.read_text().replace("text: Welcome to Example Bank.", "text: Hello from my bank.")
    )
    harness.run_cli("bot", "push", str(mine), "--tenant", "demo", "--publish", env=env)
    with server:
        assert _flows(server, log) == [("hotline", "VALID", "2")]
        pulled = tmp_path / "pulled"
        harness.run_cli("bot", "pull", str(pulled), "--tenant", "demo", env=env)
        assert "Hello from my bank." in (pulled / "flows" / "hotline.yaml").read_text()
    assert "demo: demo tenant kept as you left it (hotline v2)" in log.read_text()


def test_demo_balance_lookup_reaches_the_demo_core_banking(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    with harness.Server(env, "--demo", log=log) as server:
        token = _demo_token(server, log)
        idx = ""

        def send(inaction: int, **fields: str) -> dict[str, object]:
            nonlocal idx
            params = {"call_id": "demo-1", "call_dst_id": "4001", "auth_token": token, **fields}
            if idx:
                params["inter_idx"] = idx
            body = {"userid": "demo-1", "inaction": inaction, "inparams": params}
            answer: dict[str, object] = httpx.post(
                server.url + "/oifde/rest/crs/process", json=body, timeout=10
            ).json()
            outparams = answer["outparams"]
            assert isinstance(outparams, dict)
            idx = outparams.get("inter_idx", idx)
            return outparams

        send(8, call_sor_id="13500000001")  # welcome, or the after-hours notice
        send(9, flow_result_type="3", input="playover")  # the menu
        send(9, flow_result_type="2", input="1")
        balance = send(9, flow_result_type="2", input="12345678#")
        assert "account ending 5678 is" in str(balance["prompt_text"])
