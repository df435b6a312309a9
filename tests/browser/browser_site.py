"""The server side of a browser test: a real ``oiap serve`` on loopback with tenants that have
the bank-hotline bot pushed and published, console users made with ``oiap user create``, and
the calls a test makes beside the browser (the page's own fetch, an IVR's ``crs/process``)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
import httpx

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")
V1 = "/oiap/v1"
FLOW = "hotline"
# ``open_page(user)``: a new browser context signed in as ``user`` (conftest's fixture).
OpenPage = Callable[..., Any]


@dataclass
class Tenant:
    tenant_id: str
    name: str
    app_key: str
    app_secret: str
    token: str


@dataclass
class User:
    name: str
    password: str
    role: str
    tenant: Tenant


@dataclass
class Site:
    server: harness.Server
    env: dict[str, str]
    tenants: dict[str, Tenant] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def tenant(self, key: str) -> Tenant:
        """A new tenant with the example bot pushed and published (version 1 is live)."""
        name = f"Bank {key.upper()}"
        created = harness.cli_json("tenant", "create", name, env=self.env)
        harness.run_cli(
            "bot", "push", EXAMPLE, "--tenant", created["tenantId"], "--publish", env=self.env
        )
        found = Tenant(
            created["tenantId"],
            name,
            created["appKey"],
            created["appSecret"],
            harness.token(self.url, created["appKey"], created["appSecret"]),
        )
        self.tenants[key] = found
        return found

    def user(self, role: str, tenant: Tenant) -> User:
        """A console user of ``tenant``, made as an operator makes one: password on stdin."""
        name = f"{role}-{secrets.token_hex(3)}"
        password = secrets.token_urlsafe(12)
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "oiap.cli",
                "user",
                "create",
                name,
                "--tenant",
                tenant.tenant_id,
                "--role",
                role,
                "--password-stdin",
            ],
            env=self.env,
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            cwd=harness.WORKDIR,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return User(name, password, role, tenant)

    def manage(self, tenant: Tenant, method: str, path: str, body: Any = None) -> httpx.Response:
        """The management API with the tenant's machine token, as a script calls it."""
        return httpx.request(
            method,
            self.url + V1 + path,
            json=body,
            headers={"Authorization": f"Bearer {tenant.token}"},
            timeout=60,
        )


def start_site(tmp: Path) -> Site:
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory", token_ttl=3600
    )
    harness.run_cli("db", "upgrade", env=env)
    server = harness.Server(env, log=tmp / "server.log").start()
    return Site(server, env)


def page_fetch(page: Any, method: str, path: str, body: Any = None) -> dict[str, Any]:
    """A call through the page's own session: its cookie and the session's CSRF token.

    Proves what the server enforces, whatever the UI shows or hides.
    """
    answer: dict[str, Any] = page.evaluate(
        """async ([method, path, body]) => {
            const who = await fetch("/oiap/v1/console/session", {credentials: "same-origin"});
            const csrf = who.ok ? (await who.json()).csrfToken : "";
            const init = {method, credentials: "same-origin", headers: {}};
            if (method !== "GET") init.headers["X-CSRF-Token"] = csrf;
            if (body !== null) {
                init.headers["Content-Type"] = "application/json";
                init.body = JSON.stringify(body);
            }
            const reply = await fetch(path, init);
            const text = await reply.text();
            let json = null;
            try { json = JSON.parse(text); } catch (e) { json = null; }
            return {status: reply.status, body: json, text};
        }""",
        [method, path, body],
    )
    return answer


@dataclass
class Caller:
    """One call to access code 4001 driven as an IVR drives it, with the tenant's token."""

    url: str
    token: str
    calling: str = "13500000001"
    userid: str = field(default_factory=lambda: f"call-{secrets.token_hex(4)}")
    inter_idx: str | None = None

    def send(self, inaction: int, **inparams: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "call_id": self.userid,
            "call_dst_id": "4001",
            "auth_token": self.token,
            **inparams,
        }
        if self.inter_idx is not None and inaction != 8:
            params["inter_idx"] = self.inter_idx
        reply = httpx.post(
            self.url + "/oifde/rest/crs/process",
            json={"userid": self.userid, "inaction": inaction, "inparams": params},
            timeout=30,
        )
        assert reply.status_code == 200, reply.text
        answer: dict[str, Any] = reply.json()
        assert answer.get("ret") == 0, answer
        self.inter_idx = answer["outparams"].get("inter_idx", self.inter_idx)
        return answer

    def press_at_menu(self, key: str) -> str:
        """Calls in, lets the greeting play, presses ``key`` at the menu: what the bot says."""
        self.send(8, call_sor_id=self.calling)
        menu = self.send(9, flow_result_type="3", input="playover")
        assert "press 1" in menu["outparams"]["prompt_text"], menu
        answer = self.send(9, flow_result_type="2", input=key)
        assert answer["outaction"] == 9, answer
        text: str = answer["outparams"]["prompt_text"]
        return text
