"""The ``oiap`` command: run the server and administer tenants and storage."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from oiap.adapters.sessions import open_session_store
from oiap.adapters.sql.database import Database, upgrade
from oiap.adapters.sql.repositories import SqlStorage
from oiap.cli_bot import bot_app
from oiap.cli_chat import chat
from oiap.cli_nlu import nlu_app
from oiap.cli_project import project_app
from oiap.domain.tenants import PrincipalKind
from oiap.errors import OiapError
from oiap.services import accounts, auth
from oiap.services.ports import SessionStore, Storage
from oiap.settings import Settings

app = typer.Typer(
    help="OpenOIAP: a self-hosted intelligent assistant platform.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
tenant_app = typer.Typer(help="Tenants and their API credentials.", no_args_is_help=True)
system_user_app = typer.Typer(help="Machine accounts (e.g. ipcc).", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenant_app, name="tenant")
app.add_typer(system_user_app, name="system-user")
app.add_typer(bot_app, name="bot")
app.add_typer(nlu_app, name="nlu")
app.add_typer(project_app, name="project")
app.command("chat")(chat)

console = Console()
errors = Console(stderr=True)
T = TypeVar("T")


def _run(work: Callable[[Storage, SessionStore], Awaitable[T]]) -> T:
    """Run one administrative use case against the configured storage, schema upgraded."""
    settings = Settings()
    upgrade(settings.database_url)

    async def main() -> T:
        storage = SqlStorage(Database(settings.database_url))
        sessions = open_session_store(settings.session_store)
        try:
            return await work(storage, sessions)
        finally:
            await sessions.close()
            await storage.close()

    try:
        return asyncio.run(main())
    except OiapError as exc:
        errors.print(f"[red]error {exc.error.code}[/red]: {exc.text}")
        raise typer.Exit(1) from exc


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Bring the database schema up to date (safe to run again)."""
    settings = Settings()
    upgrade(settings.database_url, revision)
    console.print(f"schema at {revision} on {settings.database_url}")


