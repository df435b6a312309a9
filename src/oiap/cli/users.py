"""``oiap user``: people who sign in to the console (placeholder, being written)."""

from __future__ import annotations

import typer

user_app = typer.Typer(
    help="Console users: create, list, set passwords, disable.", no_args_is_help=True
)
