"""A slow core-banking stub that counts calls, the demo hotline pointed at it, an IVR caller.

Shared by the turn-lock and Redis-outage fault tests (and the scripts that measure them).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import harness
import httpx

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
INTERFACE_TIMEOUT = 30  # seconds, on the bot copy: longer than any turn budget used here


class SlowBank:
    """Answers the hotline's balance interface after ``delay`` seconds; while ``hanging``,
    holds every call until released (or closed). Counts calls per account number."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls: Counter[str] = Counter()
        self.released = threading.Event()
        self.released.set()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                account = str(body.get("accountNumber", ""))
                with owner._lock:
                    owner.calls[account] += 1
                owner.released.wait(timeout=120)
                time.sleep(owner.delay)
                answer = {"result": {"availableBalance": "42.00", "accountSuffix": account[-4:]}}
                data = json.dumps(answer).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the platform gave up on this call (its budget) or died

            def log_message(self, *_args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/balance"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def hang(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def total(self) -> int:
        with self._lock:
            return sum(self.calls.values())

    def close(self) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def hotline_copy(target: Path, balance_url: str) -> Path:
    """The example bot, open around the clock, its balance interface at ``balance_url``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests"))
    flow_file = target / "flows" / "hotline.yaml"
    flow_file.write_text(
        flow_file.read_text().replace(
            'days: [mon, tue, wed, thu, fri]\n          from: "08:00"\n          to: "20:00"',
            'days: [mon, tue, wed, thu, fri, sat, sun]\n          from: "00:00"\n'
            '          to: "24:00"',
        )
    )
    interfaces_file = target / "interfaces.yaml"
    text = re.sub(r"(?m)^    url: .*$", f"    url: {balance_url}", interfaces_file.read_text())
    text = re.sub(r"(?m)^    timeout: .*$", f"    timeout: {INTERFACE_TIMEOUT}", text)
    interfaces_file.write_text(text)
    return target


@dataclass
class Tenant:
    tenant_id: str
    app_key: str
    app_secret: str


def hotline_tenant(env: dict[str, str], bot: Path) -> Tenant:
    created = harness.cli_json("tenant", "create", "Hotline", env=env)
    harness.run_cli("bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env)
    return Tenant(created["tenantId"], created["appKey"], created["appSecret"])


@dataclass
class Caller:
    """One call, driven as an IVR drives it: each request echoes the last ``inter_idx``."""

    url: str
    token: str
    userid: str
    inter_idx: str | None = None
    answers: list[dict[str, Any]] = field(default_factory=list)

    def body(self, inaction: int, **inparams: str) -> dict[str, Any]:
        params = {"call_id": self.userid, "call_dst_id": "4001", "auth_token": self.token}
        if self.inter_idx is not None and inaction != 8:
            params["inter_idx"] = self.inter_idx
        params.update(inparams)
        return {"userid": self.userid, "inaction": inaction, "inparams": params}

    def post(self, body: dict[str, Any], timeout: float = 60) -> httpx.Response:
        reply = httpx.post(self.url + "/oifde/rest/crs/process", json=body, timeout=timeout)
        if reply.status_code == 200 and reply.json().get("ret") == 0:
            self.inter_idx = reply.json()["outparams"].get("inter_idx", self.inter_idx)
        return reply

    def send(self, body: dict[str, Any]) -> dict[str, Any]:
        reply = self.post(body)
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        assert answer["ret"] == 0, answer
        return answer

    def keys_body(self, digits: str) -> dict[str, Any]:
        return self.body(9, flow_result_type="2", input=digits)

    def hangup_body(self) -> dict[str, Any]:
        return self.body(9, flow_result_type="-1", input="hangup")

    def to_account_prompt(self) -> None:
        """Start the call and press 1: the next keys are the account number (the slow turn)."""
        answer = self.send(self.body(8, call_sor_id="13500000001"))
        for _ in range(3):
            text = answer["outparams"]["prompt_text"]
            if "account number" in text:
                return
            if "press 1" in text:
                answer = self.send(self.keys_body("1"))
            else:  # the greeting, played before the menu
                answer = self.send(self.body(9, flow_result_type="3", input="playover"))
        raise AssertionError(f"no account-number prompt: {answer}")


def in_thread(work: Any) -> tuple[threading.Thread, list[Any]]:
    """Run ``work()`` beside the test; its result (or exception) lands in the list."""
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except Exception as exc:  # the test inspects it
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def retry_until_answered(
    caller: Caller, body: dict[str, Any], until: float, *, patience: float = 40
) -> tuple[dict[str, Any] | None, int]:
    """Resend ``body`` as an IVR does (on no answer, a refused connection or a 503) until it
    is answered or ``until`` (time.monotonic()) passes: the answer and the attempts made."""
    attempts = 0
    while time.monotonic() < until:
        attempts += 1
        try:
            reply = caller.post(body, timeout=patience)
        except httpx.HTTPError:
            time.sleep(0.2)
            continue
        if reply.status_code == 200 and reply.json().get("ret") == 0:
            answer: dict[str, Any] = reply.json()
            return answer, attempts
        time.sleep(0.2)
    return None, attempts
