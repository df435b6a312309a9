"""Configuration changes reach the next new call at once (issue 13 item 8), through real HTTP.

Each change is made through the platform's interfaces (§5 bindings, the management API's
publish and routing, §9 Q&A) right after calls have warmed every cache, and the very next new
call must run with it: on the in-process store and on Redis, and with Redis on whichever of
two workers answers. A call already running stays on the version it started on.
"""

from __future__ import annotations

import secrets
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest
from dialog_support import Call, prompt_text

CODE = "5001"
PARKING = "Where can I park my car?"
FLOW = """\
code: ask
name: Ask
scenario: Default
description: Greets, then answers from the tenant's Q&A.
nodes:
  - id: start
    kind: start
    branches:
      - to: greet
  - id: greet
    kind: reply
    params:
      text: Hello from the first version.
      mode: asr
    branches:
      - to: answer
  - id: answer
    kind: qa
    branches:
      - to: said
        on: found
      - to: unknown
        on: notfound
  - id: said
    kind: reply
    params:
      text: ${TOC.ChatBotRespContent}
      mode: asr
    branches:
      - to: answer
  - id: unknown
    kind: reply
    params:
      text: No answer.
      mode: play
    branches:
      - to: end
  - id: end
    kind: end
"""
OTHER = """\
code: other
name: Other
scenario: Default
nodes:
  - id: start
    kind: start
    branches:
      - to: hello
  - id: hello
    kind: reply
    params:
      text: Hello from the other flow.
      mode: play
    branches:
      - to: end
  - id: end
    kind: end
"""


def write_bot(folder: Path) -> Path:
    files = {
        "bot.yaml": "name: Front desk\nlanguage: en_US\ndescription: Greets and answers.\n",
        "access-codes.yaml": f"""\
            access_codes:
              - code: "{CODE}"
                dialog_type: 1
                flow: ask
                robot_name: Front desk
                description: Front desk line.
            """,
        "faq/basics.yaml": f"""\
            group: basics
            language: en_US
            description: Visitors' questions.
            questions:
              - question: {PARKING}
                keywords: [park]
                answer: Parking is behind the building.
            """,
        "flows/ask.yaml": FLOW,
        "flows/other.yaml": OTHER,
    }
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return folder


@dataclass
class Desk:
    server: harness.Server
    tenant_id: str
    token: str

    def call(self, code: str = CODE, calling: str = "13500000001") -> Call:
        userid = "c" + secrets.token_hex(6)
        return Call(self.server.url, self.token, userid, access_code=code, calling=calling)

    def greeting(self, code: str = CODE, calling: str = "13500000001") -> str:
        return prompt_text(self.call(code, calling).start())

    def answer(self, question: str) -> str:
        call = self.call()
        call.start()
        return prompt_text(call.say(question))

    def oifde(self, path: str, **fields: Any) -> dict[str, Any]:
        body = {"tenantId": self.tenant_id, "authToken": self.token, **fields}
        reply = httpx.post(self.server.url + "/oifde/rest/api/" + path, json=body, timeout=30)
        assert reply.status_code == 200, reply.text
        return reply.json() if reply.content else {}

    def manage(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        url = self.server.url + "/oiap/v1/" + path
        reply = httpx.request(method, url, json=body, headers=headers, timeout=60)
        assert reply.status_code < 300, reply.text
        return reply.json() if reply.content else None

    def binding_id(self, code: str, source: str = "IVR") -> str:
        found = self.oifde(
            "querynavigationinfo", accessCode=code, pageNum=1, pageSize=5, source=source
        )
        access_id: str = found["accessInfoList"][0]["accessId"]
        return access_id

    def group_id(self, name: str) -> int:
        groups = self.oifde("faqGroup/query", pageNum=1, pageSize=100)["data"]
        group_id: int = next(g["id"] for g in groups if g["name"] == name)
        return group_id


def start_desk(tmp: Path, store: str, *extra: str) -> Desk:
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store=store)
    created = harness.cli_json("tenant", "create", "Desk", env=env)
    bot = write_bot(tmp / "bot")
    harness.run_cli("bot", "push", str(bot), "--tenant", created["tenantId"], "--publish", env=env)
    server = harness.Server(env, *extra, log=tmp / "server.log").start()
    token = harness.token(server.url, created["appKey"], created["appSecret"])
    return Desk(server, created["tenantId"], token)


@pytest.fixture(scope="module", params=["memory", "redis"])
def desk(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Desk]:
    tmp = tmp_path_factory.mktemp(f"desk-{request.param}")
    started = start_desk(tmp, harness.session_store(request.param))
    yield started
    started.server.stop()


def warm(desk: Desk, times: int = 3) -> None:
    """Calls that fill every cache a new call reads (binding, routing, release, Q&A)."""
    for _ in range(times):
        assert desk.answer(PARKING) == "Parking is behind the building."


def publish_greeting(desk: Desk, text: str) -> int:
    draft = desk.manage("GET", "flows/ask")
    for node in draft["nodes"]:
        if node["id"] == "greet":
            node["params"]["text"] = text
    desk.manage("PUT", "flows/ask", draft)
    number: int = desk.manage("POST", "flows/ask/publish")["number"]
    return number


