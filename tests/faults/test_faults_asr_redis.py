"""ASR results read by Redis key (spec §7.7) when that Redis fails, and by default from the
session store's Redis: a Redis of the test's own, stopped and started again on its port."""

from __future__ import annotations

import secrets
from pathlib import Path

import harness
import pytest
from dialog_conformance_bot import Caller, bot, text
from fault_processes import own_redis

pytestmark = pytest.mark.slow


def tenant_with_bot(env: dict[str, str], folder: Path) -> tuple[dict[str, str], str]:
    made = harness.cli_json("tenant", "create", "ASR", env=env)
    code = str(60000 + secrets.randbelow(9000))
    bot(folder, "en_US", [code])
    harness.run_cli("bot", "push", str(folder), "--tenant", made["tenantId"], "--publish", env=env)
    return made, code


def test_an_unreachable_asr_redis_answers_503_and_the_retry_reads_the_key(tmp_path: Path) -> None:
    with own_redis() as asr:
        env = harness.oiap_env(
            database_url=f"sqlite:///{tmp_path / 'oiap.db'}",
            asr_redis_url=asr.url,
            redis_connect_timeout=1,
            redis_command_timeout=1,
        )
        made, code = tenant_with_bot(env, tmp_path / "bot")
        with harness.Server(env, log=tmp_path / "server.log") as server:
            token = harness.token(server.url, made["appKey"], made["appSecret"])
            c = Caller(server.url, code, token=token)
            c.start()
            reference = f"asr:{c.userid}:1@{c.inter_idx}"
            asr.client().set(reference.rsplit("@", 1)[0], "good evening")
            asr.stop()
            down = c.say(reference, status=503)
            assert down["ret"] == 10000001 and down["userid"] == c.userid
            asr.restart()  # append-only: the key is still there
            # Nothing was applied: the IVR's retry of the same request reads the key.
            assert text(c.say(reference)) == "You said good evening"


def test_the_session_stores_redis_is_read_by_default(tmp_path: Path) -> None:
    with own_redis() as store:
        env = harness.oiap_env(
            database_url=f"sqlite:///{tmp_path / 'oiap.db'}", session_store=store.url
        )
        made, code = tenant_with_bot(env, tmp_path / "bot")
        with harness.Server(env, log=tmp_path / "server.log") as server:
            token = harness.token(server.url, made["appKey"], made["appSecret"])
            c = Caller(server.url, code, token=token)
            c.start()
            store.client().set("ivr:result:1", "fine thanks")
            assert text(c.say(f"ivr:result:1@{c.inter_idx}")) == "You said fine thanks"
            # The platform's own keys are never read as a transcript: nomatch.
            own = [key.decode() for key in store.client().scan_iter(match="oiap:*")]
            assert own
            leaked = c.say(f"{own[0]}@{c.inter_idx}")
            assert leaked["outparams"]["prompt_wav"] == "sorry.wav"
