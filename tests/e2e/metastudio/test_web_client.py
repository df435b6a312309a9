"""The hosted dialog page: served as one self-contained file; an end user's activation code
or one-time code starts a job and opens its chat; wrong codes are refused, then locked out."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from chat_support import BankProject, EndUser, texts
from metastudio_client import Project, assert_error, new_robot, new_room, sdk

from oiap.adapters.sql.database import Database
from oiap.adapters.sql.repositories import SqlStorage


def redeem(project: Project, **body: Any) -> httpx.Response:
    """What the page sends: no AK/SK, the code is the credential."""
    url = f"{project.url}/v1/{project.project_id}/digital-human-chat/web-client/jobs"
    return httpx.post(url, json=body, timeout=30)


def active_code(project: Project, room_id: str, robot_id: str, days: int = 30) -> Any:
    return project.client().create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room_id, valid_period=days)
        )
    )


def once_code(project: Project, user: str) -> str:
    # A distinct X-App-UserId per code, as a customer mints one per end user.
    reply = project.call("POST", "/digital-human-chat/once-code", headers={"X-App-UserId": user})
    assert reply.status_code == 200, reply.text
    code: str = reply.json()["once_code"]
    return code


def test_the_page_is_served_whole(bank: BankProject) -> None:
    project = bank.project
    client = project.client()
    robot_id = bank.robot("page-app")
    room_id = new_room(client, "page-room")
    made = client.create_dialog_url(
        sdk.CreateDialogUrlRequest(body=sdk.CreateDialogUrlReq(room_id=room_id, robot_id=robot_id))
    )
    reply = httpx.get(made.url, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert "connect-src 'self'" in reply.headers["content-security-policy"]
    page = reply.text
    assert '<input id="code"' in page and "/digital-human-chat/web-client/jobs" in page
    # Self-contained: no script, style sheet, image or font is fetched from anywhere.
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "http://" not in page and "https://" not in page and "@import" not in page
    assert robot_id not in page  # the page reads its own query string; nothing is echoed
    assert httpx.get(project.url + "/icswebclient", timeout=10).status_code == 200


def test_an_activation_code_opens_a_chat_with_the_bank(bank: BankProject) -> None:
    project = bank.project
    client = project.client()
    robot_id = bank.robot("code-app")
    room_id = new_room(client, "code-room", 2)
    code = active_code(project, room_id, robot_id)
    reply = redeem(project, robot_id=robot_id, active_code=f" {code.active_code.lower()} ")
    assert reply.status_code == 200, reply.text
    started = reply.json()
    assert started["room_id"] == room_id
    user = EndUser.of(started)
    assert urlsplit(user.address).netloc == urlsplit(project.url).netloc
    assert texts(user.open())[0] == "Welcome to Example Bank."
    user.say("1")
    assert texts(user.say("12345678"))[0].startswith("Your available balance")
    jobs = client.list_smart_chat_job(sdk.ListSmartChatJobRequest(room_id=room_id))
    assert [j.job_id for j in jobs.smart_chat_jobs] == [user.job_id]

    # A reset with clean_auth_credential cuts the page off; the old code opens nothing.
    client.reset_active_code(
        sdk.ResetActiveCodeRequest(
            active_code_id=code.active_code_id,
            body=sdk.ResetActiveCodeReq(clean_auth_credential=True),
        )
    )
    assert_error(user.post({"text": "hello"}), 401, "APIGW.0301")
    assert_error(
        redeem(project, robot_id=robot_id, active_code=code.active_code), 404, "MSS.47010043"
    )


def test_wrong_and_expired_activation_codes(bank: BankProject) -> None:
    project = bank.project
    robot_id = bank.robot("locked-app")
    room_id = new_room(project.client(), "locked-room", 2)
    code = active_code(project, room_id, robot_id, days=1)
    _expire(project, code.active_code_id)
    for _ in range(3):  # an expired code is a right code: it does not count towards a lock
        expired = redeem(project, robot_id=robot_id, active_code=code.active_code)
        assert_error(expired, 403, "MSS.47010045")
    good = active_code(project, room_id, robot_id)
    for attempt in range(2, 6):  # well-formed: what is plainly no code does not count
        wrong = redeem(project, robot_id=robot_id, active_code=f"WRANG{attempt}")
        assert_error(wrong, 404, "MSS.47010043")
    assert redeem(project, robot_id=robot_id, active_code=good.active_code).status_code == 200
    for _ in range(4):  # the success started the count again
        assert_error(redeem(project, robot_id=robot_id, active_code="NQPEXZ"), 404, "MSS.47010043")
    locking = redeem(project, robot_id=robot_id, active_code="NQPEXZ")
    assert_error(locking, 403, "MSS.47010044", "minutes")
    locked = redeem(project, robot_id=robot_id, active_code=good.active_code)
    assert_error(locked, 403, "MSS.47010044")
    # The lock is per application: another application's page still opens.
    other_robot = bank.robot("unlocked-app")
    other = active_code(project, room_id, other_robot)
    assert redeem(project, robot_id=other_robot, active_code=other.active_code).status_code == 200


def _expire(project: Project, active_code_id: str) -> None:
    """Back-date a code's creation in the server's own database (days cannot be waited)."""

    async def back_date() -> None:
        storage = SqlStorage(Database(project.env["OIAP_DATABASE_URL"]))
        try:
            async with storage.transaction() as repos:
                code = await repos.active_codes.get(project.project_id, active_code_id)
                assert code is not None
                older = code.create_time - timedelta(days=2)
                await repos.active_codes.save(replace(code, create_time=older))
        finally:
            await storage.close()

    asyncio.run(back_date())


def test_one_time_codes_are_used_once_then_locked_out(project: Project) -> None:
    client = project.client()
    config = sdk.ThirdPartyModelConfig(app_id="m", llm_url="http://127.0.0.1:9/v1/chat")
    robot_id = new_robot(client, "llm-page", 6, third_party_model_config=config)
    room_id = new_room(client, "once-room", 2)
    code = once_code(project, "first")
    used = redeem(project, robot_id=robot_id, room_id=room_id, once_code=code)
    assert used.status_code == 200, used.text
    assert used.json()["rtc_room_info"]["users"][0]["user_type"] == "END_USER"
    for _ in range(4):
        again = redeem(project, robot_id=robot_id, room_id=room_id, once_code=code)
        assert_error(again, 404, "MSS.47010046")
    locking = redeem(project, robot_id=robot_id, room_id=room_id, once_code="0" * 12)
    assert_error(locking, 403, "MSS.47010047")
    fresh = once_code(project, "second")
    locked = redeem(project, robot_id=robot_id, room_id=room_id, once_code=fresh)
    assert_error(locked, 403, "MSS.47010047")


def test_redemption_requests_a_page_could_get_wrong(bank: BankProject) -> None:
    project = bank.project
    client = project.client()
    robot_id = bank.robot("bad-requests-app")
    room_id = new_room(client, "bad-requests-room", 1)
    driver = new_robot(client, "driver", 5)
    assert_error(redeem(project, robot_id=robot_id), 400, "MSS.00000003", "active_code")
    both = redeem(project, robot_id=robot_id, active_code="AAAAAA", once_code="0" * 12)
    assert_error(both, 400, "MSS.00000003", "once_code")
    assert_error(redeem(project, active_code="AAAAAA"), 400, "MSS.00000003", "robot_id")
    no_room = redeem(project, robot_id=robot_id, once_code="0" * 12)
    assert_error(no_room, 400, "MSS.00000003", "room_id")
    driven = redeem(project, robot_id=driver, room_id=room_id, once_code="0" * 12)
    assert_error(driven, 400, "MSS.47015010")
    url = f"{project.url}/v1/{project.project_id}/digital-human-chat/web-client/jobs"
    assert_error(httpx.post(url, content=b"[", timeout=10), 400, "MSS.10000002")
    body = json.dumps({"robot_id": "r\u0000", "active_code": "AAAAAA"}).encode()
    assert_error(httpx.post(url, content=body, timeout=10), 400, "MSS.00000003", "robot_id")
    # None of it started a job.
    assert client.list_smart_chat_job(sdk.ListSmartChatJobRequest(room_id=room_id)).count == 0