@tenant_app.command("create")
def tenant_create(
    name: str,
    tenant_id: Annotated[
        str | None, typer.Option("--id", help="Choose the tenant ID (default: generated).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Create a tenant and print its appKey and appSecret (shown only this once)."""
    creds = _run(lambda s, _: accounts.create_tenant(s, name, tenant_id=tenant_id))
    _print_credentials(creds, as_json)


@tenant_app.command("rotate-secret")
def tenant_rotate_secret(
    tenant_id: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue a new appSecret; tokens issued before stop working."""
    creds = _run(lambda s, sessions: accounts.rotate_tenant_secret(s, sessions, tenant_id))
    _print_credentials(creds, as_json)


@tenant_app.command("unlock")
def tenant_unlock(tenant_id: str) -> None:
    """Lift a lock-out of the tenant (gettoken and serverauth login) before it ends by itself.

    The lock-out counters live in the session store, so this needs the server's
    OIAP_SESSION_STORE=redis://...; with 'memory' they live inside the server process, which
    no other command can reach (restarting the server clears them).
    """
    settings = Settings()
    if settings.session_store == "memory":
        errors.print(
            "OIAP_SESSION_STORE is 'memory': lock-outs live inside the running server process, "
            "which this command cannot reach. Restart the server to clear them, or run the "
            "server with OIAP_SESSION_STORE=redis://... so that operators can unlock accounts.",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    had = _run(lambda s, sessions: auth.unlock_account(s, sessions, tenant_id))
    if had:
        console.print(f"tenant {tenant_id}: unlocked; wrong attempts forgotten", markup=False)
    else:
        console.print(f"tenant {tenant_id}: was not locked", markup=False)


@tenant_app.command("list")
def tenant_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List tenants."""
    tenants = _run(lambda s, _: accounts.list_tenants(s))
    if as_json:
        rows = [
            {"tenantId": t.tenant_id, "name": t.name, "createdAt": t.created_at.isoformat()}
            for t in tenants
        ]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("tenantId", "name", "created")
    for t in tenants:
        table.add_row(t.tenant_id, t.name, t.created_at.isoformat(timespec="seconds"))
    console.print(table)


@system_user_app.command("create")
def system_user_create(name: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Create a machine account that may act for any tenant (token in headers)."""
    user, secret = _run(lambda s, _: accounts.create_system_user(s, name))
    if as_json:
        sys.stdout.write(
            json.dumps({"username": user.name, "appKey": user.name, "appSecret": secret}) + "\n"
        )
        return
    console.print(f"username / appKey: [bold]{user.name}[/bold]")
    console.print(f"appSecret:         [bold]{secret}[/bold]  (shown only now)")


def _issue_login_key(kind: PrincipalKind, account_id: str, as_json: bool) -> None:
    from oiap.adapters.server_key import load_server_key

    server_key = load_server_key(Settings().database_url)
    issued = _run(
        lambda s, sessions: accounts.issue_login_key(s, sessions, server_key, kind, account_id)
    )
    if as_json:
        sys.stdout.write(json.dumps({"account": issued.account, "loginKey": issued.login_key}))
        sys.stdout.write("\n")
        return
    console.print(f"account:   [bold]{issued.account}[/bold]")
    console.print(f"login key: [bold]{issued.login_key}[/bold]  (shown only now)")


@tenant_app.command("login-key")
def tenant_login_key(
    tenant_id: str, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Issue a key for /chatbot/serverauth/login; replaces the last one, ends the tokens."""
    _issue_login_key(PrincipalKind.TENANT, tenant_id, as_json)


@system_user_app.command("login-key")
def system_user_login_key(
    name: str, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Issue a key for /chatbot/serverauth/login; replaces the last one, ends the tokens."""
    _issue_login_key(PrincipalKind.SYSTEM, name, as_json)


def _print_credentials(creds: accounts.Credentials, as_json: bool) -> None:
    if as_json:
        body = {"tenantId": creds.tenant_id, "appKey": creds.app_key, "appSecret": creds.app_secret}
        sys.stdout.write(json.dumps(body) + "\n")
        return
    console.print(f"tenantId:  [bold]{creds.tenant_id}[/bold]")
    console.print(f"appKey:    [bold]{creds.app_key}[/bold]")
    console.print(f"appSecret: [bold]{creds.app_secret}[/bold]  (shown only now)")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Load the demo bot and print how to try it.")] = False,
) -> None:
    """Run the platform's HTTP server (the schema is upgraded first)."""
    import uvicorn

    from oiap.services.demo import load_demo

    settings = Settings()
    host = host or settings.host
    port = port if port is not None else settings.port
    upgrade(settings.database_url)
    if workers > 1 and settings.session_store == "memory":
        errors.print(
            "[yellow]warning[/yellow]: several workers with the in-process session store do not "
            "share tokens or dialogs; set OIAP_SESSION_STORE=redis://..."
        )
    if demo:
        os.environ["OIAP_DEMO"] = "1"  # the workers serve the demo's stand-in systems
        # ... and let the demo bot's interfaces call exactly this origin past the egress policy
        os.environ["OIAP_HOST"], os.environ["OIAP_PORT"] = host, str(port)
        base_url = f"http://{host}:{port}"
        creds = _run(lambda storage, sessions: load_demo(storage, sessions, base_url))
        _print_demo(f"http://{host}:{port}", creds)
    uvicorn.run(
        "oiap.api.main:create_default_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        # A worker imports the NLU stack before it answers; on a loaded machine that takes
        # longer than uvicorn's default 5 s, after which it would kill and restart it.
        timeout_worker_healthcheck=60,
    )


def _print_demo(url: str, creds: accounts.Credentials) -> None:
    console.rule("OpenOIAP demo")
    console.print(f"URL:        {url}   (API docs: {url}/docs)")
    console.print(f"tenantId:   {creds.tenant_id}")
    console.print(f"appKey:     {creds.app_key}")
    console.print(f"appSecret:  {creds.app_secret}   (new at every start of the demo)")
    console.print("Try it:")
    token_call = (
        f"curl -s -X POST {url}/oifde/rest/api/gettoken -H 'Content-Type: application/json' "
        f'-d \'{{"appKey":"{creds.app_key}","appSecret":"{creds.app_secret}"}}\''
    )
    domain_call = (
        f"curl -s -X POST {url}/oifde/rest/api/querydomaininfo "
        f"-H 'Content-Type: application/json' "
        f'-d \'{{"tenantId":"{creds.tenant_id}","authToken":"<authToken>"}}\''
    )
    console.print(f"  {token_call}", soft_wrap=True)
    console.print(f"  {domain_call}", soft_wrap=True)
    console.rule()


if __name__ == "__main__":
    app()
