"""A one-shot ``oiap`` command skips the migrations only where the schema is at head already.

Whether alembic ran is read from what the process imported (``python -X importtime``), as a
user would profile the command; an old database must still come out upgraded.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import harness
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from oiap.adapters.sql.database import MIGRATIONS, head_revision


def _alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    return config


def _alembic_heads() -> list[str]:
    return list(ScriptDirectory.from_config(_alembic_config()).get_heads())


def _oiap_profiled(*args: str, env: dict[str, str]) -> tuple[str, set[str]]:
    """Run ``oiap`` as a user would, under ``-X importtime``: its output and what it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "oiap.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=harness.WORKDIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    return result.stdout, imported


def _schema(db: Path) -> tuple[set[str], set[str]]:
    """The revisions recorded in the database and the tables it has."""
    with sqlite3.connect(db) as conn:
        revisions = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return revisions, tables


def test_the_head_read_from_the_migration_files_is_alembics() -> None:
    assert [head_revision()] == _alembic_heads()


def test_a_new_database_is_created_then_later_commands_skip_the_migrations(
    tmp_path: Path,
) -> None:
    db = tmp_path / "oiap.db"
    env = harness.oiap_env(database_url=f"sqlite:///{db}")

    _, first = _oiap_profiled("tenant", "list", env=env)
    assert "alembic" in first  # a database that did not exist gets its schema
    assert _schema(db)[0] == set(_alembic_heads())

    created = harness.cli_json("tenant", "create", "Acme", env=env)
    out, later = _oiap_profiled("tenant", "list", "--json", env=env)
    assert not any(name.split(".")[0] == "alembic" for name in later)
    assert created["tenantId"] in out


def test_a_tenant_command_loads_neither_the_migrations_nor_the_nlu_stack(
    tmp_path: Path,
) -> None:
    # What every administrative command pays for: the database layer, not scikit-learn (over
    # a second of imports) nor alembic. The session store is opened for every use case, so
    # what it imports counts here too.
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    harness.run_cli("db", "upgrade", env=env)
    _, imported = _oiap_profiled("tenant", "list", env=env)
    heavy = {"alembic", "sklearn", "scipy", "fastapi", "uvicorn"}
    assert sorted(heavy & {name.split(".")[0] for name in imported}) == []


def test_an_old_database_is_still_upgraded_by_any_command(tmp_path: Path) -> None:
    db = tmp_path / "oiap.db"
    env = harness.oiap_env(database_url=f"sqlite:///{db}")
    created = harness.cli_json("tenant", "create", "Acme", env=env)
    # The database as the release before 0008 left it, a tenant in it.
    command.downgrade(_alembic_config(f"sqlite:///{db}"), "0007")
    assert _schema(db)[0] == {"0007"}
    assert "console_users" not in _schema(db)[1]  # a table that 0008 adds

    out, imported = _oiap_profiled("tenant", "list", "--json", env=env)
    assert "alembic" in imported
    revisions, tables = _schema(db)
    assert revisions == set(_alembic_heads()) and "console_users" in tables
    assert created["tenantId"] in out  # the data came through the upgrade


def test_a_database_stamped_with_an_unknown_revision_is_left_to_alembic(tmp_path: Path) -> None:
    # A database from a newer release: the fast path must not pretend it is at head, and
    # alembic's refusal reaches the user instead of a query against a schema we do not know.
    db = tmp_path / "oiap.db"
    env = harness.oiap_env(database_url=f"sqlite:///{db}")
    harness.run_cli("db", "upgrade", env=env)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    result = harness.run_cli("tenant", "list", env=env, check=False)
    assert result.returncode != 0
    assert "9999" in result.stderr
