"""Tests and runs with the default database leave the checkout as it was: every ``oiap`` the
tests start works in a temporary directory, and what a run in a checkout writes (database,
SQLite side files, server keys) is ignored by git, so a key is never offered to ``git add``."""

from __future__ import annotations

import shutil
import subprocess

import harness
import pytest

# Everything the platform writes beside a default ``sqlite:///./oiap.db``.
WRITTEN_IN_A_CHECKOUT = [
    "oiap.db",
    "oiap.db-journal",
    "oiap.db-shm",
    "oiap.db-wal",
    "oiap.db.key",
    "oiap-secret.key",
    ".0a1b2c3d.oiap.db.key",  # a key draft that a crash left behind
]


def _root_entries() -> set[str]:
    return {entry.name for entry in harness.REPO.iterdir()}


@pytest.mark.slow
def test_cli_commands_and_a_server_start_add_nothing_to_the_repository_root() -> None:
    before = _root_entries()
    env = harness.oiap_env()  # no database URL: the default ./oiap.db and its key file
    created = harness.cli_json("tenant", "create", "Root check", env=env)
    harness.run_cli("tenant", "list", env=env)
    harness.cli_json("project", "create", "Root check", env=env)  # seals its SK: a key file
    example = str(harness.REPO / "examples" / "bank-hotline")
    harness.run_cli("bot", "push", example, "--tenant", created["tenantId"], env=env)
    with harness.Server(env, "--demo"):
        pass
    added = _root_entries() - before
    assert not (added & set(WRITTEN_IN_A_CHECKOUT)), added
    assert (harness.WORKDIR / "oiap.db.key").is_file()  # the defaults applied, elsewhere


def test_every_file_a_run_writes_in_a_checkout_is_ignored_by_git() -> None:
    git = shutil.which("git")
    if git is None or not (harness.REPO / ".git").exists():
        pytest.skip("not a git checkout")
    for name in WRITTEN_IN_A_CHECKOUT:
        checked = subprocess.run(
            [git, "-C", str(harness.REPO), "check-ignore", "-q", "--no-index", name],
            capture_output=True,
            timeout=30,
        )
        assert checked.returncode == 0, f"{name} is not ignored by .gitignore"
