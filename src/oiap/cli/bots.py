"""``oiap bot``: bots as folders of YAML files kept in git."""

from __future__ import annotations

import logging
import shlex
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from oiap.cli.replay import replay
from oiap.cli.terminal import console, errors, oiap_command

if TYPE_CHECKING:
    from oiap.adapters.sql.repositories import SqlStorage
    from oiap.domain.bot_definition import Bot
    from oiap.services.bot_sync import PushResult
    from oiap.services.conversation_tests import TestResult

T = TypeVar("T")

bot_app = typer.Typer(help="Bots as folders of YAML files.", no_args_is_help=True)


def run_or_exit(work: Coroutine[Any, Any, T]) -> T:
    """Run one bot use case; a refusal is printed (every problem of a configuration that
    does not validate) and the command exits 1."""
    import asyncio

    from oiap.errors import OiapError
    from oiap.services.flow_publishing import InvalidConfiguration

    try:
        return asyncio.run(work)
    except InvalidConfiguration as exc:
        for line in exc.problems:
            errors.print(line, markup=False, highlight=False)
        raise typer.Exit(1) from exc
    except OiapError as exc:
        errors.print(f"error {exc.error.code}: {exc.text}", markup=False)
        raise typer.Exit(1) from exc


def read_bot_or_exit(folder: Path) -> Bot:
    """The bot of a folder; every problem printed and exit status 1 when it has any."""
    from oiap.adapters.bot_folder.reader import read_bot_folder

    reading = read_bot_folder(folder)
    for problem in reading.problems:
        errors.print(str(problem), markup=False, highlight=False)
    if reading.problems or reading.bot is None:
        errors.print(f"{len(reading.problems)} problem(s) in {folder}")
        raise typer.Exit(1)
    return reading.bot


def _storage() -> SqlStorage:
    from oiap.adapters.sql.database import Database, upgrade
    from oiap.adapters.sql.repositories import SqlStorage
    from oiap.settings import Settings

    settings = Settings()
    upgrade(settings.database_url)
    return SqlStorage(Database(settings.database_url))


@bot_app.command("validate")
def validate(folder: Path) -> None:
    """Check a bot folder; print every problem as file:line."""
    bot = read_bot_or_exit(folder)
    console.print(f"{folder}: bot {bot.name!r} is valid ({len(bot.flows)} flow(s))")


@bot_app.command("push")
def push(
    folder: Path,
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant ID to install the bot for.")],
    publish: Annotated[bool, typer.Option(help="Publish every changed flow.")] = False,
) -> None:
    """Create or update the tenant's bot from a folder, in one transaction."""

    from oiap.adapters.bot_folder.test_files import read_test_files
    from oiap.services.bot_sync import push_bot

    bot = read_bot_or_exit(folder)
    tests = read_test_files(folder)

    storage = _storage()

    async def main() -> PushResult:
        from oiap.adapters.sessions import open_session_store
        from oiap.services.config_versions import ConfigVersions, StampedStorage
        from oiap.settings import Settings

        settings = Settings()
        # Through the stamped storage, as a change made through the server, so the push is
        # audited; with Redis, running workers also hear of it at once (the next new call
        # runs the new bindings and versions). An in-process store reaches no worker.
        sessions = open_session_store(
            settings.session_store,
            connect_timeout=settings.redis_connect_timeout,
            command_timeout=settings.redis_command_timeout,
        )
        versions = ConfigVersions(sessions)
        try:
            stamped = StampedStorage(storage, versions)
            return await push_bot(stamped, tenant, bot, publish=publish, tests=tests)
        finally:
            await versions.close()
            await sessions.close()
            await storage.close()

    result = run_or_exit(main())
    for change in result.changes:
        console.print(change, markup=False, highlight=False)
    for code, number in result.published:
        console.print(f"flow {code!r} published as version {number}", markup=False)
    if not result.changes and not result.published:
        console.print("no change")
    # Calls run published versions, with the resources frozen beside them; only access
    # codes take effect at once. Without this a newcomer sees "updated" and wonders why the
    # live bot still answers as before.
    drafted = [
        c for c in result.changes if not c.startswith(("access code ", "conversation test "))
    ]
    if drafted and not publish:
        again = shlex.join(["bot", "push", str(folder), "--tenant", tenant, "--publish"])
        again = f"{oiap_command()} {again}"
        console.print(
            "These changes are a draft: calls run published versions only. "
            f"To publish them, run:\n  {again}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@bot_app.command("pull")
def pull(
    folder: Path,
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant ID whose bot to write.")],
) -> None:
    """Write the tenant's bot into a folder (flow drafts, not versions, and the conversation
    tests kept with it into tests/)."""

    from oiap.adapters.bot_folder.test_files import write_test_files
    from oiap.adapters.bot_folder.writer import write_bot_folder
    from oiap.services.bot_sync import pull_bot, pull_tests
    from oiap.services.conversation_test_ports import TestFile

    storage = _storage()

    async def main() -> tuple[Bot, list[TestFile]]:
        try:
            return await pull_bot(storage, tenant), await pull_tests(storage, tenant)
        finally:
            await storage.close()

    bot, tests = run_or_exit(main())
    written = write_bot_folder(bot, folder) + write_test_files(folder, tests)
    console.print(f"wrote {len(written)} file(s) to {folder}")


@bot_app.command("test")
def test(
    folder: Path,
    name: Annotated[
        str | None,
        typer.Option("--filter", help="Only tests whose name or file name contains this."),
    ] = None,
) -> None:
    """Run the conversation tests in DIR/tests/*.yaml against the bot, in process.

    The bot is pushed and published into a throwaway database; its business interfaces
    answer as each test says. Exit status 1 when any test fails.
    """

    from oiap.api.sandbox import Sandbox
    from oiap.services.conversation_tests import read_tests, run_test, selected

    began = time.perf_counter()
    # Failing interfaces are what tests expect; the platform's warnings about them are noise.
    logging.getLogger("oiap").setLevel(logging.ERROR)
    bot = read_bot_or_exit(folder)
    tests, problems = read_tests(folder)
    for problem in problems:
        errors.print(f"error {problem}", markup=False, highlight=False, soft_wrap=True)
    chosen = selected(tests, name)
    if not chosen and not problems:
        where = f"matching {name!r} " if name else ""
        errors.print(f"no conversation tests {where}in {folder / 'tests'}", markup=False)
        raise typer.Exit(1)

    async def main() -> list[TestResult]:
        results: list[TestResult] = []
        if not chosen:
            return results
        async with Sandbox(bot) as sandbox:
            for one in chosen:
                result = await run_test(one, sandbox)
                _print_result(result)
                results.append(result)
        return results

    results = run_or_exit(main())
    passed = sum(r.passed for r in results)
    failed = len(results) - passed + len(problems)
    seconds = time.perf_counter() - began
    typer.echo(f"{passed} passed, {failed} failed ({seconds:.1f} s)")
    if failed:
        raise typer.Exit(1)


def _print_result(result: TestResult) -> None:
    for line in result.report():
        typer.echo(line)


bot_app.command("replay")(replay)
