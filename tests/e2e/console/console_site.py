"""A real server with console users, driven as the console's browser drives it: a cookie jar,
the session's CSRF token on writes, the management API under ``/oiap/v1``."""

from __future__ import annotations

import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

import harness
import httpx

EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")
V1 = "/oiap/v1"
SESSION = V1 + "/console/session"
COOKIE = "oiap_console"


def user_cli(*args: str, env: dict[str, str], password: str) -> subprocess.CompletedProcess[str]:
    """``oiap user ...`` with the password on standard input, as a script would give it."""
    return subprocess.run(
        [sys.executable, "-m", "oiap.cli", "user", *args, "--password-stdin"],
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=harness.WORKDIR,
    )


@dataclass
class Browser:
    """One signed-in browser: its cookie jar and the CSRF token the sign-in answered."""

    url: str
    client: httpx.Client
    csrf: str = ""
    signed_in: dict[str, Any] = field(default_factory=dict)

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        csrf: str | None = None,
        tenant: str | None = None,
    ) -> httpx.Response:
        headers = {}
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            headers["X-CSRF-Token"] = self.csrf if csrf is None else csrf
        if tenant is not None:
            headers["tenantId"] = tenant
        return self.client.request(method, self.url + path, json=body, headers=headers, timeout=20)

    @property
    def cookie(self) -> str:
        value: str = self.client.cookies[COOKIE]
        return value


@dataclass
class Site:
    server: harness.Server
    env: dict[str, str]
    tenants: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.server.url

    def tenant(self, key: str, *, push: bool = True) -> dict[str, str]:
        """A new tenant with the example bot pushed and published."""
        created: dict[str, str] = harness.cli_json("tenant", "create", f"Bank {key}", env=self.env)
        if push:
            harness.run_cli(
                "bot", "push", EXAMPLE, "--tenant", created["tenantId"], "--publish", env=self.env
            )
        created["token"] = harness.token(self.url, created["appKey"], created["appSecret"])
        self.tenants[key] = created
        return created

    def user(self, role: str, tenant: str | None = None) -> tuple[str, str]:
        """A new user (name, password): of ``tenant`` with ``role``, or ``platform``."""
        name = f"{role}-{secrets.token_hex(4)}"
        password = secrets.token_urlsafe(12)
        where = ["--platform"] if role == "platform" else ["--tenant", str(tenant), "--role", role]
        done = user_cli("create", name, *where, env=self.env, password=password)
        assert done.returncode == 0, done.stdout + done.stderr
        return name, password

    def attempt(self, name: str, password: str) -> tuple[httpx.Response, Browser]:
        client = httpx.Client()
        reply = client.post(
            self.url + SESSION, json={"name": name, "password": password}, timeout=20
        )
        browser = Browser(self.url, client)
        if reply.status_code == 200:
            browser.csrf = reply.json()["csrfToken"]
            browser.signed_in = reply.json()
        return reply, browser

    def sign_in(self, name: str, password: str) -> Browser:
        reply, browser = self.attempt(name, password)
        assert reply.status_code == 200, reply.text
        return browser

    def machine(self, tenant: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tenants[tenant]['token']}"}


def error_of(reply: httpx.Response, status: int) -> int:
    assert reply.status_code == status, reply.text
    code: int = reply.json()["errorCode"]
    return code
