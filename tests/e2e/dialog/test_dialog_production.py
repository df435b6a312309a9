"""The production setup: PostgreSQL, Redis, two workers; restarts, publishing mid-call."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import harness
import httpx
import pytest
from conftest import Hotline
from dialog_support import Call, CoreBanking, bot_copy, new_tenant, prompt_text, token


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory, bank: CoreBanking) -> Iterator[Hotline]:
    tmp = tmp_path_factory.mktemp("production")
    store = harness.session_store("redis")
    with harness.database("postgresql", tmp) as database:
        env = harness.oiap_env(database_url=database, session_store=store)
        bot = bot_copy(tmp / "bot", bank.url)
        account = new_tenant(env, "Hotline", bot)
        server = harness.Server(env, "--workers", "2", log=tmp / "server.log").start()
        try:
            yield Hotline(server, env, bank, account, bot, token(server.url, account))
        finally:
            server.stop()


def new_call(line: Hotline) -> Call:
    return Call(line.url, line.token, f"call-{uuid.uuid4().hex[:12]}")


def test_a_live_dialog_survives_a_restart(production: Hotline) -> None:
    c = new_call(production)
    c.start()
    c.playover()
    c.keys("1")  # the caller is keying in an account number
    production.server.stop()
    production.server.start()
    balance = c.keys("55556666#")
    assert "ending 6666" in prompt_text(balance)
    assert "anything else" in prompt_text(c.playover())


def test_one_call_is_serialised_across_workers(production: Hotline) -> None:
    calls = [new_call(production) for _ in range(10)]
    for c in calls:
        c.start()
        c.playover()

    def answer(c: Call, key: str) -> int:
        body = {
            "userid": c.userid,
            "inaction": 9,
            "inparams": {
                "call_id": c.userid,
                "call_dst_id": "4001",
                "auth_token": c.token,
                "flow_result_type": "2",
                "input": key,
                "inter_idx": c.inter_idx,
            },
        }
        return httpx.post(c.url + c.path, json=body, timeout=30).status_code

    with ThreadPoolExecutor(20) as pool:
        pairs = [(pool.submit(answer, c, "1"), pool.submit(answer, c, "0")) for c in calls]
        for one, other in pairs:
            assert sorted([one.result(), other.result()]) == [200, 409]


def test_a_dialog_finishes_on_the_version_it_started_on(
    production: Hotline, tmp_path: Path
) -> None:
    early = new_call(production)
    early.start()  # on version 1, waiting for the welcome prompt to finish
    v2 = bot_copy(tmp_path / "v2", production.bank.url, menu_text="Version two menu.")
    pushed = harness.run_cli(
        "bot",
        "push",
        str(v2),
        "--tenant",
        production.account.tenant_id,
        "--publish",
        env=production.env,
    )
    assert "version 2" in pushed.stdout
    assert "press 1" in prompt_text(early.playover())  # still version 1

    deadline = time.monotonic() + 10
    while True:  # workers trust their routing copy for a second
        late = new_call(production)
        late.start()
        menu = prompt_text(late.playover())
        if menu == "Version two menu." or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert menu == "Version two menu."
    assert "account number" in prompt_text(early.keys("1"))  # version 1 goes on
