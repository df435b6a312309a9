"""Issue 12, item 7: Redis trouble is bounded and answered, and calls continue after it.

A real server on a Redis of the test's own that the test freezes (SIGSTOP: connections stay
open, nothing answers) and stops (connection refused), then brings back on the same port with
its append-only file, so the live dialog is still there.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest
from fault_processes import RedisProcess, own_redis
from turn_lock_stubs import Caller, SlowBank, Tenant, hotline_copy, hotline_tenant

SAFETY = 30  # seconds: only so that a hanging server fails the test instead of stalling it
REQUESTS = 6  # requests sent during each outage
LOG_ALLOWANCE = 6000  # bytes of server log for those: an access line each and a warning or two


@dataclass
class Outage:
    server: harness.Server
    redis: RedisProcess
    tenant: Tenant
    token: str
    log: Path

    def caller(self, name: str) -> Caller:
        return Caller(self.server.url, self.token, f"{name}-{secrets.token_hex(4)}")

    def log_size(self) -> int:
        return self.log.stat().st_size


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outage]:
    tmp = tmp_path_factory.mktemp("redis-outage")
    bank = SlowBank()
    try:
        with own_redis() as redis_process:
            env = harness.oiap_env(
                database_url=f"sqlite:///{tmp / 'oiap.db'}",
                session_store=redis_process.url,
                redis_connect_timeout=1,
                redis_command_timeout=1,
                dialog_lock_lease=1,
            )
            tenant = hotline_tenant(env, hotline_copy(tmp / "bot", bank.url))
            log = tmp / "server.log"
            with harness.Server(env, log=log) as server:
                token = harness.token(server.url, tenant.app_key, tenant.app_secret)
                yield Outage(server, redis_process, tenant, token, log)
    finally:
        bank.close()


def assert_store_unavailable(reply: httpx.Response, userid: str) -> None:
    assert reply.status_code == 503, reply.text
    body: dict[str, Any] = reply.json()
    assert body["ret"] == 10000001
    assert body["errorCode"] == 10000001
    assert body["userid"] == userid


def assert_not_ready(outage: Outage) -> None:
    ready = httpx.get(outage.server.url + "/readyz", timeout=SAFETY)
    assert ready.status_code == 503
    assert ready.json()["checks"]["sessionStore"] is False


def assert_other_envelopes(outage: Outage) -> None:
    """Paths other than the dialog answer 503 in their own envelope."""
    gettoken = httpx.post(
        outage.server.url + "/oifde/rest/api/gettoken",
        json={"appKey": outage.tenant.app_key, "appSecret": outage.tenant.app_secret},
        timeout=SAFETY,
    )
    assert gettoken.status_code == 503, gettoken.text
    assert gettoken.json()["errorCode"] == 10000001
    metastudio = httpx.get(
        outage.server.url + "/v1/p1/digital-human-chat/active-code",
        headers={"X-Auth-Token": "a-token"},
        timeout=SAFETY,
    )
    assert metastudio.status_code == 503, metastudio.text
    assert metastudio.json()["error_code"] == "MSS.00000004"


def new_log(outage: Outage, since: int) -> str:
    with outage.log.open("rb") as log:
        log.seek(since)
        return log.read().decode(errors="replace")


@pytest.mark.slow
def test_a_frozen_redis_is_answered_503_and_the_call_continues_after_it(outage: Outage) -> None:
    caller = outage.caller("frozen")
    caller.to_account_prompt()
    turn = caller.keys_body("12345678")
    before = outage.log_size()
    outage.redis.freeze()
    try:
        for _ in range(REQUESTS):
            assert_store_unavailable(caller.post(turn, timeout=SAFETY), caller.userid)
        assert_not_ready(outage)
    finally:
        outage.redis.thaw()
    written = new_log(outage, before)
    assert "Traceback" not in written
    assert len(written.encode()) < LOG_ALLOWANCE, written
    answer = caller.send(turn)  # the same request again: the dialog moves on
    assert "42.00" in answer["outparams"]["prompt_text"]
    assert httpx.get(outage.server.url + "/readyz", timeout=SAFETY).status_code == 200


@pytest.mark.slow
def test_a_stopped_redis_is_answered_503_and_the_live_dialog_survives_its_restart(
    outage: Outage,
) -> None:
    caller = outage.caller("stopped")
    caller.to_account_prompt()
    turn = caller.keys_body("87654321")
    before = outage.log_size()
    outage.redis.stop()
    try:
        for _ in range(REQUESTS):
            assert_store_unavailable(caller.post(turn, timeout=SAFETY), caller.userid)
        assert_not_ready(outage)
        assert_other_envelopes(outage)
    finally:
        outage.redis.start()  # the same port and append-only file
    written = new_log(outage, before)
    assert "Traceback" not in written
    assert len(written.encode()) < LOG_ALLOWANCE, written
    answer = caller.send(turn)
    assert "42.00" in answer["outparams"]["prompt_text"]
    assert httpx.get(outage.server.url + "/readyz", timeout=SAFETY).status_code == 200
