"""Configuration stamps and change notices on both session stores (issue 13 item 8)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator

import pytest

from oiap.adapters.sessions import open_session_store
from oiap.services.config_versions import ConfigVersions
from oiap.services.ports import SessionStore


@pytest.fixture
async def store(session_store_url: str) -> AsyncIterator[SessionStore]:
    opened = open_session_store(session_store_url, prefix=f"test-{secrets.token_hex(4)}:")
    yield opened
    await opened.close()


async def test_an_announcement_reaches_a_listener(store: SessionStore) -> None:
    notices = aiter(store.notices("changes"))
    assert await anext(notices) == b""  # listening from here on
    await store.announce("changes", b"tenant-1 abc")
    assert await asyncio.wait_for(anext(notices), 5) == b"tenant-1 abc"
    await notices.aclose()  # type: ignore[attr-defined]


async def test_a_change_moves_the_stamp_every_worker_reads(store: SessionStore) -> None:
    here, there = ConfigVersions(store), ConfigVersions(store)
    before = await there.read("t1")
    assert await there.stamp("t1") == before
    await here.changed(["t1"])
    assert await here.check("t1") != before  # the worker that made it: at once
    assert await there.read("t1") == await here.stamp("t1")  # what the store says
    await here.close()
    await there.close()


async def test_a_notice_updates_what_another_worker_knows(store: SessionStore) -> None:
    here, there = ConfigVersions(store), ConfigVersions(store)
    before = await there.check("t2")  # starts listening
    await asyncio.sleep(0.2)  # Redis: the subscription is made in the background
    await here.changed(["t2"])
    for _ in range(50):
        if await there.stamp("t2") != before:
            break
        await asyncio.sleep(0.02)
    assert await there.stamp("t2") == await here.stamp("t2")
    await here.close()
    await there.close()
