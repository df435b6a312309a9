"""``oiap db``: the database schema."""

from __future__ import annotations

from typing import Annotated

import typer

from oiap.cli.terminal import console

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Bring the database schema up to date (safe to run again)."""
    from oiap.adapters.sql.database import upgrade
    from oiap.settings import Settings

    settings = Settings()
    upgrade(settings.database_url, revision)
    console.print(f"schema at {revision} on {settings.database_url}")
