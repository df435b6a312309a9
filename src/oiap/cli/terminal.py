"""What the command groups share: the terminal's two streams and running one use case."""

from __future__ import annotations

import shlex
import shutil
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console

if TYPE_CHECKING:
    from oiap.services.ports import SessionStore, Storage

console = Console()
errors = Console(stderr=True)
T = TypeVar("T")


def run_use_case(work: Callable[[Storage, SessionStore], Awaitable[T]]) -> T:
    """Run one administrative use case against the configured storage, schema upgraded."""
    # The database and session store load here, not at import: `oiap --help` needs neither.
    import asyncio

    from oiap.adapters.sessions import open_session_store
    from oiap.adapters.sql.database import Database
    from oiap.adapters.sql.repositories import SqlStorage
    from oiap.errors import OiapError
    from oiap.settings import Settings

    settings = Settings()

    async def main() -> T:
        database = Database(settings.database_url)
        storage = SqlStorage(database)
        sessions = open_session_store(settings.session_store)
        try:
            # Alembic loads only for a database that is not at head already.
            await database.ensure_schema()
            return await work(storage, sessions)
        finally:
            await sessions.close()
            await storage.close()

    try:
        return asyncio.run(main())
    except OiapError as exc:
        errors.print(f"[red]error {exc.error.code}[/red]: {exc.text}")
        raise typer.Exit(1) from exc


def oiap_command() -> str:
    """How to run ``oiap`` from here, as the user would type it: the printed lines must paste.

    The interpreter's own console script, relative to the working directory when it lies
    below it (``.venv/bin/oiap``, as the README says), bare ``oiap`` when that is what the
    shell finds anyway; ``python -m oiap.cli`` when no script is installed.
    """
    script = Path(sys.executable).parent / "oiap"
    if not script.is_file():
        return f"{shlex.quote(sys.executable)} -m oiap.cli"
    found = shutil.which("oiap")
    if found is not None and Path(found).resolve() == script.resolve():
        return "oiap"
    try:
        return shlex.quote(str(script.relative_to(Path.cwd())))
    except ValueError:
        return shlex.quote(str(script))
