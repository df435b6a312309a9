"""``oiap chat``: a caller at the terminal, against a real ``oiap serve --demo`` or in process."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
PROCESS = "/oifde/rest/crs/process"


@dataclass
class Demo:
    server: harness.Server
    env: dict[str, str]
    secret: str

    def token(self, tenant: str, secret: str) -> str:
        return harness.token(self.server.url, tenant, secret)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("chat")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}")
    log = tmp / "server.log"
    with harness.Server(env, "--demo", log=log) as server:
        secret = re.findall(r"appSecret:\s+(\S+)", log.read_text())[-1]
        yield Demo(server, env, secret)


def chat(*args: str, stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "oiap.cli", "chat", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=harness.WORKDIR,
    )


def _with_secret(demo: Demo) -> dict[str, str]:
    return {**demo.env, "OIAP_APP_SECRET": demo.secret}


def test_a_caller_checks_a_balance_and_says_goodbye(demo: Demo) -> None:
    result = chat(
        "4001",
        "--url",
        demo.server.url,
        "--debug",
        stdin="#1\n#12345678#\ngoodbye\n",
        env=_with_secret(demo),
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "bot: Welcome to Example Bank" in out
    assert "[play, playover sent]" in out
    assert "bot: For your balance press 1." in out and "[dtmf, up to 1 key, timeout 8 s]" in out
    assert "you> #12345678#" in out
    # The demo's stand-in core-banking system answered the business interface.
    assert "Your available balance on account ending 5678 is 14240.82 dollars." in out
    assert "path: lookup > say_balance" in out
    assert '"accountNumber": "12345678"' in out
    assert "recognised: goodbye" in out
    assert out.rstrip().endswith("path: end")
    assert "release (reason 0: normal)" in out
    assert "Traceback" not in result.stderr


def test_a_transfer_is_answered_and_the_call_closed(demo: Demo) -> None:
    result = chat(
        "4001",
        "--url",
        demo.server.url,
        # A lost card is put through at any hour (the menu's agent key only in opening hours).
        stdin="/ok\n#1a\n#9\nmy debit card was stolen\nhello\n/ok\n",
        env=_with_secret(demo),
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "! /ok answers a transfer or query; the bot is waiting at a prompt" in out
    assert "! '#1a': after '#' only keys 0-9, * and # may follow" in out
    assert "bot: ~ transfer to 700 (trans_type 1, data 'bank-hotline')" in out
    assert "answer /ok when the transfer succeeds" in out
    assert "! the bot transfers the call: answer /ok or /fail, not hello" in out
    closing = (
        "bot: ~ release (reason 0: normal)\nbot: ~ call ended (the platform confirmed the hang-up)"
    )
    assert closing in out


def test_the_end_of_input_hangs_up_a_chat_channel_call(demo: Demo) -> None:
    result = chat("4002", "--url", demo.server.url, stdin="", env=_with_secret(demo))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(end of input: hanging up)\nbot: ~ release (reason 0: normal)" in result.stdout


def test_what_keeps_a_call_from_starting_is_said_plainly(demo: Demo) -> None:
    cases = [
        (("--secret", "wrong"), "error: no token for tenant 'demo'"),
        ((), "error: give the tenant's appSecret with --secret or OIAP_APP_SECRET"),
        (("--url", f"http://127.0.0.1:{harness.free_port()}", "--secret", "x"), "cannot reach"),
    ]
    for args, message in cases:
        result = chat("4001", "--url", demo.server.url, *args, stdin="", env=demo.env)
        assert result.returncode == 1
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    unbound = chat("4999", "--url", demo.server.url, stdin="", env=_with_secret(demo))
    assert unbound.returncode == 1
    assert "Access code '4999' is not bound to a flow" in unbound.stdout


def test_chat_dials_where_oiap_host_and_oiap_port_say_and_url_wins(demo: Demo) -> None:
    # The same two settings that tell `oiap serve` where to listen tell `oiap chat` where to dial.
    env = {**_with_secret(demo), "OIAP_HOST": "127.0.0.1", "OIAP_PORT": str(demo.server.port)}
    found = chat("4002", stdin="", env=env)
    assert found.returncode == 0, found.stdout + found.stderr
    assert "(end of input: hanging up)" in found.stdout
    # Nothing listens on this port: the message names the address the settings gave.
    closed = harness.free_port()
    away = {**env, "OIAP_PORT": str(closed)}
    missed = chat("4002", stdin="", env=away)
    assert missed.returncode == 1
    assert f"cannot reach http://127.0.0.1:{closed}" in missed.stderr
    # --url still wins over the settings.
    given = chat("4002", "--url", demo.server.url, stdin="", env=away)
    assert given.returncode == 0, given.stdout + given.stderr


def test_the_demo_banner_prints_a_chat_line_that_works_as_pasted(demo: Demo) -> None:
    assert demo.server.log is not None
    lines = [
        line.strip()
        for line in demo.server.log.read_text().splitlines()
        if re.search(r"\bchat 4001\b", line)
    ]
    assert lines, "no `oiap chat` line in the demo banner"
    pasted = shlex.split(lines[-1])
    assert pasted[pasted.index("--url") + 1] == demo.server.url  # not the default port
    # As a newcomer pastes it: the printed program, no OIAP_* in the environment.
    clean = {k: v for k, v in demo.env.items() if not k.startswith("OIAP_")}
    result = subprocess.run(
        pasted,
        input="goodbye\n",
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=harness.WORKDIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bot: Welcome to Example Bank" in result.stdout


def test_a_bot_folder_runs_in_process_with_stubbed_interfaces(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs.yaml"
    stubs.write_text(
        "accountBalance:\n  json: {result: {availableBalance: '99.99', accountSuffix: '4321'}}\n"
    )
    result = chat(
        "4001",
        "--local",
        str(EXAMPLE),
        "--stubs",
        str(stubs),
        "--at",
        "2025-03-08T11:00:00-05:00",
        stdin="#1\n#87654321#\n/hangup\n",
        env=harness.oiap_env(),
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "Our agents are available weekdays from 8 am to 8 pm" in out  # a Saturday
    # --stubs wins over the answer the bot's own tests would lend (1234.56), and says so.
    assert "ending 4321 is 99.99 dollars" in out
    assert f"interface accountBalance  stubbed from {stubs} (--stubs)" in result.stderr
    assert out.rstrip().endswith("bot: ~ release (reason 0: normal)")


def test_local_mode_refuses_stubs_for_interfaces_the_bot_lacks(tmp_path: Path) -> None:
    stubs = tmp_path / "stubs.yaml"
    stubs.write_text("noSuchInterface: {status: 500}\n")
    result = chat(
        "4001", "--local", str(EXAMPLE), "--stubs", str(stubs), stdin="", env=harness.oiap_env()
    )
    assert result.returncode == 1
    assert "the bot has no interface 'noSuchInterface' to stub" in result.stderr
    assert "Traceback" not in result.stderr


# -- the debug channel behind --debug ---------------------------------------------------------


def _process(demo: Demo, body: dict[str, Any], *, debug: bool) -> dict[str, Any]:
    headers = {"X-OIAP-Debug": "1"} if debug else {}
    reply = httpx.post(demo.server.url + PROCESS, json=body, headers=headers, timeout=10)
    answer: dict[str, Any] = reply.json()
    return answer


def test_the_debug_object_comes_only_on_request_and_only_to_the_owner(demo: Demo) -> None:
    token = demo.token("demo", demo.secret)
    start = {
        "userid": "debug-1",
        "inaction": 8,
        "inparams": {
            "call_id": "debug-1",
            "call_sor_id": "555",
            "call_dst_id": "4001",
            "auth_token": token,
        },
    }
    plain = _process(demo, start, debug=False)
    assert set(plain) == {"ret", "userid", "outaction", "outparams"}
    # The demo bot keeps opening hours on the wall clock: out of hours the welcome goes on.
    assert plain["outparams"]["prompt_text"].startswith("Welcome to Example Bank.")

    playover = {
        "userid": "debug-1",
        "inaction": 9,
        "inparams": {
            "call_id": "debug-1",
            "call_dst_id": "4001",
            "flow_result_type": "3",
            "input": "playover",
            "inter_idx": plain["outparams"]["inter_idx"],
            "auth_token": token,
        },
    }
    debugged = _process(demo, playover, debug=True)
    debug = debugged.pop("debug")
    # after the greeting: node `channel` picks the phone menu for access code 4001
    assert debug["path"] == ["channel", "menu"] and debug["node"] == "menu"
    assert debug["flow"] == "hotline" and debug["version"] == 1
    assert debug["variables"]["FLOW"] == {
        "accountNumber": None,
        "balance": None,
        "accountSuffix": None,
    }
    assert debug["variables"]["SYS"]["callingNumber"] == "555"
    assert debug["replayed"] is False
    # A retry is answered from the stored response: the same, with or without debug.
    assert _process(demo, playover, debug=False) == debugged
    assert _process(demo, playover, debug=True)["debug"]["replayed"] is True

    other = harness.cli_json("tenant", "create", "Other bank", env=demo.env)
    foreign = {
        **playover,
        "inparams": {
            **playover["inparams"],
            "auth_token": demo.token(other["tenantId"], other["appSecret"]),
        },
    }
    refused = _process(demo, foreign, debug=True)
    assert refused["ret"] != 0 and "debug" not in refused


# -- oiap chat --local: interfaces answer as the bot's own tests say ------------------------


def test_local_mode_borrows_each_interfaces_answer_from_the_bots_own_tests() -> None:
    result = chat(
        "4001",
        "--local",
        str(EXAMPLE),
        "--at",
        "2025-03-04T10:00:00-05:00",
        stdin="#1\n#12345678#\n",
        env=harness.oiap_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The first answer that succeeds, not the failures that the tests try first (agent-hours
    # and interface-failures stub accountBalance with 500 and worse); said where it came from.
    source = EXAMPLE / "tests" / "balance.yaml"
    assert (
        f"interface accountBalance  stubbed as in {source}:3 ('balance read out, then goodbye')"
        in result.stderr
    )
    assert "ending 5678 is 1234.56 dollars" in result.stdout
    assert "HTTP 503" not in result.stdout + result.stderr


def test_an_interface_no_test_answers_is_named_once_when_called(tmp_path: Path) -> None:
    bot = tmp_path / "bank-hotline"
    shutil.copytree(EXAMPLE, bot)
    shutil.rmtree(bot / "tests")
    result = chat(
        "4001",
        "--local",
        str(bot),
        "--at",
        "2025-03-02T19:00:00-05:00",  # a Sunday evening: no agent, so the call goes on
        # Two lookups in one call: the note comes with the first only.
        stdin="#1\n#12345678#\nwhat is my balance\n#12345678#\n",
        env=harness.oiap_env(),
    )
    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    assert "interface accountBalance  NOT stubbed: no test answers it" in result.stderr
    note = f"! interface 'accountBalance' has no stub: no test in {bot / 'tests'} answers it"
    assert out.count(note) == 1
    assert "--stubs FILE" in out.split(note, 1)[1].splitlines()[0]
    # The flow takes its error path, as with a backend that is down.
    assert out.count("I couldn't reach your account") == 2
    assert "HTTP 503" not in out + result.stderr
