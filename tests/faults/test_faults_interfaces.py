"""Business interfaces that misbehave, against a real ``oiap serve``: each fails as
``SYSERROR_INTERFACE`` (the flow's "failed" branch), bounded in time, memory and connections."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import harness
import httpx
import pytest
from fault_backends import (
    MIB,
    Backend,
    Probe,
    Tenant,
    fault_bot,
    prompt,
    tenant_with_bot,
    turn_body,
    vm_rss_kib,
)

from oiap.adapters.http.egress import EgressPolicy
from oiap.adapters.http.interfaces import HttpInterfaceCaller
from oiap.adapters.http.language_models import HttpLanguageModel
from oiap.adapters.http.shares import ConnectionShares
from oiap.engine.release import InterfaceCall
from oiap.services.model_ports import ModelEndpoint, ModelFailure

PROCESS = "/oifde/rest/crs/process"
IVR_PATIENCE = 15.0  # seconds an IVR waits for a turn before it gives up on the platform


@dataclass
class Platform:
    server: harness.Server
    tenant: Tenant
    backend: Backend

    def turn(self, code: str, userid: str, patience: float = IVR_PATIENCE) -> str:
        body = turn_body(self.tenant, code, userid)
        return prompt(httpx.post(self.server.url + PROCESS, json=body, timeout=patience))


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("interfaces")
    backend = Backend()
    probes = [
        Probe("6001", backend.url + "/ok"),
        Probe("6002", backend.url + "/trickle", timeout=3),
        Probe("6003", backend.url + "/huge/200", timeout=30),
        Probe("6004", backend.url + "/deep"),
    ]
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store="memory")
    server = harness.Server(env, log=tmp / "server.log").start()
    try:
        tenant = tenant_with_bot(server, env, "Probes", fault_bot(tmp / "bot", probes))
        yield Platform(server, tenant, backend)
    finally:
        server.stop()
        backend.close()


def test_a_healthy_interface_answers(platform: Platform) -> None:
    assert platform.turn("6001", "healthy-1") == "answered fine"


@pytest.mark.slow
def test_a_trickling_backend_fails_at_the_interface_timeout(platform: Platform) -> None:
    # One byte every 2 s: each read is quick, the whole answer would take two minutes.
    assert platform.turn("6002", "trickle-1") == "failed"
    assert platform.backend.count("trickle") == 1


@pytest.mark.slow
def test_huge_answers_are_cut_off_without_growing_the_worker(platform: Platform) -> None:
    assert platform.turn("6001", "warm-up") == "answered fine"  # the client is made
    pid = platform.server._proc.pid if platform.server._proc else 0
    before = vm_rss_kib(pid)
    with ThreadPoolExecutor(4) as pool:  # four 200 MB answers at once, no Content-Length
        prompts = list(pool.map(lambda n: platform.turn("6003", f"huge-{n}", 60), range(4)))
    grown_mib = (vm_rss_kib(pid) - before) / 1024
    assert prompts == ["failed"] * 4
    assert grown_mib < 100, f"the worker grew by {grown_mib:.0f} MiB"
    # The platform stopped reading at the limit: the backend could not send its 800 MB.
    assert platform.backend.sent("huge") < 400 * MIB
    assert platform.turn("6001", "after-huge") == "answered fine"


def test_a_deeply_nested_answer_is_a_failed_call_not_an_error(platform: Platform) -> None:
    assert platform.turn("6004", "deep-1") == "failed"
    assert platform.turn("6001", "after-deep") == "answered fine"


@pytest.mark.slow
def test_one_tenants_hanging_backend_leaves_other_tenants_their_share(tmp_path: Path) -> None:
    """Scaled down from 240 stuck turns against 100 connections: 30 against 12 (4 a tenant)."""
    stuck, healthy = Backend(), Backend()
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp_path / 'oiap.db'}",
        session_store="memory",
        interface_max_connections=12,
        interface_max_per_tenant=4,
        interface_max_per_host=4,
    )
    server = harness.Server(env, log=tmp_path / "server.log").start()
    try:
        a_bot = fault_bot(tmp_path / "a", [Probe("7001", stuck.url + "/hang", timeout=10)])
        b_bot = fault_bot(tmp_path / "b", [Probe("7001", healthy.url + "/ok", timeout=3)])
        a = tenant_with_bot(server, env, "Tenant A", a_bot)
        b = tenant_with_bot(server, env, "Tenant B", b_bot)

        def a_turn(n: int) -> str:
            body = turn_body(a, "7001", f"a-{n}")
            return prompt(httpx.post(server.url + PROCESS, json=body, timeout=IVR_PATIENCE))

        with ThreadPoolExecutor(30) as pool:
            stuck_turns = [pool.submit(a_turn, n) for n in range(30)]
            waited = 0
            while stuck.count("hang") < 4 and waited < 200:  # tenant A holds its whole share
                time.sleep(0.05)
                waited += 1
            assert stuck.count("hang") == 4
            b_prompts = []
            for n in range(12):
                body = turn_body(b, "7001", f"b-{n}")
                reply = httpx.post(server.url + PROCESS, json=body, timeout=IVR_PATIENCE)
                b_prompts.append(prompt(reply))
            still_stuck = sum(not t.done() for t in stuck_turns)
            a_prompts = [t.result() for t in stuck_turns]
        assert still_stuck > 0  # B's turns ran while A's were stuck
        assert b_prompts == ["answered fine"] * 12
        assert a_prompts == ["failed"] * 30  # each within its own deadline, none an error
    finally:
        server.stop()
        stuck.close()
        healthy.close()


def test_shares_wait_for_a_slot_and_keep_no_idle_entries() -> None:
    async def scenario() -> tuple[bool, bool, int, int]:
        shares = ConnectionShares(total=3, per_tenant=1, per_destination=2)
        held = asyncio.Event()
        release = asyncio.Event()

        async def hold() -> None:
            async with shares.slot("a", "http://x:1"):
                held.set()
                await release.wait()

        holder = asyncio.create_task(hold())
        await held.wait()
        a_again = False
        try:
            async with asyncio.timeout(0.2), shares.slot("a", "http://y:1"):
                a_again = True
        except TimeoutError:
            pass
        async with asyncio.timeout(1), shares.slot("b", "http://x:1"):
            b_got_one = True
        release.set()
        await holder
        return a_again, b_got_one, len(shares.tenants), len(shares.destinations)

    a_again, b_got_one, tenants, destinations = asyncio.run(scenario())
    assert not a_again  # tenant A's one slot is taken: its second call waits, then gives up
    assert b_got_one  # tenant B is not behind A
    assert (tenants, destinations) == (0, 0)  # nothing kept for keys with no call in flight


# -- the adapters in process, against the same misbehaving backends ------------------------


def _interface(url: str, timeout: float = 3) -> InterfaceCall:
    return InterfaceCall("probe", "POST", url, {}, {}, timeout, tenant_id="t1")


@pytest.mark.slow
def test_interface_caller_failures_say_why(platform: Platform) -> None:
    url = platform.backend.url

    async def calls() -> list[str]:
        open_caller = HttpInterfaceCaller(egress=EgressPolicy.open(), max_answer_bytes=4096)
        policed = HttpInterfaceCaller()  # the default policy: loopback refused
        try:
            answers = [
                await open_caller.call(_interface(url + "/trickle")),
                await open_caller.call(_interface(url + "/huge/2")),
                await open_caller.call(_interface(url + "/deep")),
                await open_caller.call(_interface(url + "/redirect")),
                await open_caller.call(_interface("ftp://127.0.0.1/x")),
                await policed.call(_interface(url + "/ok")),
            ]
        finally:
            await open_caller.close()
            await policed.close()
        assert all(a.data is None for a in answers)
        return [a.problem for a in answers]

    seen = platform.backend.count("ok")
    assert asyncio.run(calls()) == [
        "not done within 3 s",
        "answer larger than 4096 bytes",
        "answer: JSON nested deeper than 64 levels.",
        "HTTP 302",
        "not an http or https URL",
        "refused by the egress policy",
    ]
    assert platform.backend.count("ok") == seen


@pytest.mark.slow
def test_language_model_calls_are_bounded_the_same_way(platform: Platform) -> None:
    url = platform.backend.url

    async def problems() -> list[tuple[str, bool]]:
        model = HttpLanguageModel(timeout=3, egress=EgressPolicy.open(), max_answer_bytes=4096)
        policed = HttpLanguageModel(timeout=3)
        found = []
        try:
            for caller, where in [
                (model, "/trickle"),
                (model, "/huge/2"),
                (model, "/deep"),
                (policed, "/ok"),
            ]:
                endpoint = ModelEndpoint(url=url + where, key="k", model="m")
                try:
                    await caller.complete(endpoint, [{"role": "user", "content": "hi"}])
                except ModelFailure as failure:
                    found.append((failure.problem, failure.timed_out))
        finally:
            await model.close()
            await policed.close()
        return found

    seen = platform.backend.count("ok")
    assert asyncio.run(problems()) == [
        ("The model did not answer within 3 s.", True),
        ("The model's answer is larger than 4096 bytes.", False),
        ("The model did not answer JSON.", False),
        ("The model could not be reached.", False),
    ]
    assert platform.backend.count("ok") == seen