def test_a_binding_change_reaches_the_next_new_call(desk: Desk) -> None:
    code = "5" + secrets.token_hex(4)
    desk.oifde(
        "createnavigationinfo", accessCode=code, dialogType=1, flowCode="ask", description=""
    )
    for _ in range(3):
        assert desk.greeting(code) == "Hello from the first version."
    access_id = desk.binding_id(code)
    desk.oifde(
        "updatenavigationinfo",
        accessId=access_id,
        accessCode=code,
        dialogType=1,
        flowCode="other",
        description="",
    )
    assert desk.greeting(code) == "Hello from the other flow."
    desk.oifde("deletenavigationinfo", accessIdList=[access_id])
    gone = desk.call(code).start(expect_status=404)
    assert gone["ret"] != 0 and "not bound" in str(gone), gone


def test_a_publish_a_rollback_and_a_gray_rule_reach_the_next_new_call(desk: Desk) -> None:
    warm(desk)
    live = desk.call()
    assert prompt_text(live.start()).startswith("Hello from the")
    first = desk.manage("GET", "flows/ask/versions")["items"][-1]["number"]
    text = f"Hello from version {secrets.token_hex(2)}."
    number = publish_greeting(desk, text)
    desk.manage("PUT", "flows/ask/routing", {"default": number, "gray": []})
    assert desk.greeting() == text
    # A rollback, then a gray rule for one caller.
    desk.manage("PUT", "flows/ask/routing", {"default": first, "gray": []})
    assert desk.greeting() != text
    rule = {"version": number, "numbers": ["13900000009"], "prefixes": []}
    desk.manage("PUT", "flows/ask/routing", {"default": first, "gray": [rule]})
    assert desk.greeting(calling="13900000009") == text
    assert desk.greeting() != text
    # The call that started before all this still runs on its version.
    assert prompt_text(live.say(PARKING)) == "Parking is behind the building."


def test_qa_maintained_through_the_interfaces_reaches_the_next_new_call(desk: Desk) -> None:
    warm(desk)
    basics = desk.group_id("basics")
    wifi = f"Is there wifi in room {secrets.randbelow(1000)}?"
    made = desk.oifde(
        "faq/create",
        model={"id": -1, "faqGroupId": basics, "question": wifi, "answer": "Yes, it is free."},
    )["faqModel"]
    assert desk.answer(wifi) == "Yes, it is free."
    model = {"id": made["id"], "faqGroupId": basics, "question": wifi, "answer": "Ask at the desk."}
    desk.oifde("faq/update", model=model)
    assert desk.answer(wifi) == "Ask at the desk."
    desk.oifde("faq/delete", faqGroupId=basics, faqIds=[made["id"]])
    assert desk.answer(wifi) == "No answer."
    desk.oifde("faqGroup/changeStatus", faqGroupId=basics, on=False)
    assert desk.answer(PARKING) == "No answer."
    desk.oifde("faqGroup/changeStatus", faqGroupId=basics, on=True)
    assert desk.answer(PARKING) == "Parking is behind the building."


def test_a_third_party_maintaining_its_qa_through_the_api_is_answered(desk: Desk) -> None:
    warm(desk)
    name = "partner-" + secrets.token_hex(3)
    group = desk.oifde(
        "faqGroup/create", model={"id": -1, "tenantId": desk.tenant_id, "name": name, "on": True}
    )["faqGroupModel"]
    question = f"When does shuttle {secrets.randbelow(1000)} leave?"
    model = {"id": -1, "faqGroupId": group["id"], "question": question, "answer": "Every hour."}
    desk.oifde("faq/create", model=model)
    assert desk.answer(question) == "Every hour."


@pytest.mark.slow
def test_with_redis_a_change_reaches_every_worker(tmp_path: Path) -> None:
    desk = start_desk(tmp_path, harness.session_store("redis"), "--workers", "2")
    try:
        for _ in range(12):  # both workers answer some of these and cache what they read
            assert desk.greeting() == "Hello from the first version."
        warm(desk, 6)
        text = f"Hello from version {secrets.token_hex(2)}."
        number = publish_greeting(desk, text)
        desk.manage("PUT", "flows/ask/routing", {"default": number, "gray": []})
        assert [desk.greeting() for _ in range(12)] == [text] * 12
        basics = desk.group_id("basics")
        desk.oifde("faqGroup/changeStatus", faqGroupId=basics, on=False)
        assert [desk.answer(PARKING) for _ in range(8)] == ["No answer."] * 8
        desk.oifde(
            "updatenavigationinfo",
            accessId=desk.binding_id(CODE, "OIFDE"),
            accessCode=CODE,
            dialogType=1,
            flowCode="other",
            description="",
        )
        assert [desk.greeting() for _ in range(12)] == ["Hello from the other flow."] * 12
        # A push from the command line, a process of its own, reaches the running workers
        # too: the folder binds the code to 'ask' again.
        env = harness.oiap_env(
            database_url=f"sqlite:///{tmp_path / 'oiap.db'}",
            session_store=harness.session_store("redis"),
        )
        bot = str(tmp_path / "bot")
        harness.run_cli("bot", "push", bot, "--tenant", desk.tenant_id, env=env)
        assert [desk.greeting() for _ in range(12)] == [text] * 12
    finally:
        desk.server.stop()
