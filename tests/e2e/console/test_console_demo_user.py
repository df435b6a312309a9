"""``oiap serve --demo`` makes a console user for the demo tenant and prints how to sign in;
a restart prints the same sign-in, and a password its user changed is kept, not reset."""

from __future__ import annotations

import re
from pathlib import Path

import harness
import httpx
from console_site import SESSION, V1, user_cli

SIGN_IN_LINE = re.compile(r"Console:\s+(\S+)\s+name: (\S+)\s+password: (.+)")


def _sign_ins(log: Path) -> list[tuple[str, str, str]]:
    found = [m.groups() for m in SIGN_IN_LINE.finditer(log.read_text())]
    return [(url, name, password.strip()) for url, name, password in found]


def _sign_in(url: str, name: str, password: str) -> httpx.Response:
    return httpx.post(url + SESSION, json={"name": name, "password": password}, timeout=20)


def test_demo_prints_a_console_sign_in_that_works_and_keeps_it(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    log = tmp_path / "server.log"
    server = harness.Server(env, "--demo", log=log)
    with server:
        [(url, name, password)] = _sign_ins(log)
        assert url == server.url + "/console/"
        reply = _sign_in(server.url, name, password)
        assert reply.status_code == 200, reply.text
        assert reply.json()["user"] == {"name": name, "tenantId": "demo", "role": "admin"}
        cookies = reply.cookies
        flows = httpx.get(server.url + f"{V1}/flows", cookies=cookies, timeout=20)
        assert [f["code"] for f in flows.json()["items"]] == ["hotline"]
    with server:  # a restart: the same user and password, printed again
        assert _sign_ins(log)[-1] == (url, name, password)
        assert _sign_in(server.url, name, password).status_code == 200
    changed = user_cli("set-password", name, env=env, password="my very own password")
    assert changed.returncode == 0, changed.stderr
    with server:  # the user's own password is kept, and not printed
        last = _sign_ins(log)[-1]
        assert last[2] != password and "set-password" in last[2]
        assert _sign_in(server.url, name, "my very own password").status_code == 200
        assert _sign_in(server.url, name, password).status_code == 401
