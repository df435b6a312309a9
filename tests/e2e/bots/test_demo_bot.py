"""``oiap serve --demo`` installs and publishes the example bot, once, for tenant demo."""

from __future__ import annotations

import re
from pathlib import Path

import harness
import httpx


def _demo_token(server: harness.Server, log: Path) -> str:
    secrets = re.findall(r"appSecret:\s+(\S+)", log.read_text())
    return harness.token(server.url, "demo", secrets[-1])


def test_demo_serves_the_published_example_bot_across_restarts(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    server = harness.Server(env, "--demo", log=log)
    for _start in range(2):  # a restart on the same address must find everything in place
        with server:
            body = {"tenantId": "demo", "authToken": _demo_token(server, log), "source": "OIFDE"}
            flows = httpx.post(server.url + "/oifde/rest/api/queryflows", json=body).json()
            assert [(f["flowCode"], f["status"], f["version"]) for f in flows["flowList"]] == [
                ("hotline", "VALID", "1")
            ]
            bindings = httpx.post(
                server.url + "/oifde/rest/api/querynavigationinfo",
                json={**body, "source": "OIFDE"},
            ).json()
            assert sorted(b["accessCode"] for b in bindings["accessInfoList"]) == ["4001", "4002"]


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
