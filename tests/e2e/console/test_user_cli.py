"""``oiap user``: console users made, listed, disabled and given passwords from the command
line, passwords typed at a prompt (twice) or piped, never taken as arguments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import harness
import pytest
from console_site import user_cli


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    tmp: Path = tmp_path_factory.mktemp("user-cli")
    found = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}")
    harness.run_cli("tenant", "create", "Acme", "--id", "acme", env=found)
    harness.run_cli("tenant", "create", "Globex", "--id", "globex", env=found)
    return found


def typed(*args: str, env: dict[str, str], lines: str) -> subprocess.CompletedProcess[str]:
    """``oiap user ...`` with ``lines`` typed at its prompts (no terminal: a new session)."""
    return subprocess.run(
        [sys.executable, "-m", "oiap.cli", "user", *args],
        env=env,
        input=lines,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=harness.WORKDIR,
        start_new_session=True,
    )


def listed(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = harness.cli_json("user", "list", *args, env=env)
    return rows


def test_create_tenant_users_and_a_platform_operator(env: dict[str, str]) -> None:
    made = user_cli(
        "create",
        "ann",
        "--tenant",
        "acme",
        "--role",
        "admin",
        env=env,
        password="correct horse battery",
    )
    assert made.returncode == 0, made.stderr
    assert "ann" in made.stdout and "admin" in made.stdout
    assert (
        user_cli(
            "create",
            "gus",
            "--tenant",
            "globex",
            "--role",
            "viewer",
            env=env,
            password="another long one",
        ).returncode
        == 0
    )
    assert (
        user_cli("create", "olga", "--platform", env=env, password="operators pass").returncode == 0
    )
    rows = {r["name"]: r for r in listed(env)}
    assert (rows["ann"]["tenantId"], rows["ann"]["role"]) == ("acme", "admin")
    assert (rows["gus"]["tenantId"], rows["gus"]["role"]) == ("globex", "viewer")
    assert (rows["olga"]["tenantId"], rows["olga"]["role"]) == (None, "platform")
    assert all(r["disabled"] is False for r in rows.values())
    assert {r["name"] for r in listed(env, "--tenant", "globex")} == {"gus"}
    table = harness.run_cli("user", "list", env=env).stdout
    for word in ("name", "tenantId", "role", "ann", "acme", "olga", "platform"):
        assert word in table


def test_password_is_asked_twice_at_the_prompt(env: dict[str, str]) -> None:
    made = typed(
        "create",
        "pia",
        "--tenant",
        "acme",
        "--role",
        "editor",
        env=env,
        lines="typed at the prompt\ntyped at the prompt\n",
    )
    assert made.returncode == 0, made.stdout + made.stderr
    mismatch = typed(
        "create",
        "pat",
        "--tenant",
        "acme",
        "--role",
        "editor",
        env=env,
        lines="first try at it\nsecond try at it\n",
    )
    assert mismatch.returncode != 0
    assert "pat" not in {r["name"] for r in listed(env)}


def test_password_is_never_an_argument(env: dict[str, str]) -> None:
    done = harness.run_cli(
        "user",
        "create",
        "max",
        "--tenant",
        "acme",
        "--role",
        "viewer",
        "--password",
        "on the command line",
        env=env,
        check=False,
    )
    assert done.returncode == 2  # no such option
    assert "max" not in {r["name"] for r in listed(env)}


@pytest.mark.parametrize(
    ("args", "password", "says"),
    [
        (["create", "sam", "--tenant", "acme", "--role", "viewer"], "short", "at least 10"),
        (["create", "sam", "--tenant", "nowhere", "--role", "viewer"], "long enough!", "10000003"),
        (["create", "sam", "--tenant", "acme", "--role", "owner"], "long enough!", "--role"),
        (["create", "sam", "--platform", "--tenant", "acme"], "long enough!", "--platform"),
        (["create", "bad name", "--tenant", "acme", "--role", "viewer"], "long enough!", "name"),
        (["set-password", "nobody"], "long enough!", "10000003"),
    ],
)
def test_refusals_change_nothing(
    env: dict[str, str], args: list[str], password: str, says: str
) -> None:
    before = listed(env)
    done = user_cli(*args, env=env, password=password)
    assert done.returncode != 0
    assert says in done.stdout + done.stderr
    assert listed(env) == before


def test_names_are_unique_across_tenants(env: dict[str, str]) -> None:
    assert (
        user_cli(
            "create",
            "uma",
            "--tenant",
            "acme",
            "--role",
            "viewer",
            env=env,
            password="long enough!",
        ).returncode
        == 0
    )
    again = user_cli(
        "create", "uma", "--tenant", "globex", "--role", "viewer", env=env, password="long enough!"
    )
    assert again.returncode == 1 and "10000004" in again.stderr


def test_disable_enable_and_set_password(env: dict[str, str]) -> None:
    assert (
        user_cli(
            "create",
            "vic",
            "--tenant",
            "acme",
            "--role",
            "viewer",
            env=env,
            password="long enough!",
        ).returncode
        == 0
    )
    harness.run_cli("user", "disable", "vic", env=env)
    assert {r["name"]: r["disabled"] for r in listed(env)}["vic"] is True
    harness.run_cli("user", "enable", "vic", env=env)
    assert {r["name"]: r["disabled"] for r in listed(env)}["vic"] is False
    before = {r["name"]: r for r in listed(env)}["vic"]["passwordSetAt"]
    changed = user_cli("set-password", "vic", env=env, password="a new long password")
    assert changed.returncode == 0, changed.stderr
    after = {r["name"]: r for r in listed(env)}["vic"]["passwordSetAt"]
    assert after != before
    assert json.dumps(listed(env)).count("a new long password") == 0
