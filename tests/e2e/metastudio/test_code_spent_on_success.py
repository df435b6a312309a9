"""The hosted page's codes: a one-time code is spent only by a job start that succeeds, and
input that no code looks like (the access code 4001, say) is told so without counting
towards the lock-out."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from metastudio_client import Project, assert_error, new_robot, new_room, sdk


def redeem(project: Project, **body: Any) -> httpx.Response:
    """What the page sends: no AK/SK, the code is the credential."""
    url = f"{project.url}/v1/{project.project_id}/digital-human-chat/web-client/jobs"
    return httpx.post(url, json=body, timeout=30)


def once_code(project: Project) -> str:
    reply = project.call("POST", "/digital-human-chat/once-code")
    assert reply.status_code == 200, reply.text
    code: str = reply.json()["once_code"]
    return code


def model_robot(project: Project, name: str) -> str:
    # A language-model application starts without reaching its model.
    config = sdk.ThirdPartyModelConfig(app_id="m", llm_url="http://127.0.0.1:9/v1/chat")
    return new_robot(project.client(), name, 6, third_party_model_config=config)


def jobs_of(project: Project, room_id: str) -> str:
    return f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"


def test_a_refused_start_leaves_the_one_time_code_good(project: Project) -> None:
    robot_id = model_robot(project, "kiosk-app")
    room_id = new_room(project.client(), "one-unit", 1)
    taken = project.call("POST", jobs_of(project, room_id), query={"robot_id": robot_id})
    assert taken.status_code == 200, taken.text
    code = once_code(project)
    # The dialog is full: refused as many times as the visitor retries, never locked out.
    for _ in range(7):
        full = redeem(project, robot_id=robot_id, room_id=room_id, once_code=code)
        assert_error(full, 400, "MSS.20010135", "in use")
    stopped = project.call("POST", f"{jobs_of(project, room_id)}/{taken.json()['job_id']}/stop")
    assert stopped.status_code == 200, stopped.text
    started = redeem(project, robot_id=robot_id, room_id=room_id, once_code=code)
    assert started.status_code == 200, started.text
    # ... and that success spent it.
    spent = redeem(project, robot_id=robot_id, room_id=room_id, once_code=code)
    assert_error(spent, 404, "MSS.47010046")


def test_two_starts_with_one_code_never_both_succeed(project: Project) -> None:
    robot_id = model_robot(project, "race-app")
    room_id = new_room(project.client(), "roomy", 8)
    code = once_code(project)
    with ThreadPoolExecutor(8) as pool:
        replies = list(
            pool.map(
                lambda _: redeem(project, robot_id=robot_id, room_id=room_id, once_code=code),
                range(8),
            )
        )
    assert [r.status_code for r in replies].count(200) == 1, [r.text for r in replies]
    for reply in replies:
        if reply.status_code != 200:
            # used already / held by the start still running / locked by the used-code tries
            assert reply.json()["error_code"] in ("MSS.47010046", "MSS.47010004", "MSS.47010047")
    listed = project.call("GET", jobs_of(project, room_id))
    assert listed.json()["count"] == 1


def test_what_is_plainly_not_a_code_is_told_and_not_counted(project: Project) -> None:
    client = project.client()
    robot_id = model_robot(project, "words-app")
    room_id = new_room(client, "words-room", 4)
    made = client.create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room_id, valid_period=1)
        )
    )
    # Far more than the five wrong codes that lock an address out.
    for typed in ["4001", "4002", "ABC0EF", "HELLO1", "ABCDEFG"] * 2:
        slip = redeem(project, robot_id=robot_id, active_code=typed)
        assert_error(slip, 400, "MSS.00000003", "is not an activation code")
        assert "access code such as 4001" in slip.json()["error_msg"]
    for typed in ["4001", "0123456789abcdef", "zzzzzzzzzzzz"] * 3:
        slip = redeem(project, robot_id=robot_id, room_id=room_id, once_code=typed)
        assert_error(slip, 400, "MSS.00000003", "is not a one-time code")
    opened = redeem(project, robot_id=robot_id, active_code=made.active_code)
    assert opened.status_code == 200, opened.text
    fresh = once_code(project)
    assert redeem(project, robot_id=robot_id, room_id=room_id, once_code=fresh).status_code == 200
    # A code of the right form that does not exist is still a guess, and counts.
    for _ in range(4):
        guess = redeem(project, robot_id=robot_id, active_code="ZZZZZZ")
        assert_error(guess, 404, "MSS.47010043")
    assert_error(redeem(project, robot_id=robot_id, active_code="ZZZZZZ"), 403, "MSS.47010044")


def test_the_page_asks_for_an_activation_code(project: Project) -> None:
    page = httpx.get(project.url + "/icswebclient", timeout=10).text
    assert "Enter the activation code you were given." in page
    assert 'aria-label="Activation code"' in page
    assert "access code you were given" not in page
