"""The ``oiap`` command, one module per command group.

Every command module imports only typer and the standard library at the top: the server, the
database and the NLU stack (scikit-learn, scipy) load inside the commands that use them, so
that ``oiap --help`` and the small administrative commands start at once.
"""

from __future__ import annotations

import typer

from oiap.cli.accounts import system_user_app, tenant_app
from oiap.cli.bots import bot_app
from oiap.cli.chat import chat
from oiap.cli.db import db_app
from oiap.cli.nlu import nlu_app
from oiap.cli.projects import project_app
from oiap.cli.serve import serve
from oiap.cli.users import user_app

app = typer.Typer(
    help="OpenOIAP: a self-hosted intelligent assistant platform.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(db_app, name="db")
app.add_typer(tenant_app, name="tenant")
app.add_typer(system_user_app, name="system-user")
app.add_typer(bot_app, name="bot")
app.add_typer(nlu_app, name="nlu")
app.add_typer(project_app, name="project")
app.add_typer(user_app, name="user")
app.command("chat")(chat)
app.command("serve")(serve)


def main() -> None:
    """The console script's entry point."""
    app()
