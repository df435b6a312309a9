"""Misbehaving business interfaces on loopback, a bot that calls them, and a caller of that bot.

``Backend`` answers by path: ``/ok`` a small JSON object; ``/hang`` never; ``/trickle`` one
byte every ``TRICKLE_EVERY`` seconds; ``/huge/<MB>`` that many megabytes without a
Content-Length; ``/deep`` a JSON object nested a thousand levels; ``/redirect`` a 302 to
``/ok``. It counts the requests of each path, and ``close()`` lets every held answer go.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import harness
import httpx
import yaml

from oiap.domain import signing

TRICKLE_EVERY = 2.0
DEEP_ANSWER = b'{"value": ' + b"[" * 1000 + b"]" * 1000 + b"}"
MIB = 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, host: str, family: socket.AddressFamily) -> None:
        self.address_family = family
        super().__init__((host, 0), _Handler)
        self.counts: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # bytes of answer body written, per path
        self.paths: list[str] = []  # as requested, query included
        self.lock = threading.Lock()
        self.stopping = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = self.path.split("?", 1)[0]
        kind = path.strip("/").split("/", 1)[0]
        with self.server.lock:
            self.server.counts[kind] += 1
            self.server.paths.append(self.path)
        with contextlib.suppress(OSError):  # the platform gave up on us: that is the point
            getattr(self, f"_{kind}", self._ok)(path)

    def _ok(self, _path: str) -> None:
        self._json(b'{"value": "fine"}')

    def _json(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _hang(self, _path: str) -> None:
        self.server.stopping.wait(120)

    def _trickle(self, _path: str) -> None:
        data = b'{"value": "' + b"x" * 60 + b'"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        for byte in data:
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            if self.server.stopping.wait(TRICKLE_EVERY):
                return

    def _huge(self, path: str) -> None:
        megabytes = int(path.rsplit("/", 1)[-1])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()  # no Content-Length: the body ends when the connection does
        chunk = b'{"value": "' + b"x" * (MIB - 11)
        for _ in range(megabytes):
            if self.server.stopping.is_set():
                return
            self.wfile.write(chunk)
            with self.server.lock:
                self.server.sent["huge"] += len(chunk)

    def _deep(self, _path: str) -> None:
        self._json(DEEP_ANSWER)

    def _redirect(self, _path: str) -> None:
        self.send_response(302)
        self.send_header("Location", "/ok")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


class Backend:
    def __init__(self, host: str = "127.0.0.1") -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.server = _Server(host, family)
        self.port = int(self.server.server_address[1])
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self, kind: str | None = None) -> int:
        with self.server.lock:
            return sum(self.server.counts.values()) if kind is None else self.server.counts[kind]

    def paths(self) -> list[str]:
        with self.server.lock:
            return list(self.server.paths)

    def sent(self, kind: str) -> int:
        with self.server.lock:
            return self.server.sent[kind]

    def close(self) -> None:
        self.server.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@dataclass(frozen=True)
class Probe:
    """One access code whose flow calls one interface: "answered <value>" or "failed"."""

    code: str
    url: str
    timeout: int = 3
    ask_first: bool = False  # a question first; the caller's answer is IVRREQUEST.input


def fault_bot(target: Path, probes: list[Probe]) -> Path:
    """A bot folder with one flow, interface and chat access code per probe."""
    (target / "flows").mkdir(parents=True, exist_ok=True)
    _write(target / "bot.yaml", {"name": "Fault probes", "language": "en_US"})
    interfaces, codes = [], []
    for probe in probes:
        name, flow = f"probe{probe.code}", f"probe{probe.code}"
        interfaces.append(
            {
                "name": name,
                "method": "POST",
                "url": probe.url,
                "timeout": probe.timeout,
                "outputs": [{"name": "value", "path": "value"}],
            }
        )
        codes.append({"code": probe.code, "dialog_type": 3, "flow": flow, "robot_name": name})
        nodes: list[dict[str, Any]] = [{"id": "start", "kind": "start", "branches": []}]
        if probe.ask_first:
            nodes[0]["branches"] = [{"to": "ask"}]
            nodes.append(
                {
                    "id": "ask",
                    "kind": "reply",
                    "params": {"text": "Where to?", "mode": "asr"},
                    "branches": [{"to": "call"}],
                }
            )
        else:
            nodes[0]["branches"] = [{"to": "call"}]
        nodes += [
            {
                "id": "call",
                "kind": "invoke",
                "params": {"interface": name, "outputs": {"value": "FLOW.value"}},
                "branches": [{"to": "ok"}, {"to": "failed", "on": "SYSERROR_INTERFACE"}],
            },
            _say("ok", "answered ${FLOW.value}"),
            _say("failed", "failed"),
            {"id": "end", "kind": "end"},
        ]
        _write(
            target / "flows" / f"{flow}.yaml",
            {
                "code": flow,
                "name": flow,
                "scenario": "Default",
                "variables": [{"name": "value", "type": "string"}],
                "nodes": nodes,
            },
        )
    _write(target / "interfaces.yaml", {"interfaces": interfaces})
    _write(target / "access-codes.yaml", {"access_codes": codes})
    return target


def _say(node_id: str, text: str) -> dict[str, Any]:
    return {
        "id": node_id,
        "kind": "reply",
        "params": {"text": text, "mode": "play"},
        "branches": [{"to": "end"}],
    }


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@dataclass
class Tenant:
    tenant_id: str
    token: str


def tenant_with_bot(server: harness.Server, env: dict[str, str], name: str, bot: Path) -> Tenant:
    created = harness.cli_json("tenant", "create", name, env=env)
    harness.run_cli("bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env)
    return Tenant(
        created["tenantId"], harness.token(server.url, created["appKey"], created["appSecret"])
    )


def turn_body(
    tenant: Tenant, code: str, userid: str, *, said: str | None = None, inter_idx: str = "1"
) -> dict[str, Any]:
    """A chat turn's body: the call's start, or with ``said`` the caller's answer."""
    params: dict[str, Any] = {"call_id": userid, "call_dst_id": code, "auth_token": tenant.token}
    if said is None:
        params["call_sor_id"] = "13500000001"
        return {"userid": userid, "inaction": 8, "inparams": params}
    params.update(flow_result_type="1", input=said, inter_idx=inter_idx)
    return {"userid": userid, "inaction": 9, "inparams": params}


def prompt(answer: httpx.Response) -> str:
    """The prompt of a turn's answer ("answered fine", "failed", a question)."""
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body.get("ret") == 0, body
    text: str = body["outparams"].get("prompt_text", "")
    return text


def vm_rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for {pid}")


@dataclass
class MetaStudioProject:
    """A MetaStudio project (``oiap project create``) sending signed requests."""

    url: str
    project_id: str
    ak: str
    sk: str

    @classmethod
    def create(cls, server: harness.Server, env: dict[str, str], name: str) -> MetaStudioProject:
        made = harness.cli_json("project", "create", name, env=env)
        return cls(server.url, made["project_id"], made["ak"], made["sk"])

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        full = f"/v1/{self.project_id}{path}"
        data = json.dumps(body).encode()
        headers = {
            "Content-Type": "application/json",
            "Host": urlsplit(self.url).netloc,
            "X-Project-Id": self.project_id,
            "X-Sdk-Date": signing.format_sdk_date(datetime.now(UTC)),
        }
        headers["Authorization"] = signing.sign(self.ak, self.sk, "POST", full, [], headers, data)
        return httpx.post(self.url + full, content=data, headers=headers, timeout=30)
