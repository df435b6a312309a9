"""Driving a real server like an IVR: a caller, a stand-in core-banking system, bot copies."""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import harness
import httpx

EXAMPLE = harness.REPO / "examples" / "bank-hotline"
SLOW_ACCOUNT = "99999999"  # the stand-in answers this account after SLOW_SECONDS
BROKEN_ACCOUNT = "50050050"  # ... and this one with HTTP 500
SLOW_SECONDS = 3.0
INTERFACE_TIMEOUT = 1  # seconds, set on the bot copy so a slow answer is a timeout


class CoreBanking:
    """A core-banking system on loopback answering the demo bot's balance interface."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                owner.requests.append({"body": body, "headers": dict(self.headers)})
                account = str(body.get("accountNumber", ""))
                if account == SLOW_ACCOUNT:
                    time.sleep(SLOW_SECONDS)
                if account == BROKEN_ACCOUNT:
                    self.send_response(500)
                    self.end_headers()
                    return
                answer = {"result": {"availableBalance": "1234.56", "accountSuffix": account[-4:]}}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/balance"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def bot_copy(target: Path, balance_url: str, *, menu_text: str | None = None) -> Path:
    """The example bot, always open, its balance interface at ``balance_url``."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("tests"))
    # Edited as text: the bot reader keeps ``on:`` a string, a YAML 1.1 round trip would not.
    flow_file = target / "flows" / "hotline.yaml"
    text = flow_file.read_text()
    text = text.replace(
        'days: [mon, tue, wed, thu, fri]\n          from: "08:00"\n          to: "20:00"',
        'days: [mon, tue, wed, thu, fri, sat, sun]\n          from: "00:00"\n          to: "24:00"',
    )
    if menu_text is not None:
        text = re.sub(
            r"(?m)^(      text: For your balance press 1\..*)$", f"      text: {menu_text}", text
        )
    flow_file.write_text(text)
    interfaces_file = target / "interfaces.yaml"
    text = interfaces_file.read_text()
    text = re.sub(r"(?m)^    url: .*$", f"    url: {balance_url}", text)
    text = re.sub(r"(?m)^    timeout: .*$", f"    timeout: {INTERFACE_TIMEOUT}", text)
    interfaces_file.write_text(text)
    return target


@dataclass
class Account:
    tenant_id: str
    app_key: str
    app_secret: str


def new_tenant(env: dict[str, str], name: str, bot: Path | None) -> Account:
    created = harness.cli_json("tenant", "create", name, env=env)
    if bot is not None:
        harness.run_cli(
            "bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env
        )
    return Account(created["tenantId"], created["appKey"], created["appSecret"])


def token(url: str, account: Account) -> str:
    return harness.token(url, account.app_key, account.app_secret)


@dataclass
class Call:
    """One call, driven as an IVR drives it: every request echoes the last ``inter_idx``."""

    url: str
    token: str
    userid: str
    access_code: str = "4001"
    calling: str = "13500000001"
    inter_idx: str | None = None
    responses: list[dict[str, Any]] = field(default_factory=list)
    path: str = "/oifde/rest/crs/process"

    def send(
        self,
        inaction: int | str,
        *,
        extparams: dict[str, Any] | None = None,
        expect_status: int = 200,
        **inparams: Any,
    ) -> dict[str, Any]:
        params: dict[str, Any] = {
            "call_id": self.userid,
            "call_dst_id": self.access_code,
            "auth_token": self.token,
        }
        if self.inter_idx is not None and str(inaction) not in ("8", "7", "13"):
            params["inter_idx"] = self.inter_idx
        params.update(inparams)
        body: dict[str, Any] = {"userid": self.userid, "inaction": inaction, "inparams": params}
        if extparams is not None:
            body["extparams"] = extparams
        reply = httpx.post(self.url + self.path, json=body, timeout=30)
        assert reply.status_code == expect_status, reply.text
        answer: dict[str, Any] = reply.json()
        if answer.get("ret") == 0:
            self.inter_idx = answer["outparams"].get("inter_idx", self.inter_idx)
            self.responses.append(answer)
        return answer

    def start(self, **inparams: Any) -> dict[str, Any]:
        return self.send(8, call_sor_id=self.calling, **inparams)

    def playover(self) -> dict[str, Any]:
        return self.send(9, flow_result_type="3", input="playover")

    def say(self, text: str) -> dict[str, Any]:
        return self.send(9, flow_result_type="1", input=text)

    def keys(self, digits: str) -> dict[str, Any]:
        return self.send(9, flow_result_type="2", input=digits)

    def event(self, word: str) -> dict[str, Any]:
        return self.send(9, flow_result_type="-1", input=word)

    def transfer_result(self, result: str, *, hangup: bool = False) -> dict[str, Any]:
        extra = {"input": "hangup"} if hangup else {}
        return self.send(
            11,
            begin_trans="2026112010:00:00",
            end_trans="2026112010:00:05",
            trans_result=result,
            **extra,
        )


def prompt_text(answer: dict[str, Any]) -> str:
    assert answer["outaction"] == 9, answer
    text: str = answer["outparams"]["prompt_text"]
    return text
