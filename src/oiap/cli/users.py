"""``oiap user``: people who sign in to the console, with a role in one tenant or as platform
operators. Passwords are read from a prompt or standard input, never from the command line
(where other users of the machine and the shell history would see them)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from oiap.cli.terminal import console, errors, run_use_case

if TYPE_CHECKING:
    from oiap.domain.users import ConsoleUser

user_app = typer.Typer(
    help="Console users: create, list, set passwords, disable.", no_args_is_help=True
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input."
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")]


def _password(from_stdin: bool) -> str:
    from oiap.domain.users import password_problem

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = password_problem(password)
    if problem:
        errors.print(f"[red]error[/red]: the password {problem}.")
        raise typer.Exit(1)
    return password


def _data(user: ConsoleUser) -> dict[str, object]:
    return {
        "name": user.name,
        "tenantId": user.tenant_id,
        "role": user.role_label,
        "disabled": user.disabled,
        "createdAt": user.created_at.isoformat(),
        "passwordSetAt": user.password_set_at.isoformat(),
    }


def _show(user: ConsoleUser, what: str, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(_data(user)) + "\n")
        return
    where = "every tenant" if user.tenant_id is None else f"tenant {user.tenant_id}"
    console.print(f"user {user.name} ({user.role_label}, {where}): {what}", markup=False)


@user_app.command("create")
def user_create(
    name: str,
    tenant: Annotated[str | None, typer.Option("--tenant", help="The tenant's ID.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="admin, editor or viewer (with --tenant).")
    ] = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="A platform operator: sees every tenant.")
    ] = False,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Create a console user of a tenant with a role, or a platform operator."""
    from oiap.domain.users import Role
    from oiap.services import users

    if platform == (tenant is not None) or (platform and role is not None):
        errors.print("[red]error[/red]: give either --tenant ID --role ROLE, or --platform.")
        raise typer.Exit(2)
    chosen: Role | None = None
    if not platform:
        if role not in {r.value for r in Role}:
            errors.print("[red]error[/red]: --role must be admin, editor or viewer.")
            raise typer.Exit(2)
        chosen = Role(role)
    password = _password(password_stdin)
    user = run_use_case(
        lambda s, _: users.create_user(s, name, tenant_id=tenant, role=chosen, password=password)
    )
    _show(user, "created", as_json)


@user_app.command("set-password")
def user_set_password(name: str, password_stdin: PasswordStdin = False) -> None:
    """Give a user a new password; their sessions end."""
    from oiap.services import users

    password = _password(password_stdin)
    user = run_use_case(lambda s, sessions: users.set_password(s, sessions, name, password))
    _show(user, "password set; signed out everywhere", False)


@user_app.command("list")
def user_list(
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's.")] = None,
    as_json: AsJson = False,
) -> None:
    """List console users (platform operators have no tenant)."""
    from rich.table import Table

    from oiap.services import users

    found = run_use_case(lambda s, _: users.list_users(s, tenant))
    if as_json:
        sys.stdout.write(json.dumps([_data(u) for u in found]) + "\n")
        return
    table = Table("name", "tenantId", "role", "disabled", "created", "password set")
    for u in found:
        table.add_row(
            u.name,
            u.tenant_id or "-",
            u.role_label,
            "yes" if u.disabled else "no",
            u.created_at.isoformat(timespec="seconds"),
            u.password_set_at.isoformat(timespec="seconds"),
        )
    console.print(table)


@user_app.command("disable")
def user_disable(name: str) -> None:
    """Refuse the user's sign-ins and end their sessions."""
    from oiap.services import users

    user = run_use_case(lambda s, sessions: users.set_disabled(s, sessions, name, True))
    _show(user, "disabled; signed out everywhere", False)


@user_app.command("enable")
def user_enable(name: str) -> None:
    """Let a disabled user sign in again."""
    from oiap.services import users

    user = run_use_case(lambda s, sessions: users.set_disabled(s, sessions, name, False))
    _show(user, "enabled", False)
