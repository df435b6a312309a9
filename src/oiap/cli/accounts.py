"""``oiap tenant`` and ``oiap system-user``: accounts and their API credentials."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from oiap.cli.terminal import console, errors, run_use_case

if TYPE_CHECKING:
    from oiap.domain.tenants import PrincipalKind
    from oiap.services.accounts import Credentials

tenant_app = typer.Typer(help="Tenants and their API credentials.", no_args_is_help=True)
system_user_app = typer.Typer(help="Machine accounts (e.g. ipcc).", no_args_is_help=True)


@tenant_app.command("create")
def tenant_create(
    name: str,
    tenant_id: Annotated[
        str | None, typer.Option("--id", help="Choose the tenant ID (default: generated).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Create a tenant and print its appKey and appSecret (shown only this once)."""
    from oiap.services import accounts

    creds = run_use_case(lambda s, _: accounts.create_tenant(s, name, tenant_id=tenant_id))
    _print_credentials(creds, as_json)


@tenant_app.command("rotate-secret")
def tenant_rotate_secret(
    tenant_id: str,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue a new appSecret; tokens issued before stop working."""
    from oiap.services import accounts

    creds = run_use_case(lambda s, sessions: accounts.rotate_tenant_secret(s, sessions, tenant_id))
    _print_credentials(creds, as_json)


@tenant_app.command("unlock")
def tenant_unlock(tenant_id: str) -> None:
    """Lift a lock-out of the tenant (gettoken and serverauth login) before it ends by itself.

    The lock-out counters live in the session store, so this needs the server's
    OIAP_SESSION_STORE=redis://...; with 'memory' they live inside the server process, which
    no other command can reach (restarting the server clears them).
    """
    from oiap.services import auth
    from oiap.settings import Settings

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
    had = run_use_case(lambda s, sessions: auth.unlock_account(s, sessions, tenant_id))
    if had:
        console.print(f"tenant {tenant_id}: unlocked; wrong attempts forgotten", markup=False)
    else:
        console.print(f"tenant {tenant_id}: was not locked", markup=False)


@tenant_app.command("list")
def tenant_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List tenants."""
    from rich.table import Table

    from oiap.services import accounts

    tenants = run_use_case(lambda s, _: accounts.list_tenants(s))
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
    from oiap.services import accounts

    user, secret = run_use_case(lambda s, _: accounts.create_system_user(s, name))
    if as_json:
        sys.stdout.write(
            json.dumps({"username": user.name, "appKey": user.name, "appSecret": secret}) + "\n"
        )
        return
    console.print(f"username / appKey: [bold]{user.name}[/bold]")
    console.print(f"appSecret:         [bold]{secret}[/bold]  (shown only now)")


def _issue_login_key(kind: PrincipalKind, account_id: str, as_json: bool) -> None:
    from oiap.adapters.server_key import load_server_key
    from oiap.services import accounts
    from oiap.settings import Settings

    server_key = load_server_key(Settings().database_url)
    issued = run_use_case(
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
    from oiap.domain.tenants import PrincipalKind

    _issue_login_key(PrincipalKind.TENANT, tenant_id, as_json)


@system_user_app.command("login-key")
def system_user_login_key(
    name: str, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """Issue a key for /chatbot/serverauth/login; replaces the last one, ends the tokens."""
    from oiap.domain.tenants import PrincipalKind

    _issue_login_key(PrincipalKind.SYSTEM, name, as_json)


def _print_credentials(creds: Credentials, as_json: bool) -> None:
    if as_json:
        body = {"tenantId": creds.tenant_id, "appKey": creds.app_key, "appSecret": creds.app_secret}
        sys.stdout.write(json.dumps(body) + "\n")
        return
    console.print(f"tenantId:  [bold]{creds.tenant_id}[/bold]")
    console.print(f"appKey:    [bold]{creds.app_key}[/bold]")
    console.print(f"appSecret: [bold]{creds.app_secret}[/bold]  (shown only now)")
