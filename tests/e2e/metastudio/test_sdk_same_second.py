"""Identical calls within one second, as Huawei's SDK makes them (issue 13 items 9-11).

The SDK signs with a one-second ``X-Sdk-Date`` and no nonce, so the same call made twice in a
second carries the same signature. Huawei's gateway accepts that (it only checks the
15-minute skew window), and so does the server: concurrent starts meet the dialog's units,
not a replay refusal. Driven through the official SDK and through resent raw HTTP requests
(byte for byte the same signature), on every storage and session-store pairing.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException, SdkException
from huaweicloudsdkcore.retry.backoff_strategy import BackoffStrategies
from metastudio_client import (
    Project,
    assert_error,
    new_project,
    new_robot,
    new_room,
    sdk,
    send,
)


def _jobs_path(project: Project, room_id: str) -> str:
    return f"/v1/{project.project_id}/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"


def _state(project: Project, room_id: str, job_id: str) -> Any:
    return project.client().show_smart_chat_job(
        sdk.ShowSmartChatJobRequest(room_id=room_id, job_id=job_id)
    )


def _at_once(count: int, call: Any) -> list[Any]:
    """``call()`` from ``count`` threads released together; what each returned or raised."""
    gate = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(index: int) -> None:
        gate.wait()
        try:
            outcomes[index] = call()
        except Exception as exc:  # the outcome under test, kept for the assertions
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_three_identical_sdk_starts_at_once_on_two_units(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "kiosk-app")
    room_id = new_room(client, "two-units", concurrency=2)
    clients = iter([project.client() for _ in range(3)])
    request = sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    lock = threading.Lock()

    def start() -> Any:
        with lock:
            own = next(clients)
        return own.start_smart_chat_job(request)

    outcomes = _at_once(3, start)
    started = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(started) == 2, outcomes
    assert len({s.job_id for s in started}) == 2
    assert len(refused) == 1
    assert isinstance(refused[0], ClientRequestException), refused
    assert refused[0].status_code == 400
    assert refused[0].error_code == "MSS.20010135"
    for job in started:
        assert _state(project, room_id, job.job_id).state == "PROCESSING"


def test_one_signed_start_sent_three_times_at_once(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "kiosk-app")
    room_id = new_room(client, "two-units", concurrency=2)
    # One signed request, sent three times: the signatures are identical byte for byte.
    request = project.signed(
        "POST", _jobs_path(project, room_id), b"{}", query={"robot_id": robot_id}
    )
    outcomes = _at_once(3, lambda: send(request))
    assert sorted(r.status_code for r in outcomes) == [200, 200, 400], [r.text for r in outcomes]
    refused = next(r for r in outcomes if r.status_code == 400)
    assert_error(refused, 400, "MSS.20010135")
    assert len({r.json()["job_id"] for r in outcomes if r.status_code == 200}) == 2


def test_start_stop_start_within_a_second_and_a_stop_retried(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "kiosk-app")
    room_id = new_room(client, "one-unit", concurrency=1)
    start = project.signed(
        "POST", _jobs_path(project, room_id), b"{}", query={"robot_id": robot_id}
    )
    first = send(start)
    assert first.status_code == 200, first.text
    job_id = first.json()["job_id"]
    stop = project.signed("POST", f"{_jobs_path(project, room_id)}/{job_id}/stop", b"{}")
    assert send(stop).status_code == 200
    # The same signed start again: the stop freed the only unit.
    second = send(start)
    assert second.status_code == 200, second.text
    assert second.json()["job_id"] != job_id
    # A stop retried (the client did not see the first answer) is answered the same.
    retried = send(stop)
    assert retried.status_code == 200, retried.text
    assert retried.json() == {}
    assert _state(project, room_id, job_id).state == "SUCCEED"
    assert _state(project, room_id, second.json()["job_id"]).state == "PROCESSING"

    # Through the SDK: stop twice in a row, then start again at once.
    stop_sdk = sdk.StopSmartChatJobRequest(room_id=room_id, job_id=second.json()["job_id"])
    client.stop_smart_chat_job(stop_sdk)
    client.stop_smart_chat_job(stop_sdk)
    third = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert _state(project, room_id, third.job_id).state == "PROCESSING"


def test_the_sdks_own_retry_helper(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "kiosk-app")
    room_id = new_room(client, "one-unit", concurrency=1)
    job = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    seen: list[SdkException | None] = []

    def again(response: object, error: SdkException | None) -> bool:
        seen.append(error)
        return len(seen) < 3  # three identical stops, with no pause between them

    stop = sdk.StopSmartChatJobRequest(room_id=room_id, job_id=job.job_id)
    client.stop_smart_chat_job_invoker(stop).with_retry(again, 3, BackoffStrategies.NONE).invoke()
    assert seen == [None, None, None]
    assert _state(project, room_id, job.job_id).state == "SUCCEED"


def test_forty_once_codes_in_a_plain_loop(project: Project) -> None:
    client = project.client()
    codes = [client.create_once_code(sdk.CreateOnceCodeRequest()).once_code for _ in range(40)]
    assert len(set(codes)) == 40


def test_a_signature_older_than_the_skew_window_is_still_refused(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    stale = send(project.signed("GET", path, date=datetime.now(UTC) - timedelta(minutes=16)))
    assert_error(stale, 401, "APIGW.0301", "15 min")
    # Within the window a signature is good however often it is sent.
    recent = project.signed(
        "POST",
        f"/v1/{project.project_id}/digital-human-chat/once-code",
        date=datetime.now(UTC) - timedelta(minutes=14),
    )
    replies = [send(recent) for _ in range(3)]
    assert [r.status_code for r in replies] == [200, 200, 200], [r.text for r in replies]
    assert len({r.json()["once_code"] for r in replies}) == 3


def test_another_projects_id_in_the_path_answers_400(
    project: Project, server: tuple[Any, dict[str, str]]
) -> None:
    other = new_project(project.url, server[1], "other-" + project.project_id[:6])
    # The SDK of the other project, told our project's ID.
    nosy = Project(project.url, project.project_id, other.ak, other.sk, other.env).client()
    with pytest.raises(ClientRequestException) as err:
        nosy.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest())
    assert err.value.status_code == 400
    assert err.value.error_code == "MSS.00010009"
    raw = send(other.signed("POST", f"/v1/{project.project_id}/smart-chat-rooms", b"{}"))
    assert_error(raw, 400, "MSS.00010009")


@pytest.mark.parametrize(
    ("default_language", "language"), [("EN", "en_US"), ("CN", "zh_CN"), ("ESP", "ESP")]
)
def test_a_jobs_language_is_its_dialogs(
    project: Project, default_language: str, language: str
) -> None:
    client = project.client()
    robot_id = new_robot(client, "kiosk-app")
    room = sdk.CreateSmartChatRoomReq(
        room_name=f"room-{default_language}", concurrency=2, default_language=default_language
    )
    room_id = client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=room)).room_id
    started = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert str(started.language) == language
    assert started.default_language == default_language
    shown = _state(project, room_id, started.job_id)
    assert str(shown.language) == language
    listed = client.list_smart_chat_job(sdk.ListSmartChatJobRequest(room_id=room_id))
    assert listed.smart_chat_jobs[0].default_language == default_language
    # Raw JSON, as a client without the SDK reads it; the legacy start too.
    state = project.call(
        "GET",
        f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs/{started.job_id}/state",
    )
    assert state.json()["language"] == language
    client.update_smart_chat_room(
        sdk.UpdateSmartChatRoomRequest(
            room_id=room_id,
            body=sdk.CreateSmartChatRoomReq(
                room_name=f"room-{default_language}", robot_id=robot_id
            ),
        )
    )
    legacy = project.call("POST", f"/smart-chat-rooms/{room_id}/smart-chat-jobs", b"{}")
    assert legacy.status_code == 202, legacy.text
    assert legacy.json()["language"] == language


def test_an_english_page_job_reports_en_us(project: Project) -> None:
    """The hosted page's start (a one-time code) answers the same language."""
    client = project.client()
    robot_id = new_robot(
        client,
        "page-app",
        6,
        third_party_model_config=sdk.ThirdPartyModelConfig(
            app_id="m", llm_url="http://127.0.0.1:9/v1/chat"
        ),
    )
    room = sdk.CreateSmartChatRoomReq(room_name="page-room", concurrency=1, default_language="EN")
    room_id = client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=room)).room_id
    code = client.create_once_code(sdk.CreateOnceCodeRequest()).once_code
    reply = httpx.post(
        f"{project.url}/v1/{project.project_id}/digital-human-chat/web-client/jobs",
        json={"robot_id": robot_id, "room_id": room_id, "once_code": code},
        timeout=30,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["language"] == "en_US"
    assert reply.json()["default_language"] == "EN"
