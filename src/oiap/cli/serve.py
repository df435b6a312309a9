"""``oiap serve``: the platform's HTTP server, and the demo's ready-to-paste first steps."""

from __future__ import annotations

import os
import shlex
from typing import TYPE_CHECKING, Annotated

import typer

from oiap.cli.chat import DEFAULT_URL, DEMO_ACCESS_CODE, DEMO_TENANT
from oiap.cli.terminal import console, errors, oiap_command, run_use_case

if TYPE_CHECKING:
    from oiap.services.accounts import Credentials
    from oiap.services.demo import DemoSignIn
    from oiap.services.ports import SessionStore, Storage


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    demo: Annotated[bool, typer.Option(help="Load the demo bot and print how to try it.")] = False,
) -> None:
    """Run the platform's HTTP server (the schema is upgraded first)."""
    import uvicorn

    from oiap.adapters.sql.database import upgrade
    from oiap.services.demo import demo_password_file, ensure_demo_user, load_demo
    from oiap.settings import Settings

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
        password_file = demo_password_file(settings.database_url)

        async def prepare(
            storage: Storage, sessions: SessionStore
        ) -> tuple[Credentials, DemoSignIn]:
            creds = await load_demo(storage, sessions, base_url)
            return creds, await ensure_demo_user(storage, password_file)

        creds, sign_in = run_use_case(prepare)
        _print_demo(f"http://{host}:{port}", creds, sign_in)
    if workers > 1:  # one /metrics for all workers (adapters/metrics_folder.py)
        from oiap.adapters.metrics_folder import share_metrics

        share_metrics(port)
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


def _chat_line(url: str, creds: Credentials) -> str:
    words = ["chat", DEMO_ACCESS_CODE]
    if creds.tenant_id != DEMO_TENANT:
        words += ["--tenant", creds.tenant_id]
    if url != DEFAULT_URL:
        words += ["--url", url]
    words += ["--secret", creds.app_secret]
    return f"{oiap_command()} {shlex.join(words)}"


def _sign_in_line(url: str, sign_in: DemoSignIn) -> str:
    password = sign_in.password or (
        f"(yours, not the demo's; to reset: {oiap_command()} user set-password {sign_in.name})"
    )
    return f"{url}/console/   name: {sign_in.name}   password: {password}"


def _print_demo(url: str, creds: Credentials, sign_in: DemoSignIn) -> None:
    console.rule("OpenOIAP demo")
    console.print(f"URL:        {url}   (API docs: {url}/docs)")
    console.print(f"tenantId:   {creds.tenant_id}")
    console.print(f"appKey:     {creds.app_key}")
    console.print(f"appSecret:  {creds.app_secret}   (new at every start of the demo)")
    console.print(
        f"Console:    {_sign_in_line(url, sign_in)}", soft_wrap=True, markup=False, highlight=False
    )
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
    console.print("Call the demo bank hotline from another terminal:")
    console.print(f"  {_chat_line(url, creds)}", soft_wrap=True, markup=False, highlight=False)
    console.rule()
