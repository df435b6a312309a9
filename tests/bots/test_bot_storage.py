"""Push, pull, publish and routing against SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from oiap.adapters.bot_folder.reader import read_bot_folder
from oiap.adapters.bot_folder.writer import write_bot_folder
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain.bot_definition import Bot
from oiap.domain.flow_versions import GrayRule
from oiap.domain.flows import Branch, Node
from oiap.errors import Err, OiapError
from oiap.services.bot_sync import pull_bot, push_bot
from oiap.services.flow_publishing import (
    InvalidConfiguration,
    publish_flow,
    set_routing,
    version_for_call,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "bank-hotline"


def example() -> Bot:
    reading = read_bot_folder(EXAMPLE)
    assert reading.problems == []
    assert reading.bot is not None
    return reading.bot


async def test_push_then_pull_round_trips(
    storage: SqlStorage, tenants: tuple[str, str], tmp_path: Path
) -> None:
    tenant, _ = tenants
    first = await push_bot(storage, tenant, example(), publish=True)
    assert first.published == [("hotline", 1)]
    write_bot_folder(await pull_bot(storage, tenant), tmp_path / "pulled")
    again = read_bot_folder(tmp_path / "pulled")
    assert again.problems == []
    assert again.bot is not None
    second = await push_bot(storage, tenant, again.bot, publish=True)
    assert second.changes == [] and second.published == []


async def test_failed_push_changes_nothing(storage: SqlStorage, tenants: tuple[str, str]) -> None:
    tenant, _ = tenants
    await push_bot(storage, tenant, example(), publish=False)
    before = await pull_bot(storage, tenant)
    broken = replace(example(), description="changed", templates=())  # flows still use them
    with pytest.raises(InvalidConfiguration) as caught:
        await push_bot(storage, tenant, broken, publish=True)
    assert any("unknown-template" in p for p in caught.value.problems)
    assert await pull_bot(storage, tenant) == before


async def test_published_versions_are_immutable_and_routed(
    storage: SqlStorage, tenants: tuple[str, str]
) -> None:
    tenant, _ = tenants
    bot = example()
    await push_bot(storage, tenant, bot, publish=True)
    flow = bot.flows[0]
    edited = replace(
        flow,
        nodes=tuple(
            replace(n, params={**n.params, "text": "Welcome back."}) if n.id == "welcome" else n
            for n in flow.nodes
        ),
    )
    await push_bot(storage, tenant, replace(bot, flows=(edited,)), publish=False)
    one = await version_for_call(storage, tenant, "hotline", "5550001")
    assert one is not None and one[0] == 1
    assert one[1].node("welcome") == flow.node("welcome")  # draft edits leave version 1 as is
    two = await publish_flow(storage, tenant, "hotline")
    assert two.number == 2
    await set_routing(storage, tenant, "hotline", default=1, gray={2: GrayRule(prefixes=("555",))})
    routed = await version_for_call(storage, tenant, "hotline", "5550001")
    assert routed is not None and routed[0] == 2
    assert routed[1].node("welcome") == edited.node("welcome")
    other = await version_for_call(storage, tenant, "hotline", "6660001")
    assert other is not None and other[0] == 1
    await set_routing(storage, tenant, "hotline", default=2, gray={})
    rolled = await version_for_call(storage, tenant, "hotline", "6660001")
    assert rolled is not None and rolled[0] == 2


async def test_publish_refuses_invalid_draft_and_writes_nothing(
    storage: SqlStorage, tenants: tuple[str, str]
) -> None:
    tenant, _ = tenants
    bot = example()
    await push_bot(storage, tenant, bot, publish=False)
    async with storage.transaction() as repos:
        broken = replace(bot.flows[0], nodes=(*bot.flows[0].nodes, Node("x", "end")))
        await repos.bots.save_flow(tenant, broken)
    with pytest.raises(InvalidConfiguration) as caught:
        await publish_flow(storage, tenant, "hotline")
    assert caught.value.error is Err.CONFIGURATION_INVALID
    assert any("unreachable-node" in p for p in caught.value.problems)
    async with storage.reader() as repos:
        assert await repos.bots.list_versions(tenant, "hotline") == []


async def test_tenants_do_not_see_each_other(storage: SqlStorage, tenants: tuple[str, str]) -> None:
    mine, theirs = tenants
    await push_bot(storage, mine, example(), publish=True)
    assert (await pull_bot(storage, theirs)).flows == ()
    assert await version_for_call(storage, theirs, "hotline", "1") is None
    with pytest.raises(OiapError) as caught:
        await publish_flow(storage, theirs, "hotline")
    assert caught.value.error is Err.NOT_FOUND
    with pytest.raises(OiapError):
        await set_routing(storage, theirs, "hotline", default=1, gray={})
    async with storage.reader() as repos:
        codes = await repos.bots.list_access_codes(mine)
        assert await repos.bots.get_access_code(theirs, codes[0].access_id) is None


async def test_unknown_routing_version_is_refused(
    storage: SqlStorage, tenants: tuple[str, str]
) -> None:
    tenant, _ = tenants
    await push_bot(storage, tenant, example(), publish=True)
    with pytest.raises(OiapError) as caught:
        await set_routing(storage, tenant, "hotline", default=7, gray={})
    assert caught.value.error is Err.NOT_FOUND


def test_branch_round_trip_keeps_conditions() -> None:
    flow = example().flows[0]
    menu = flow.node("menu")
    assert menu is not None
    assert Branch("ask_account", key="1") in menu.branches


async def test_a_deleted_access_id_is_never_given_again(
    storage: SqlStorage, tenants: tuple[str, str]
) -> None:
    from oiap.domain.bots import AccessCode, DialogType

    tenant, _ = tenants
    await push_bot(storage, tenant, example(), publish=False)
    binding = AccessCode("7001", DialogType.CHATBOT, "hotline")
    async with storage.transaction() as repos:
        first = await repos.bots.add_access_code(tenant, binding)
    async with storage.transaction() as repos:
        await repos.bots.delete_access_code(tenant, first.access_id)
    async with storage.transaction() as repos:
        second = await repos.bots.add_access_code(tenant, binding)
    assert second.access_id > first.access_id
