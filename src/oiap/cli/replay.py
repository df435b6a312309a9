"""``oiap bot replay``: recorded calls replayed on a draft or a version, before publishing it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

import typer

CHANGED_EXIT = 1  # a call changed: a CI job stops the publish
ERROR_EXIT = 2  # the replay could not run


def _moment(text: str | None, option: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r} is not an ISO 8601 time", param_hint=option) from exc
    return moment if moment.tzinfo else moment.astimezone()  # local time, as typed


def _version(text: str) -> int | None:
    if text == "draft":
        return None
    if not text.isdigit() or int(text) < 1:
        raise typer.BadParameter("is 'draft' or a version number", param_hint="--against")
    return int(text)


def replay(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant ID whose calls to replay.")],
    since: Annotated[
        str | None, typer.Option(help="Calls started at or after this ISO time.")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Calls started before this ISO time.")] = None,
    access_code: Annotated[
        str | None, typer.Option("--access-code", help="Only calls to this access code.")
    ] = None,
    flow: Annotated[
        str | None, typer.Option(help="The flow to replay on (default: the tenant's only flow).")
    ] = None,
    against: Annotated[
        str, typer.Option(help="'draft' or a version number of the flow.")
    ] = "draft",
    calling: Annotated[
        str | None, typer.Option(help="Only calls from this calling number.")
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=500, help="The most recent calls in range, at most.")
    ] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Replay recorded calls on a flow's draft (or a version) and report the calls whose
    outcome, recognised intents or end node changed.

    Each call's caller inputs are sent to the flow in a throwaway platform, at the recorded
    call's time; business interfaces answer as they did in the call, else as the bot's
    conversation tests stub them. Exit status 1 when any call changed, 2 when the replay
    could not run, 0 otherwise.
    """
    import asyncio
    import logging

    from oiap.adapters.sql.database import Database
    from oiap.adapters.sql.repositories import SqlStorage
    from oiap.api.console.replay import open_stage
    from oiap.cli.terminal import console, errors
    from oiap.errors import OiapError
    from oiap.services.replay import (
        ReplayFilters,
        ReplayReport,
        ReplayTarget,
        default_flow,
        replay_calls,
        report_data,
    )
    from oiap.settings import Settings

    filters = ReplayFilters(
        since=_moment(since, "--since"),
        until=_moment(until, "--until"),
        access_code=access_code,
        calling=calling,
        limit=limit,
    )
    version = _version(against)
    # Interfaces failing in a replay are part of what it shows; the warnings are noise.
    logging.getLogger("oiap").setLevel(logging.ERROR)

    async def main() -> ReplayReport:
        database = Database(Settings().database_url)
        storage = SqlStorage(database)
        try:
            await database.ensure_schema()
            code = flow or await default_flow(storage, tenant)
            target = ReplayTarget(code, version)
            return await replay_calls(storage, open_stage, tenant, filters, target)
        finally:
            await storage.close()

    try:
        report = asyncio.run(main())
    except OiapError as exc:
        errors.print(f"error {exc.error.code}: {exc.text}", markup=False)
        raise typer.Exit(ERROR_EXIT) from exc
    data = report_data(report)
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        for line in readable(data):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    if report.changed:
        raise typer.Exit(CHANGED_EXIT)


def readable(data: dict[str, Any]) -> list[str]:
    """The report as lines: a summary, then each changed call with its differences and its
    turns side by side."""
    target = data["target"]
    on = "the draft" if target["version"] == "draft" else f"version {target['version']}"
    summary = data["summary"]
    lines = [
        f"Replayed {summary['calls']} call(s) on flow {target['flow']!r}, {on}: "
        f"{summary['changed']} changed, {summary['unchanged']} unchanged."
    ]
    lines += [f"note: {n}" for n in data["notes"]]
    for move, count in summary["outcomeChanges"].items():
        lines.append(f"  outcome {move}: {count}")
    for call in data["calls"]:
        if not call["changed"]:
            continue
        lines.append("")
        lines.append(
            f"CHANGED call {call['callId']} at {call['at']} from {call['callingNumber']} "
            f"(access code {call['accessCode']}, version {call['version']})"
        )
        lines += [f"  {d}" for d in call["differences"]]
        lines += [f"  note: {n}" for n in call["notes"]]
        lines.append("  turn  input                 recorded                  | replayed")
        before, after = call["original"]["turns"], call["replayed"]["turns"]
        for number in range(max(len(before), len(after))):
            given = (before[number]["input"] if number < len(before) else None) or "(start)"
            left = _turn(before[number]) if number < len(before) else "-"
            right = _turn(after[number]) if number < len(after) else "-"
            lines.append(f"  {number + 1:>4}  {given[:20]:<20}  {left:<25} | {right}")
    return lines


def _turn(turn: dict[str, Any]) -> str:
    steps = turn["steps"]
    if not steps:
        return "-"
    last = steps[-1]
    intents = f" [{', '.join(turn['intents'])}]" if turn["intents"] else ""
    return f"{last['node'] or '?'} ({last['action']}){intents}"
