"""docs/metastudio.md "First steps", run as a newcomer pastes it: the shell blocks exactly as
written, in bash, against ``oiap serve --demo``; then what the hosted page does in a browser."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import harness
import httpx
import pytest

DOC = harness.REPO / "docs" / "metastudio.md"


def first_steps_blocks() -> list[str]:
    """The ``sh`` blocks of the "First steps" section, in order."""
    text = DOC.read_text("utf-8")
    section = text.split("\n## First steps\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^```sh\n(.*?)^```$", section, flags=re.M | re.S)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[harness.Server]:
    tmp = tmp_path_factory.mktemp("first-steps")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}", secret_key=secrets.token_hex(32)
    )
    with harness.Server(env, "--demo", log=tmp / "server.log") as running:
        yield running


def paste(script: str, server: harness.Server, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in bash as a user's shell would, with ``oiap`` on PATH (the activated
    .venv) and the settings ``make serve`` used; the port stands for the default 8080."""
    env = dict(server.env)
    env["OIAP_PORT"] = str(server.port)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-e", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_first_steps_work_as_pasted(demo_server: harness.Server, tmp_path: Path) -> None:
    blocks = first_steps_blocks()
    assert len(blocks) == 3, "the walkthrough's three shell blocks"
    setup, shell_chat, with_curl = blocks
    assert "oiap project create" in setup and "--pick url" in setup
    # The test's own lines, between the user's blocks, only read the shell's variables.
    reveal = 'echo "ROOM=$ROOM"; echo "ROBOT=$ROBOT"\n'
    done = paste(setup + reveal + shell_chat + "echo ---\n" + with_curl, demo_server, tmp_path)
    assert done.returncode == 0, done.stderr
    before_curl, curled = done.stdout.split("---\n")
    url, code, room_line, robot_line, *chatted = before_curl.strip().splitlines()
    room_id, robot_id = room_line.removeprefix("ROOM="), robot_line.removeprefix("ROBOT=")
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code), done.stdout
    page = urlsplit(url)
    assert f"{page.scheme}://{page.netloc}" == demo_server.url
    query = {k: v[0] for k, v in parse_qs(page.query).items()}
    assert (query["room_id"], query["robot_id"]) == (room_id, robot_id)
    # The shell's chat: greeting, account number asked, balance told, the job ended.
    said = "\n".join(chatted)
    assert said.index("Welcome to Example Bank") < said.index("account number")
    assert said.index("account number") < said.index("Your available balance")
    assert chatted[-1] == "SUCCEED"
    # The signed curl line, then what it answered when run.
    curl_line, stored = curled.split("\n", 1)
    assert curl_line.startswith("curl ") and "SDK-HMAC-SHA256 Access=" in curl_line
    dialog = json.loads(stored)
    assert (dialog["room_id"], dialog["concurrency"]) == (room_id, 2)

    # The browser: the page, then what it sends for the typed activation code, then the chat.
    html = httpx.get(url, timeout=10)
    assert html.status_code == 200 and "the activation code you were given" in html.text
    started = httpx.post(
        f"{demo_server.url}/v1/{query['project_id']}/digital-human-chat/web-client/jobs",
        json={"robot_id": robot_id, "active_code": code},
        timeout=30,
    )
    assert started.status_code == 200, started.text
    job = started.json()
    chat = httpx.Client(
        headers={"X-Chat-Token": job["rtc_room_info"]["users"][0]["signature"]}, timeout=30
    )
    address = job["chat_access_address"]
    greeting = chat.post(address, json={}).json()
    assert "Welcome to Example Bank" in greeting["messages"][0]["text"]
    chat.post(address, json={"text": "1"})
    balance = chat.post(address, json={"text": "12345678"}).json()
    assert "balance" in balance["messages"][0]["text"]
    assert chat.post(address, json={"hangup": True}).json()["state"] == "SUCCEED"
