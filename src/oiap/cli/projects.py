"""``oiap project``: MetaStudio projects, their AK/SK pair and their concurrency quota."""

from __future__ import annotations

import json
import shlex
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


# Where Huawei's SDK reads its credentials from (EnvCredentialProvider), and ``call`` too.
PROJECT_ENV = "HUAWEICLOUD_SDK_PROJECT_ID"
AK_ENV = "HUAWEICLOUD_SDK_AK"
SK_ENV = "HUAWEICLOUD_SDK_SK"


def _print_keys(
    keys: KeyPair, as_json: bool, extra: dict[str, str] | None = None, export: bool = False
) -> None:
    body = {"project_id": keys.project_id, "ak": keys.access_key, "sk": keys.secret_key}
    body.update(extra or {})
    if export:
        values = {PROJECT_ENV: keys.project_id, AK_ENV: keys.access_key, SK_ENV: keys.secret_key}
        for name, value in values.items():
            sys.stdout.write(f"export {name}={shlex.quote(value)}\n")
        for name, value in (extra or {}).items():  # comments: eval skips them
            sys.stdout.write(f"# {name}: {value}\n")
        return
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
    export: Annotated[
        bool,
        typer.Option(
            "--export",
            help=f"Print 'export {PROJECT_ENV}=... {AK_ENV}=... {SK_ENV}=...' lines for "
            "eval, as 'oiap project call' and Huawei's SDK read them.",
        ),
    ] = False,
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
    _print_keys(keys, as_json, extra, export)


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


def _default_server() -> str:
    from oiap.settings import Settings

    settings = Settings()
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
    return f"http://{host}:{settings.port}"


def _picked(answer: object, pick: str) -> object:
    for step in pick.split("."):
        if isinstance(answer, dict) and step in answer:
            answer = answer[step]
        elif isinstance(answer, list) and step.isdigit() and int(step) < len(answer):
            answer = answer[int(step)]
        else:
            errors.print(f"the answer has no '{pick}'", markup=False, highlight=False)
            raise typer.Exit(1)
    return answer


@project_app.command("call")
def call(
    method: Annotated[str, typer.Argument(help="GET, POST, PUT or DELETE.")],
    path: Annotated[
        str,
        typer.Argument(
            help="Below /v1/{project_id}, e.g. /smart-chat-rooms (a /v1/ or /v3/ path is "
            "taken as it is); may end in ?name=value."
        ),
    ],
    body: Annotated[str | None, typer.Argument(help="The JSON body, sent as written.")] = None,
    pick: Annotated[
        str | None,
        typer.Option(
            "--pick", help="Print only this member of the answer (dotted: a.0.b), bare if text."
        ),
    ] = None,
    as_curl: Annotated[
        bool,
        typer.Option(
            "--curl",
            help="Print the signed request as a curl command instead of sending it "
            "(good while its X-Sdk-Date is within 15 minutes).",
        ),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(help="The server (default: http://OIAP_HOST:OIAP_PORT)."),
    ] = None,
    project_id: Annotated[str, typer.Option("--project", envvar=PROJECT_ENV)] = "",
    ak: Annotated[str, typer.Option("--ak", envvar=AK_ENV)] = "",
    sk: Annotated[
        str, typer.Option("--sk", envvar=SK_ENV, help="Better set in the environment.")
    ] = "",
) -> None:
    """Send one AK/SK-signed MetaStudio request (SDK-HMAC-SHA256) and print the JSON answer.

    The project and its keys come from the environment, as 'oiap project create NAME
    --export' prints them; no database is needed, so any server can be called.
    """
    from datetime import UTC, datetime
    from urllib.parse import parse_qsl, quote, urlencode, urlsplit

    from oiap.domain import signing

    if not (project_id and ak and sk):
        errors.print(
            f'set {PROJECT_ENV}, {AK_ENV} and {SK_ENV} (eval "$(oiap project create NAME '
            '--export)") or pass --project, --ak and --sk'
        )
        raise typer.Exit(2)
    method = method.upper()
    payload = (body or "").encode()
    if body:
        try:
            json.loads(body)
        except ValueError as exc:
            problem = f"BODY is not JSON ({exc}); quote it for the shell: '{{...}}'"
            errors.print(problem, markup=False, highlight=False)
            raise typer.Exit(2) from None
    route, _, query = path.partition("?")
    if not route.startswith(("/v1/", "/v3/")):
        route = f"/v1/{project_id}/{route.lstrip('/')}"
    pairs = parse_qsl(query, keep_blank_values=True)
    server = (url or _default_server()).rstrip("/")
    headers = {
        "Content-Type": "application/json",
        "Host": urlsplit(server).netloc,
        "X-Project-Id": project_id,
        "X-Sdk-Date": signing.format_sdk_date(datetime.now(UTC)),
    }
    headers["Authorization"] = signing.sign(ak, sk, method, route, pairs, headers, payload)
    target = server + route + ("?" + urlencode(pairs, quote_via=quote) if pairs else "")
    if as_curl:
        words = ["curl", "-sS", "-X", method, target]
        for name, value in headers.items():
            words += ["-H", f"{name}: {value}"]
        if payload:
            words += ["--data-raw", body or ""]
        sys.stdout.write(shlex.join(words) + "\n")
        return
    _send(method, target, headers, payload, pick)


def _send(
    method: str, target: str, headers: dict[str, str], payload: bytes, pick: str | None
) -> None:
    import httpx

    try:
        reply = httpx.request(method, target, headers=headers, content=payload, timeout=60)
    except httpx.HTTPError as exc:
        problem = f"could not reach {target}: {exc} (is the server running? see --url)"
        errors.print(problem, markup=False, highlight=False)
        raise typer.Exit(1) from None
    try:
        answer = reply.json() if reply.content else {}
    except ValueError:
        answer = reply.text
    if reply.is_error:
        shown = json.dumps(answer, ensure_ascii=False)
        errors.print(
            f"HTTP {reply.status_code}: {shown}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(1)
    if pick is not None:
        answer = _picked(answer, pick)
        if isinstance(answer, str):
            sys.stdout.write(answer + "\n")
            return
    sys.stdout.write(json.dumps(answer, indent=2, ensure_ascii=False) + "\n")
