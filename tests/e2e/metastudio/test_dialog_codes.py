"""Dialog URLs, one-time codes and activation codes (spec §7, §9), through Huawei's SDK
and, for what the SDK cannot send, raw signed HTTP."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import harness
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from metastudio_client import Project, assert_error, new_project, new_robot, new_room, sdk

from oiap.adapters.sessions import open_session_store
from oiap.services.dialog_codes import redeem_once_code


def _llm_robot(client: object, name: str) -> str:
    config = sdk.ThirdPartyModelConfig(app_id="m", llm_url="http://127.0.0.1:9/v1/chat")
    return new_robot(client, name, 6, third_party_model_config=config)


def _rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_dialog_url_through_the_sdk(project: Project) -> None:
    client = project.client()
    room_id = new_room(client, "web")
    robot_id = _llm_robot(client, "web-app")
    made = client.create_dialog_url(
        sdk.CreateDialogUrlRequest(body=sdk.CreateDialogUrlReq(room_id=room_id, robot_id=robot_id))
    )
    parts = urlsplit(made.url)
    assert f"{parts.scheme}://{parts.netloc}" == project.url
    assert parts.path == "/icswebclient"
    assert parse_qs(parts.query) == {
        "project_id": [project.project_id],
        "room_id": [room_id],
        "robot_id": [robot_id],
    }
    assert made.x_request_id


def test_dialog_url_refusals(project: Project) -> None:
    client = project.client()
    room_id = new_room(client, "web")
    robot_id = _llm_robot(client, "web-app")
    driver = new_robot(client, "driver", 5)
    url = "/digital-human-chat/create-dialog-url"

    def post(body: object) -> object:
        return project.call("POST", url, json.dumps(body).encode())

    assert_error(post({"robot_id": robot_id}), 400, "MSS.00000003", "room_id")
    assert_error(post({"room_id": room_id}), 400, "MSS.00000003", "robot_id")
    assert_error(post({"room_id": room_id, "robot_id": 7}), 400, "MSS.00000003", "robot_id")
    assert_error(post({"room_id": "r" * 65, "robot_id": robot_id}), 400, "MSS.00000003")
    assert_error(project.call("POST", url, b"{oops"), 400, "MSS.10000002")
    missing = "0" * 32
    assert_error(post({"room_id": missing, "robot_id": robot_id}), 404, "MSS.20010045")
    assert_error(post({"room_id": room_id, "robot_id": missing}), 404, "MSS.47010034")
    # Nobody answers an end user on the page of a third-party-driving application.
    assert_error(post({"room_id": room_id, "robot_id": driver}), 400, "MSS.47015010")


def test_once_codes_are_distinct_and_redeemed_once(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    client = project.client()
    # One code per end user (test_sdk_same_second mints them with identical requests).
    codes = {
        client.create_once_code(sdk.CreateOnceCodeRequest(x_app_user_id=f"user-{i}")).once_code
        for i in range(3)
    }
    assert len(codes) == 3 and all(len(c) == 12 for c in codes)
    store_url = server[1]["OIAP_SESSION_STORE"]
    if store_url == "memory":
        pytest.skip("the in-process store lives inside the server")

    async def redeem(code: str, project_id: str) -> bool:
        store = open_session_store(store_url)
        try:
            return await redeem_once_code(store, project_id, code)
        finally:
            await store.close()

    code = codes.pop()
    # The dialog runtime, on any worker sharing the store, accepts a code once.
    assert asyncio.run(redeem(code, project.project_id)) is True
    assert asyncio.run(redeem(code, project.project_id)) is False
    other = codes.pop()
    assert asyncio.run(redeem(other, "another-project")) is False
    # Another project's try neither opens nor spends the code.
    assert asyncio.run(redeem(other, project.project_id)) is True


def test_activation_codes_through_the_sdk(project: Project) -> None:
    client = project.client()
    room_id = new_room(client, "kiosk")
    robot_id = _llm_robot(client, "kiosk-app")
    other_robot = _llm_robot(client, "other-app")
    created = client.create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room_id, valid_period=30)
        )
    )
    assert (created.robot_id, created.room_id, created.valid_period) == (robot_id, room_id, 30)
    assert len(created.active_code) == 6
    assert _rfc3339(created.expire_time) - _rfc3339(created.create_time) == timedelta(days=30)
    forever = client.create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room_id, valid_period=0)
        )
    )
    assert forever.expire_time is None
    client.create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=other_robot, room_id=room_id, valid_period=1)
        )
    )

    listed = client.list_active_code(sdk.ListActiveCodeRequest(robot_id=robot_id))
    assert listed.count == 2 and (listed.offset, listed.limit) == (0, 10)
    assert {c.active_code_id for c in listed.data} == {
        created.active_code_id,
        forever.active_code_id,
    }
    page = client.list_active_code(sdk.ListActiveCodeRequest(robot_id=robot_id, offset=1, limit=1))
    assert page.count == 2 and len(page.data) == 1

    shown = client.show_active_code(
        sdk.ShowActiveCodeRequest(active_code_id=created.active_code_id)
    )
    assert shown.active_code == created.active_code

    updated = client.update_active_code(
        sdk.UpdateActiveCodeRequest(
            active_code_id=created.active_code_id, body=sdk.UpdateActiveCodeReq(valid_period=60)
        )
    )
    assert updated.valid_period == 60 and updated.active_code == created.active_code
    # The validity is still counted from the code's creation.
    assert _rfc3339(updated.expire_time) - _rfc3339(created.create_time) == timedelta(days=60)

    reset = client.reset_active_code(
        sdk.ResetActiveCodeRequest(
            active_code_id=created.active_code_id,
            body=sdk.ResetActiveCodeReq(clean_auth_credential=True),
        )
    )
    assert reset.active_code != created.active_code
    assert reset.active_code_id == created.active_code_id and reset.valid_period == 60
    shown = client.show_active_code(
        sdk.ShowActiveCodeRequest(active_code_id=created.active_code_id)
    )
    assert shown.active_code == reset.active_code

    client.delete_active_code(
        sdk.DeleteActiveCodeRequest(body=[created.active_code_id, "no-such-code"])
    )
    with pytest.raises(ClientRequestException) as err:
        client.show_active_code(sdk.ShowActiveCodeRequest(active_code_id=created.active_code_id))
    assert err.value.error_code == "MSS.47010043"
    assert client.list_active_code(sdk.ListActiveCodeRequest(robot_id=robot_id)).count == 1


def test_activation_code_refusals(project: Project) -> None:
    client = project.client()
    room_id = new_room(client, "kiosk")
    robot_id = _llm_robot(client, "kiosk-app")
    driver = new_robot(client, "driver", 5)
    base = "/digital-human-chat/active-code"

    def create(**body: object) -> object:
        full = {"robot_id": robot_id, "room_id": room_id, "valid_period": 7, **body}
        return project.call("POST", base, json.dumps(full).encode())

    for name, value in [
        ("valid_period", 65536),
        ("valid_period", -1),
        ("valid_period", "7"),
        ("valid_period", None),
        ("robot_id", ""),
        ("room_id", None),
    ]:
        assert_error(create(**{name: value}), 400, "MSS.00000003", name)
    assert create(valid_period=65535).status_code == 200
    assert_error(create(room_id="0" * 32), 404, "MSS.20010045")
    assert_error(create(robot_id="0" * 32), 404, "MSS.47010034")
    assert_error(create(robot_id=driver), 400, "MSS.47015010")

    assert_error(project.call("GET", base), 400, "MSS.00000003", "robot_id")
    for name, value in [("limit", "0"), ("limit", "101"), ("offset", "-1"), ("offset", "x")]:
        reply = project.call("GET", base, query={"robot_id": robot_id, name: value})
        assert_error(reply, 400, "MSS.00000003", name)
    assert_error(project.call("GET", base, query={"robot_id": "0" * 32}), 404, "MSS.47010034")

    code_id = create().json()["active_code_id"]
    one = f"{base}/{code_id}"
    for body in [{}, {"valid_period": 65536}, {"valid_period": True}]:
        reply = project.call("PUT", one, json.dumps(body).encode())
        assert_error(reply, 400, "MSS.00000003", "valid_period")
    reply = project.call("PUT", one + "/reset", b'{"clean_auth_credential": "yes"}')
    assert_error(reply, 400, "MSS.00000003", "clean_auth_credential")
    assert project.call("PUT", one + "/reset").status_code == 200  # the body is optional
    missing = f"{base}/{'0' * 32}"
    assert_error(project.call("GET", missing), 404, "MSS.47010043")
    assert_error(project.call("PUT", missing, b'{"valid_period": 1}'), 404, "MSS.47010043")
    assert_error(project.call("PUT", missing + "/reset", b"{}"), 404, "MSS.47010043")
    for body in [b"[]", b"{}", b"[1]", json.dumps(["x"] * 1001).encode()]:
        assert_error(project.call("POST", base + "/delete", body), 400, "MSS.00000003")
    assert_error(project.call("POST", base + "/delete", b"[nope"), 400, "MSS.10000002")


def test_codes_go_with_their_application_or_dialog(project: Project) -> None:
    client = project.client()
    room_id = new_room(client, "kiosk")
    other_room = new_room(client, "kiosk-2")
    robot_id = _llm_robot(client, "kiosk-app")

    def code(room: str) -> str:
        made = client.create_active_code(
            sdk.CreateActiveCodeRequest(
                body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room, valid_period=1)
            )
        )
        active_code_id: str = made.active_code_id
        return active_code_id

    gone, kept = code(room_id), code(other_room)
    client.delete_smart_chat_room(sdk.DeleteSmartChatRoomRequest(room_id=room_id))
    listed = client.list_active_code(sdk.ListActiveCodeRequest(robot_id=robot_id))
    assert [c.active_code_id for c in listed.data] == [kept]
    assert_error(
        project.call("GET", f"/digital-human-chat/active-code/{gone}"), 404, "MSS.47010043"
    )
    client.delete_robot(sdk.DeleteRobotRequest(body=[robot_id]))
    assert_error(
        project.call("GET", f"/digital-human-chat/active-code/{kept}"), 404, "MSS.47010043"
    )


def test_another_projects_codes_stay_invisible(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    client = project.client()
    room_id = new_room(client, "kiosk")
    robot_id = _llm_robot(client, "kiosk-app")
    made = client.create_active_code(
        sdk.CreateActiveCodeRequest(
            body=sdk.CreateActiveCodeReq(robot_id=robot_id, room_id=room_id, valid_period=1)
        )
    )
    other = new_project(project.url, server[1], "nosy-" + project.project_id[:6])
    one = f"/digital-human-chat/active-code/{made.active_code_id}"
    assert_error(other.call("GET", one), 404, "MSS.47010043")
    assert_error(other.call("PUT", one, b'{"valid_period": 9}'), 404, "MSS.47010043")
    listed = other.call("GET", "/digital-human-chat/active-code", query={"robot_id": robot_id})
    assert_error(listed, 404, "MSS.47010034")
    body = json.dumps({"room_id": room_id, "robot_id": robot_id}).encode()
    url = other.call("POST", "/digital-human-chat/create-dialog-url", body)
    assert_error(url, 404, "MSS.20010045")
    ids = json.dumps([made.active_code_id]).encode()
    assert other.call("POST", "/digital-human-chat/active-code/delete", ids).status_code == 200
    kept = client.show_active_code(sdk.ShowActiveCodeRequest(active_code_id=made.active_code_id))
    assert kept.valid_period == 1
