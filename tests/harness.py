"""Real backends and real servers for the tests: scratch databases, free ports, subprocesses.

PostgreSQL and Redis are used when they answer on 127.0.0.1; with OIAP_TEST_REQUIRE_BACKENDS=1
(as in CI) a missing backend fails the run instead of skipping its tests.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
# The working directory of every ``oiap`` the tests start: a run that falls back on a default
# (``sqlite:///./oiap.db``, its ``.key``, ``oiap-secret.key``) writes there, not in the checkout.
WORKDIR = Path(tempfile.mkdtemp(prefix="oiap-tests-cwd-"))
atexit.register(shutil.rmtree, WORKDIR, ignore_errors=True)
PG_ADMIN_URL = os.environ.get("OIAP_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
# "Billion laughs": ten lines whose aliases expand to 9^9 strings if a YAML reader follows them.
YAML_ALIAS_BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
variables: [{name: bomb, type: list, default: *i}]
"""

REDIS_URL = os.environ.get("OIAP_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require(backend: str) -> None:
    port = {"postgresql": 5432, "redis": 6379}[backend]
    if _answers("127.0.0.1", port):
        return
    if os.environ.get("OIAP_TEST_REQUIRE_BACKENDS") == "1":
        pytest.fail(f"{backend} does not answer on 127.0.0.1:{port}")
    pytest.skip(f"{backend} does not answer on 127.0.0.1:{port}")


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database, dropped afterwards."""
    import asyncpg

    name = f"oiap_test_{secrets.token_hex(6)}"
    base, _, _ = PG_ADMIN_URL.rpartition("/")

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'oiap.db'}"
        return
    require("postgresql")
    with scratch_postgres() as url:
        yield url


def session_store(kind: str) -> str:
    if kind == "memory":
        return "memory"
    require("redis")
    return REDIS_URL


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def oiap_env(**settings: str | int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OIAP_")}
    # Tests' stubs live on loopback, which the default egress policy refuses; a test of the
    # policy itself passes its own egress_allow (e.g. "").
    settings.setdefault("egress_allow", "127.0.0.1/32")
    env.update({f"OIAP_{k.upper()}": str(v) for k, v in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def run_cli(
    *args: str, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the ``oiap`` command as a user would."""
    result = subprocess.run(
        [sys.executable, "-m", "oiap.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=WORKDIR,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"oiap {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def cli_json(*args: str, env: dict[str, str]) -> Any:
    return json.loads(run_cli(*args, "--json", env=env).stdout)


def token(url: str, app_key: str, app_secret: str) -> str:
    """An ``authToken`` from ``gettoken``, as a client obtains one."""
    reply = httpx.post(
        url + "/oifde/rest/api/gettoken",
        json={"appKey": app_key, "appSecret": app_secret},
        timeout=10,
    )
    assert reply.status_code == 200, reply.text
    value: str = reply.json()["authToken"]
    return value


class Server:
    """``oiap serve`` in a subprocess on a free loopback port."""

    def __init__(self, env: dict[str, str], *extra: str, log: Path | None = None) -> None:
        self.env = env
        self.extra = extra
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oiap.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                *self.extra,
            ],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=WORKDIR,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"server exited with {self._proc.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become healthy")

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
