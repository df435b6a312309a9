"""The end user of a job of an access-code application (type 30) talks to the access code's
flows: the bank hotline's balance lookup, its agent transfer, its goodbye."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
from chat_support import BankProject, EndUser, texts
from metastudio_client import Project, assert_error, new_robot, new_room, sdk

# Access code 4002 is the bot's web chat: its menu asks for typed numbers, not key presses.
MENU = "For your balance type 1. To chat with an agent type 0. For anything else type 9."


def start(project: Project, room_id: str, robot_id: str, client_id: str | None = None) -> Any:
    # A client ID of its own per start, as each end user has one.
    extend = json.dumps({"client_id": client_id or f"user-{uuid.uuid4().hex[:12]}"})
    body = sdk.SmartChatJobsReq(extend_param=extend)
    return project.client().start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id, body=body)
    )


def job_state(project: Project, room_id: str, job_id: str) -> Any:
    return project.client().show_smart_chat_job(
        sdk.ShowSmartChatJobRequest(room_id=room_id, job_id=job_id)
    )


def test_end_user_checks_a_balance_then_reaches_an_agent(bank: BankProject) -> None:
    project = bank.project
    robot_id = bank.robot("hotline-chat")
    room_id = new_room(project.client(), "balance-room", 2)
    started = start(project, room_id, robot_id, client_id="13900000088")
    assert started.chat_access_address.startswith(project.url + "/v1/")
    assert started.chat_access_address.endswith(f"/smart-chat-jobs/{started.job_id}/chat")
    assert started.rtc_room_info.users[0].ctime > time.time()
    user = EndUser.of(started)

    opening = user.open()
    assert texts(opening) == ["Welcome to Example Bank.", MENU]
    assert opening["expects"] == "keys" and opening["dialog_end"] is None
    assert opening["state"] == "PROCESSING"

    ask = user.say("1")
    assert texts(ask) == ["Please type your account number."]
    balance = user.say("12345678")
    assert texts(balance) == [
        "Your available balance on account ending 5678 is 1234.56 dollars.",
        "Is there anything else I can help you with?",
    ]
    assert balance["expects"] == "text"
    assert bank.bank.requests[-1]["body"] == {"accountNumber": "12345678"}
    assert job_state(project, room_id, started.job_id).state == "PROCESSING"

    agent = user.say("I lost my credit card")
    assert agent["messages"] == [] and agent["expects"] is None
    assert agent["dialog_end"] == {
        "kind": "transfer",
        "trans_type": "1",
        "route": "700",
        "data": "bank-hotline",
    }
    assert agent["state"] == "SUCCEED" and agent["job_finish_reason"] == "NORMAL"
    ended = job_state(project, room_id, started.job_id)
    assert ended.state == "SUCCEED" and ended.job_finish_reason == "NORMAL"
    user.refused({"text": "hello?"}, 409, "MSS.47010012")

    # The dialog ran under the project's tenant, with the job's client_id as the caller.
    # With two workers each one writes its own turns' records, so the release may be on
    # record before an earlier turn is: wait for the whole call, not just its end.
    # The account number is kept masked (OIAP_RECORD_MASK): its length and last two digits.
    expected = ["1", "******78", "I lost my credit card", "hangup"]

    def whole_call(body: dict[str, Any]) -> bool:
        said = [b["userSaying"] for b in body.get("beans", [])]
        return all(text in said for text in expected)

    records = bank.history_until("13900000088", whole_call)
    assert records["callId"] == started.job_id
    said = [b["userSaying"] for b in records["beans"]]
    assert [text for text in said if text in expected] == expected  # in the order said
    assert records["beans"][-1]["type"] == "RELEASE"  # the transfer was hung up here


def test_a_spoken_goodbye_ends_the_job(bank: BankProject) -> None:
    project = bank.project
    room_id = new_room(project.client(), "goodbye-room", 1)
    user = EndUser.of(start(project, room_id, bank.robot("goodbye-chat")))
    user.open()
    assert texts(user.say("9")) == ["In a few words, how can I help you today?"]
    bye = user.say("that's all, goodbye")
    assert len(bye["messages"]) == 1 and "Goodbye" in bye["messages"][0]["text"]
    assert bye["dialog_end"] == {"kind": "release", "reason": "0"}
    assert bye["state"] == "SUCCEED"
    # The unit is free again: the dialog's single unit takes a new job at once.
    again = start(project, room_id, bank.robot("goodbye-again"))
    assert again.job_id != user.job_id


def test_typed_words_are_never_taken_for_call_events(bank: BankProject) -> None:
    # On the OIAP wire "hangup" or "timeout" as input are events of the IVR; a chat user who
    # types them has said a word, and the dialog goes on (ending is the "hangup" flag).
    project = bank.project
    room_id = new_room(project.client(), "words-room", 1)
    user = EndUser.of(start(project, room_id, bank.robot("words-chat")))
    user.open()
    user.say("9")
    answer = user.say("playover")  # a word the bot does not understand: asked again
    assert texts(answer)[0].startswith("Sorry, I didn't catch that.")
    assert answer["dialog_end"] is None and answer["expects"] == "text"
    # Typed, "hangup" is understood as the goodbye intent: the bot says goodbye, then ends.
    bye = user.say("hangup")
    assert len(bye["messages"]) == 1 and "Goodbye" in bye["messages"][0]["text"]
    assert bye["dialog_end"] == {"kind": "release", "reason": "0"}


def test_the_first_turn_may_carry_text_and_an_empty_turn_repeats(bank: BankProject) -> None:
    project = bank.project
    room_id = new_room(project.client(), "eager-room", 1)
    user = EndUser.of(start(project, room_id, bank.robot("eager-chat")))
    first = user.say("1")  # opens the dialog, then answers the menu
    assert texts(first) == [
        "Welcome to Example Bank.",
        MENU,
        "Please type your account number.",
    ]
    assert user.open() == first  # nothing typed: the last reply again, the flow stays
    assert "balance" in texts(user.say("12345678"))[0]


def test_stopping_the_job_hangs_the_dialog_up(bank: BankProject) -> None:
    project = bank.project
    client = project.client()
    room_id = new_room(client, "stop-room", 1)
    started = start(project, room_id, bank.robot("stop-chat"), client_id="13900000099")
    user = EndUser.of(started)
    user.open()
    client.stop_smart_chat_job(sdk.StopSmartChatJobRequest(room_id=room_id, job_id=user.job_id))
    user.refused({"text": "1"}, 409, "MSS.47010012")
    records = bank.history_until(
        "13900000099", lambda b: b.get("beans") and b["beans"][-1]["type"] == "RELEASE"
    )
    assert records["callId"] == user.job_id
    assert records["beans"][-1]["type"] == "RELEASE"


def test_the_end_user_may_hang_up(bank: BankProject) -> None:
    project = bank.project
    room_id = new_room(project.client(), "hangup-room", 1)
    user = EndUser.of(start(project, room_id, bank.robot("hangup-chat")))
    user.open()
    done = user.send({"hangup": True})
    assert done["dialog_end"] == {"kind": "release", "reason": "0"}
    assert job_state(project, room_id, user.job_id).job_finish_reason == "NORMAL"


def test_who_may_chat_and_what_a_turn_may_carry(bank: BankProject, project: Project) -> None:
    owner = bank.project
    room_id = new_room(owner.client(), "auth-room", 2)
    robot_id = bank.robot("auth-chat")
    user = EndUser.of(start(owner, room_id, robot_id))
    other = EndUser.of(start(owner, room_id, robot_id))
    path = user.address.removeprefix(owner.url + f"/v1/{owner.project_id}")

    assert_error(httpx.post(user.address, json={}, timeout=10), 401, "APIGW.0301")
    assert_error(user.post({}, **{"X-Chat-Token": "forged"}), 401, "APIGW.0301", "chat token")
    assert_error(user.post({}, **{"X-Chat-Token": other.token}), 401, "APIGW.0301")
    # The project itself may speak for its end user (AK/SK), another project may not.
    by_owner = owner.call("POST", path, b'{"text": "1"}')
    assert by_owner.status_code == 200, by_owner.text
    assert texts(by_owner.json())[-1].startswith("Please type your account number")
    foreign = project.signed("POST", f"/v1/{owner.project_id}{path}", b"{}")
    assert_error(httpx.Client().send(foreign), 400, "MSS.00010009")

    user.refused({"text": ""}, 400, "MSS.00000003", "text")
    user.refused({"text": "x" * 1025}, 400, "MSS.00000003", "text")
    user.refused({"text": 1}, 400, "MSS.00000003", "text")
    user.refused({"hangup": "yes"}, 400, "MSS.00000003", "hangup")
    bad = httpx.post(user.address, content=b"{", headers={"X-Chat-Token": user.token}, timeout=10)
    assert_error(bad, 400, "MSS.10000002")
    unknown = owner.call("POST", path.replace(user.job_id, "0" * 32), b"{}")
    assert_error(unknown, 404, "MSS.20010074")
    # Bad turns changed nothing: the account number is still what the flow waits for.
    assert "balance" in texts(user.say("12345678"))[0]


def test_jobs_of_a_third_party_driving_application_have_no_chat_here(project: Project) -> None:
    # Language-model jobs (type 6) chat: test_model_chat.py.
    client = project.client()
    robot_id = new_robot(client, "type-5", 5)
    room_id = new_room(client, "room-5", 1)
    user = EndUser.of(start(project, room_id, robot_id))
    user.refused({"text": "hello"}, 400, "MSS.47015010")
