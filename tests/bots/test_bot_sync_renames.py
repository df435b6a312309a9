"""Pushing a bot whose flows trade names: flow names are unique per tenant, yet a push may
swap them, rotate them or hand a name to a new flow, in one transaction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from oiap.adapters.bot_folder.reader import read_bot_folder
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain.bot_definition import Bot
from oiap.domain.flows import Branch, Flow, Node
from oiap.services.bot_sync import pull_bot, push_bot

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank-hotline"


def simple_flow(code: str, name: str) -> Flow:
    return Flow(
        code=code,
        name=name,
        nodes=(
            Node("start", "start", branches=(Branch("say"),)),
            Node("say", "reply", params={"text": "Hi.", "mode": "play"}, branches=(Branch("end"),)),
            Node("end", "end"),
        ),
    )


def bot_with(*flows: tuple[str, str]) -> Bot:
    reading = read_bot_folder(EXAMPLE)
    assert reading.bot is not None
    extra = tuple(simple_flow(code, name) for code, name in flows)
    return replace(reading.bot, flows=(*reading.bot.flows, *extra))


async def names(storage: SqlStorage, tenant: str) -> dict[str, str]:
    return {f.code: f.name for f in (await pull_bot(storage, tenant)).flows}


async def test_flows_can_swap_names(storage: SqlStorage, tenants: tuple[str, str]) -> None:
    tenant, _ = tenants
    await push_bot(storage, tenant, bot_with(("one", "First"), ("two", "Second")), publish=True)
    result = await push_bot(
        storage, tenant, bot_with(("one", "Second"), ("two", "First")), publish=True
    )
    assert sorted(result.changes) == ["flow 'one' updated", "flow 'two' updated"]
    assert await names(storage, tenant) == {
        "hotline": "Bank hotline",
        "one": "Second",
        "two": "First",
    }


async def test_names_can_rotate_and_pass_to_new_flows(
    storage: SqlStorage, tenants: tuple[str, str]
) -> None:
    tenant, _ = tenants
    await push_bot(storage, tenant, bot_with(("a", "A"), ("b", "B"), ("c", "C")), publish=False)
    await push_bot(storage, tenant, bot_with(("a", "B"), ("b", "C"), ("c", "A")), publish=False)
    assert await names(storage, tenant) == {"hotline": "Bank hotline", "a": "B", "b": "C", "c": "A"}
    # A new flow takes the name of one that is renamed; a deleted flow's name is reused.
    await push_bot(storage, tenant, bot_with(("a", "~a~"), ("d", "B"), ("e", "C")), publish=False)
    assert await names(storage, tenant) == {
        "hotline": "Bank hotline",
        "a": "~a~",
        "d": "B",
        "e": "C",
    }
    again = await push_bot(
        storage, tenant, bot_with(("a", "~a~"), ("d", "B"), ("e", "C")), publish=False
    )
    assert again.changes == []
