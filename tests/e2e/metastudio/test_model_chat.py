"""The end user of a job of a third-party language model (type 6) talks to the customer's
model: every turn sends the job's conversation so far, a failing model changes nothing, and
no other project reaches the conversation."""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator

import harness
import pytest
from chat_support import EndUser, texts
from metastudio_client import Project, assert_error, new_project, new_room, sdk, send
from model_support import BABBLE, BROKEN, KEY, MODEL, NO_CHOICES, SLOW, FakeModel

PROMPT = "You are the assistant of Example Bank. Answer briefly."


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeModel]:
    model = FakeModel().start()
    yield model
    model.close()


def llm_robot(project: Project, name: str, url: str, key: str = KEY, **config: object) -> str:
    # A plain dict: the SDK's ThirdPartyModelConfig has no member for our system_prompt.
    model_config = {"app_id": MODEL, "app_key": key, "llm_url": url, **config}
    body = {"name": name, "app_type": 6, "third_party_model_config": model_config}
    robot_id: str = project.client().create_robot(sdk.CreateRobotRequest(body=body)).robot_id
    return robot_id


def start(project: Project, room_id: str, robot_id: str) -> EndUser:
    # A client ID of its own per start, as each end user has one.
    extend = json.dumps({"client_id": f"user-{uuid.uuid4().hex[:12]}"})
    started = project.client().start_smart_chat_job(
        sdk.StartSmartChatJobRequest(
            room_id=room_id, robot_id=robot_id, body=sdk.SmartChatJobsReq(extend_param=extend)
        )
    )
    return EndUser.of(started)


def test_each_turn_sends_the_conversation_so_far(project: Project, fake_model: FakeModel) -> None:
    robot_id = llm_robot(
        project, "assistant", fake_model.completions, chat_rounds=3, system_prompt=PROMPT
    )
    shown = project.call("GET", f"/digital-human-chat/robot/{robot_id}").json()
    assert shown["system_prompt"] == PROMPT and shown["chat_rounds"] == 3
    room_id = new_room(project.client(), "assistant-room", 1)
    user = start(project, room_id, robot_id)

    opening = user.open()  # the model speaks only when spoken to
    assert opening["messages"] == [] and opening["expects"] == "text"
    assert opening["dialog_end"] is None and opening["state"] == "PROCESSING"

    first = user.say("hello")
    assert texts(first) == ["2 messages; you said: hello"]
    assert first["expects"] == "text" and first["dialog_end"] is None
    assert texts(user.say("my name is Ada")) == ["4 messages; you said: my name is Ada"]
    sent = fake_model.seen[-1]
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.body["model"] == MODEL and sent.body["stream"] is False
    assert sent.body["messages"] == [
        {"role": "system", "content": PROMPT},
        {"role": "user", "content": "hello"},
        {"role": "assistant", "content": "2 messages; you said: hello"},
        {"role": "user", "content": "my name is Ada"},
    ]
    assert texts(user.say("three")) == ["6 messages; you said: three"]
    # chat_rounds 3: the new text and the two rounds before it; the first round drops out.
    fourth = user.say("four")
    assert texts(fourth) == ["6 messages; you said: four"]
    users_said = [m["content"] for m in fake_model.seen[-1].body["messages"] if m["role"] == "user"]
    assert users_said == ["my name is Ada", "three", "four"]

    calls = len(fake_model.seen)
    assert user.open() == fourth  # nothing typed: the last reply again, the model not asked
    assert len(fake_model.seen) == calls

    done = user.send({"hangup": True})
    assert done["messages"] == [] and done["expects"] is None
    assert done["dialog_end"] == {"kind": "release", "reason": "0"}
    assert done["state"] == "SUCCEED" and done["job_finish_reason"] == "NORMAL"
    user.refused({"text": "still there?"}, 409, "MSS.47010012")
    # The dialog's one unit is free again, and a new job has a conversation of its own.
    again = start(project, room_id, robot_id)
    assert texts(again.say("hi")) == ["2 messages; you said: hi"]


def test_a_failing_model_changes_nothing(
    project: Project, fake_model: FakeModel, server: tuple[harness.Server, dict[str, str]]
) -> None:
    room_id = new_room(project.client(), "failing-room", 1)
    user = start(project, room_id, llm_robot(project, "failing", fake_model.completions))
    assert texts(user.say("hello")) == ["1 messages; you said: hello"]
    for text, mentions in [(BROKEN, "HTTP 500"), (BABBLE, "JSON"), (NO_CHOICES, "choices")]:
        reply = user.post({"text": text})
        assert_error(reply, 502, "MSS.47010134", mentions)
        assert KEY not in reply.text
    fake_model.release.clear()
    try:
        user.refused({"text": SLOW}, 504, "MSS.47010134", "did not answer within 2 s")
    finally:
        fake_model.release.set()
    # None of the failed texts joined the conversation: the retry is its second round.
    assert texts(user.say("hello again")) == ["3 messages; you said: hello again"]
    assert fake_model.seen[-1].body["messages"][0] == {"role": "user", "content": "hello"}
    running, _ = server
    assert running.log is not None and KEY not in running.log.read_text()


def test_a_model_out_of_reach_or_refusing_the_key(
    project: Project, fake_model: FakeModel, server: tuple[harness.Server, dict[str, str]]
) -> None:
    nobody = f"http://127.0.0.1:{harness.free_port()}/v1/chat/completions"
    wrong_key = "sk-wrong-" + secrets.token_hex(8)
    for name, url, key, mentions in [
        ("nobody", nobody, KEY, "could not be reached"),
        ("wrong-key", fake_model.completions, wrong_key, "HTTP 401"),
    ]:
        room_id = new_room(project.client(), f"{name}-room", 1)
        user = start(project, room_id, llm_robot(project, name, url, key))
        reply = user.post({"text": "hello"})
        assert_error(reply, 502, "MSS.47010134", mentions)
        assert key not in reply.text
        assert user.open()["messages"] == []  # the job still runs, nothing was said
    running, _ = server
    assert running.log is not None and wrong_key not in running.log.read_text()


def test_no_other_project_reaches_the_conversation(
    project: Project, fake_model: FakeModel, server: tuple[harness.Server, dict[str, str]]
) -> None:
    running, env = server
    owner = project
    other = new_project(running.url, env, "other-" + secrets.token_hex(4))
    room_id = new_room(owner.client(), "private-room", 1)
    user = start(owner, room_id, llm_robot(owner, "private", fake_model.completions))
    user.say("my PIN is 1234")
    calls = len(fake_model.seen)
    path = user.address.removeprefix(owner.url + f"/v1/{owner.project_id}")
    other_room = new_room(other.client(), "other-room", 1)
    other_user = start(other, other_room, llm_robot(other, "other", fake_model.completions))

    # Under its own project ID the other project sees neither the room nor the job.
    asked = b'{"text": "what did they say?"}'
    assert_error(other.call("POST", path, asked), 404, "MSS.20010045")
    in_own_room = path.replace(room_id, other_room)
    assert_error(other.call("POST", in_own_room, asked), 404, "MSS.20010074")
    foreign = other.signed("POST", f"/v1/{owner.project_id}{path}", asked)
    assert_error(send(foreign), 400, "MSS.00010009")
    # An end user's token is good for its own job only.
    assert_error(other_user.post({}, **{"X-Chat-Token": user.token}), 401, "APIGW.0301")
    assert len(fake_model.seen) == calls

    assert texts(other_user.say("hello")) == ["1 messages; you said: hello"]
    assert texts(user.say("go on")) == ["3 messages; you said: go on"]
