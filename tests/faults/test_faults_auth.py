"""Secret checks under a burst (issue 12, items 9 and 15), against a real server.

A burst of concurrent wrong secrets for one account must not have more of them checked than
the lock-out allows: at most ``threshold - 1`` answers say "wrong", every other one "locked",
and the right secret is refused afterwards, on the in-process store (one worker) and on a
Redis of the test's own shared by two workers. Dialog turns keep being answered meanwhile.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest
from fault_processes import own_redis

THRESHOLD = 5
AK_LOCK_AFTER = 5  # MetaStudio: five wrong in a row answer "wrong", the sixth locks
BURST = 40
GETTOKEN = "/oifde/rest/api/gettoken"
KEY_WRONG, ACCOUNT_LOCKED = 200800002, 200800003

pytestmark = pytest.mark.slow  # a server per store, CLI-made accounts: tens of seconds


@dataclass
class Deployment:
    server: harness.Server
    env: dict[str, str]


@pytest.fixture(scope="module", params=["memory", "redis"])
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp(f"auth-{request.param}")
    settings: dict[str, str | int] = {
        "database_url": f"sqlite:///{tmp}/oiap.db",
        "lockout_threshold": THRESHOLD,
        "lockout_window": 120,
        "lockout_duration": 120,
    }
    if request.param == "memory":
        env = harness.oiap_env(session_store="memory", **settings)
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, log=tmp / "server.log") as server:
            yield Deployment(server, env)
        return
    with own_redis() as store:
        env = harness.oiap_env(session_store=store.url, **settings)
        harness.run_cli("db", "upgrade", env=env)
        with harness.Server(env, "--workers", "2", log=tmp / "server.log") as server:
            yield Deployment(server, env)


async def burst(url: str, path: str, bodies: list[Any]) -> list[httpx.Response]:
    """Every body sent at once, each on a connection of its own opened beforehand, so the
    requests reach the server (both workers, with Redis) together rather than as it accepts
    connections."""
    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        await asyncio.gather(*(client.get("/healthz") for _ in bodies))
        return list(await asyncio.gather(*(client.post(path, json=b) for b in bodies)))


def error_codes(replies: list[httpx.Response]) -> list[int]:
    return [reply.json().get("errorCode", 0) for reply in replies]


def test_a_burst_of_wrong_secrets_checks_no_more_than_the_threshold(
    deployment: Deployment,
) -> None:
    tenant = harness.cli_json("tenant", "create", "Burst", env=deployment.env)
    wrong = {"appKey": tenant["appKey"], "appSecret": "not-the-secret"}
    replies = asyncio.run(burst(deployment.server.url, GETTOKEN, [wrong] * BURST))
    codes = error_codes(replies)
    assert set(codes) <= {KEY_WRONG, ACCOUNT_LOCKED}, codes
    assert codes.count(KEY_WRONG) == THRESHOLD - 1, codes
    right = {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]}
    for reply in asyncio.run(burst(deployment.server.url, GETTOKEN, [right] * 4)):
        assert reply.status_code == 403 and reply.json()["errorCode"] == ACCOUNT_LOCKED
    # Another tenant is not locked.
    other = harness.cli_json("tenant", "create", "Other", env=deployment.env)
    assert harness.token(deployment.server.url, other["appKey"], other["appSecret"])


def test_a_burst_of_wrong_metastudio_passwords_checks_no_more_than_the_allowance(
    deployment: Deployment,
) -> None:
    project = harness.cli_json("project", "create", "Burst", env=deployment.env)

    def password(secret: str) -> dict[str, Any]:
        user = {"name": project["ak"], "password": secret}
        return {
            "auth": {
                "identity": {"methods": ["password"], "password": {"user": user}},
                "scope": {"project": {"id": project["project_id"]}},
            }
        }

    url = deployment.server.url
    replies = asyncio.run(burst(url, "/v3/auth/tokens", [password("wrong")] * BURST))
    assert {reply.status_code for reply in replies} == {401}
    locked = ["locked" in reply.text for reply in replies]
    assert locked.count(False) == AK_LOCK_AFTER, [reply.text for reply in replies]
    right = asyncio.run(burst(url, "/v3/auth/tokens", [password(project["sk"])] * 4))
    for reply in right:
        assert reply.status_code == 401 and "locked" in reply.text


def bank_flow(tmp: Path, env: dict[str, str], tenant: str) -> None:
    bot = tmp / "bot"
    example = harness.REPO / "examples" / "bank-hotline"
    shutil.copytree(example, bot, ignore=shutil.ignore_patterns("tests"))
    harness.run_cli("bot", "push", str(bot), "--tenant", tenant, "--publish", env=env)


def test_dialog_turns_are_answered_during_a_gettoken_burst(
    deployment: Deployment, tmp_path: Path
) -> None:
    tenant = harness.cli_json("tenant", "create", "Calls", env=deployment.env)
    bank_flow(tmp_path, deployment.env, tenant["tenantId"])
    url = deployment.server.url
    token = harness.token(url, tenant["appKey"], tenant["appSecret"])
    # Right secrets, so each one costs a full scrypt check (wrong ones would soon be locked).
    right = {"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]}

    async def calls() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:

            async def opening(n: int) -> httpx.Response:
                inparams = {
                    "call_id": f"c{n}",
                    "call_dst_id": "4001",
                    "call_sor_id": "13500000001",
                    "auth_token": token,
                }
                body = {"userid": f"burst-{n}", "inaction": 8, "inparams": inparams}
                return await client.post("/oifde/rest/crs/process", json=body)

            tokens = asyncio.gather(*(client.post(GETTOKEN, json=right) for _ in range(30)))
            turns = asyncio.gather(*(opening(n) for n in range(20)))
            granted, opened = await asyncio.gather(tokens, turns)
            assert all(reply.status_code == 200 for reply in granted)
            return list(opened)

    for reply in asyncio.run(calls()):
        assert reply.status_code == 200, reply.text
        assert reply.json()["ret"] == 0 and reply.json()["outaction"] in (9, 10, 11)
