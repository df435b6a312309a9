"""``oiap serve --demo`` installs and publishes the example bot, once, for tenant demo."""

from __future__ import annotations

import re
from pathlib import Path

import harness
import httpx


def _demo_token(server: harness.Server, log: Path) -> str:
    secrets = re.findall(r"appSecret:\s+(\S+)", log.read_text())
    reply = httpx.post(
        server.url + "/oifde/rest/api/gettoken",
        json={"appKey": "demo", "appSecret": secrets[-1]},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    token: str = reply.json()["authToken"]
    return token


def test_demo_serves_the_published_example_bot_across_restarts(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    for _start in range(2):  # the second start must find everything in place
        with harness.Server(env, "--demo", log=log) as server:
            body = {"tenantId": "demo", "authToken": _demo_token(server, log)}
            flows = httpx.post(server.url + "/oifde/rest/api/queryflows", json=body).json()
            assert [(f["flowCode"], f["status"], f["version"]) for f in flows["flowList"]] == [
                ("hotline", "VALID", "1")
            ]
            bindings = httpx.post(
                server.url + "/oifde/rest/api/querynavigationinfo",
                json={**body, "source": "OIFDE"},
            ).json()
            assert sorted(b["accessCode"] for b in bindings["accessInfoList"]) == ["4001", "4002"]
