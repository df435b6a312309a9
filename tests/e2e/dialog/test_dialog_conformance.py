"""What independent OIAP clients rely on (issue 13, items 1-4), through a real server.

The AICC/CEC runs calls as a system account (``username``/``token`` headers, spec §3.2); ASR
results arrive as ``<redis key>@<inter_no>`` (§7.7), read from a real Redis; full audio
paths are ``prompt_type`` 0 (§7.11); ``SYS.language`` is set from the first node and a flow
may switch it (§11.5).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import harness
import pytest
import redis
from dialog_conformance_bot import Caller, bot, text

REDIS_URL = harness.REDIS_URL  # the shared Redis: plain keys of our own, removed after

pytestmark = pytest.mark.slow


@dataclass
class Platform:
    server: harness.Server
    env: dict[str, str]
    tenants: dict[str, str]  # "zh" / "en" -> tenant ID
    tokens: dict[str, str]  # tenant ID -> its token
    system: dict[str, str]  # the ipcc headers
    codes: dict[str, str]  # "zh" / "en" / "both" -> access code


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    tmp = tmp_path_factory.mktemp("conformance")
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp / 'oiap.db'}",
        session_store="memory",
        asr_redis_url=REDIS_URL,
    )
    # Access codes of our own: ``both`` is bound in the two tenants.
    base = 70000 + secrets.randbelow(20000)
    codes = {"zh": str(base), "en": str(base + 1), "both": str(base + 2)}
    tenants: dict[str, str] = {}
    secrets_of: dict[str, tuple[str, str]] = {}
    for key, language in (("zh", "zh_CN"), ("en", "en_US")):
        made = harness.cli_json("tenant", "create", f"Tenant {key}", env=env)
        folder = bot(tmp / key, language, [codes[key], codes["both"]])
        harness.run_cli(
            "bot", "push", str(folder), "--tenant", made["tenantId"], "--publish", env=env
        )
        tenants[key] = made["tenantId"]
        secrets_of[made["tenantId"]] = (made["appKey"], made["appSecret"])
    name = "ipcc" + secrets.token_hex(3)
    ipcc = harness.cli_json("system-user", "create", name, env=env)
    server = harness.Server(env, log=tmp / "server.log").start()
    try:
        tokens = {t: harness.token(server.url, *pair) for t, pair in secrets_of.items()}
        system = {"username": name, "token": harness.token(server.url, name, ipcc["appSecret"])}
        yield Platform(server, env, tenants, tokens, system, codes)
    finally:
        server.stop()


@pytest.fixture
def asr_keys() -> Iterator[tuple[redis.Redis, str]]:
    harness.require("redis")
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"asr-test:{uuid.uuid4().hex}:"
    try:
        yield client, prefix
    finally:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        client.close()


def test_a_system_account_runs_a_whole_call_with_headers(platform: Platform) -> None:
    c = Caller(platform.server.url, platform.codes["zh"], headers=platform.system)
    first = c.start()
    # The tenant comes from the access code; SYS.language is the bot's from the first node.
    assert text(first) == f"Hello in zh_CN from {platform.tenants['zh']}"
    assert first["outparams"]["language"] == "0"
    assert first["outparams"]["prompt_type"] == "2"

    switched = c.say("english")  # the flow assigns SYS.language
    assert text(switched) == "Now in en_US"
    assert switched["outparams"]["language"] == "1"
    assert text(c.say("good morning")) == "You said good morning"

    sorry = c.say("nomatch")
    assert sorry["outparams"]["prompt_type"] == "1"  # a file name: the IVR adds its directory
    assert sorry["outparams"]["prompt_wav"] == "sorry.wav"
    bye = c.say("bye")
    assert bye["outparams"]["prompt_type"] == "0"  # a full path, played as it is
    assert bye["outparams"]["prompt_wav"] == "/opt/uap/voice/bye.wav"
    released = c.send(9, flow_result_type="3", input="playover")
    assert released["outaction"] == 10 and released["outparams"]["release_reason"] == "0"
    assert c.send(9, flow_result_type="-1", input="hangup")["outaction"] == 10


def test_a_code_bound_in_two_tenants_needs_the_tenant_named(platform: Platform) -> None:
    both = platform.codes["both"]
    c = Caller(platform.server.url, both, headers=platform.system)
    refused = c.start(status=400)
    assert refused["ret"] == 10000002
    assert all(t in refused["errorMsg"] for t in platform.tenants.values())
    assert "extparams.tenantId" in refused["errorMsg"]

    en = platform.tenants["en"]
    chosen = c.start(tenantId=en)
    assert text(chosen) == f"Hello in en_US from {en}"
    assert chosen["outparams"]["language"] == "1"
    assert text(c.say("more words")) == "You said more words"

    elsewhere = Caller(platform.server.url, platform.codes["zh"], headers=platform.system)
    assert elsewhere.start(status=404, tenantId=en)["ret"] == 10000003  # not bound in that tenant


def test_a_tenants_token_never_reaches_another_tenants_dialog(platform: Platform) -> None:
    zh, en = platform.tenants["zh"], platform.tenants["en"]
    c = Caller(platform.server.url, platform.codes["zh"], headers=platform.system)
    c.start()
    intruder = Caller(platform.server.url, c.access_code, token=platform.tokens[en])
    intruder.userid, intruder.inter_idx = c.userid, c.inter_idx
    refused = intruder.say("english", status=404)
    assert refused["ret"] == 10000003
    # The owner's own token continues it, and the system account sees the same dialog.
    owner = Caller(platform.server.url, c.access_code, token=platform.tokens[zh])
    owner.userid, owner.inter_idx = c.userid, c.inter_idx
    assert text(owner.say("english")) == "Now in en_US"
    c.inter_idx = owner.inter_idx
    assert text(c.say("hello")) == "You said hello"

    # A system account cannot continue a call it never started (no index for it).
    stray = Caller(platform.server.url, c.access_code, headers=platform.system)
    assert stray.say("hello", status=404)["ret"] == 10000003


def test_asr_results_are_read_by_redis_key(
    platform: Platform, asr_keys: tuple[redis.Redis, str]
) -> None:
    client, prefix = asr_keys
    c = Caller(platform.server.url, platform.codes["en"], headers=platform.system)
    c.start()
    key = prefix + "1"
    client.set(key, "I want my balance")
    assert text(c.say(f"{key}@{c.inter_idx}")) == "You said I want my balance"

    # The IVR's own recognition number in inter_no names the result just as well.
    key = prefix + "2"
    client.set(key, "english")
    assert text(c.say(f"{key}@42", inter_no="42")) == "Now in en_US"
    assert text(c.say("plain words")) == "You said plain words"

    # A key with nothing under it is a recognition failure: the nomatch branch.
    missing = c.say(f"{prefix}absent@{c.inter_idx}")
    assert missing["outparams"]["prompt_wav"] == "sorry.wav"

    # Text that merely contains "@" stays text.
    assert text(c.say("write to jo@example.com")) == "You said write to jo@example.com"
    assert text(c.say("room@12")) == "You said room@12"  # not this prompt's inter_idx
    assert text(c.say("a b@" + str(c.inter_idx))).startswith("You said a b@")


def test_without_an_asr_redis_the_reference_is_text(tmp_path: Path) -> None:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path / 'oiap.db'}")
    made = harness.cli_json("tenant", "create", "Plain", env=env)
    code = str(90000 + secrets.randbelow(9000))
    folder = bot(tmp_path / "bot", "en_US", [code])
    harness.run_cli("bot", "push", str(folder), "--tenant", made["tenantId"], "--publish", env=env)
    with harness.Server(env, log=tmp_path / "server.log") as server:
        token = harness.token(server.url, made["appKey"], made["appSecret"])
        c = Caller(server.url, code, token=token)
        c.start()
        reference = f"somekey@{c.inter_idx}"
        assert text(c.say(reference)) == f"You said {reference}"


def test_docs_name_the_choices() -> None:
    doc = (harness.REPO / "docs" / "dialog-protocol.md").read_text()
    for words in ("extparams.tenantId", "OIAP_ASR_REDIS_URL", "prompt_type", "SYS.language"):
        assert words in doc, words
