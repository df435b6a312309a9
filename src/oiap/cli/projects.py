"""``oiap project``: MetaStudio projects, their AK/SK pair and their concurrency quota."""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console

from oiap.cli.terminal import console, errors, run_use_case

if TYPE_CHECKING:
    from oiap.domain.projects import KeyPair, Project
    from oiap.services.ports import SessionStore, Storage

project_app = typer.Typer(
    help="MetaStudio projects (the {project_id} of /v1 paths) and their AK/SK.",
    no_args_is_help=True,
)
T = TypeVar("T")


def _run(work: Callable[[Storage, SessionStore, bytes], Awaitable[T]]) -> T:
    """Run a use case that seals or checks project keys with the server key."""
    from oiap.adapters.server_key import load_server_key
    from oiap.settings import Settings

    # Loaded once the schema is upgraded, as the use case begins.
    return run_use_case(
        lambda storage, sessions: work(storage, sessions, load_server_key(Settings().database_url))
    )


def _print_keys(keys: KeyPair, as_json: bool, extra: dict[str, str] | None = None) -> None:
    body = {"project_id": keys.project_id, "ak": keys.access_key, "sk": keys.secret_key}
    body.update(extra or {})
    if as_json:
        sys.stdout.write(json.dumps(body) + "\n")
        return
    for name, value in body.items():
        console.print(f"{name + ':':12} [bold]{value}[/bold]")
    console.print("The SK is shown only now; keep it safe.")


@project_app.command("create")
def create(
    name: str,
    tenant: Annotated[
        str | None,
        typer.Option("--tenant", help="Owning tenant (default: a new tenant named NAME)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object on stdout.")] = False,
) -> None:
    """Create a project and print its project_id, AK and SK (the SK only this once)."""
    from oiap.services import projects

    keys, tenant_creds = _run(
        lambda s, _, key: projects.create_project(s, key, name, tenant_id=tenant)
    )
    extra = {}
    if tenant_creds is not None:
        extra = {
            "tenant_id": tenant_creds.tenant_id,
            "tenant_app_key": tenant_creds.app_key,
            "tenant_app_secret": tenant_creds.app_secret,
        }
    _print_keys(keys, as_json, extra)


@project_app.command("rotate-key")
def rotate_key(project_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Issue a new AK/SK pair; the old pair and its tokens stop working at once."""
    from oiap.services import projects

    keys = _run(lambda s, sessions, key: projects.rotate_key(s, sessions, key, project_id))
    _print_keys(keys, as_json)


@project_app.command("set-quota")
def set_quota(
    project_id: str,
    quota: Annotated[
        str, typer.Argument(help="Concurrency units granted to the project, or 'none'.")
    ],
) -> None:
    """Limit the summed concurrency of the project's dialogs (and its borrowable pool)."""
    from oiap.services import projects

    try:
        value = None if quota.lower() == "none" else int(quota)
    except ValueError:
        errors.print("QUOTA must be a whole number or 'none'")
        raise typer.Exit(2) from None
    project = _run(lambda s, _, __: projects.set_quota(s, project_id, value))
    console.print(f"project {project.project_id}: quota {project.quota}")


@project_app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="A JSON list on stdout.")] = False,
) -> None:
    """List projects (never their SK)."""
    from rich.measure import Measurement
    from rich.table import Table

    from oiap.services import projects

    found: list[Project] = _run(lambda s, _, __: projects.list_projects(s))
    rows = [
        {
            "project_id": p.project_id,
            "tenant_id": p.tenant_id,
            "name": p.name,
            "ak": p.access_key,
            "quota": p.quota,
        }
        for p in found
    ]
    if as_json:
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("project_id", "tenant_id", "name", "ak", "quota")
    for p in found:
        quota = "none" if p.quota is None else str(p.quota)
        table.add_row(p.project_id, p.tenant_id, p.name, p.access_key, quota)
    # IDs and AKs are copied from here: never wrap them, even in a narrow or piped output.
    wide = Measurement.get(console, console.options.update_width(10_000), table).maximum
    Console(width=max(console.width, wide)).print(table)
