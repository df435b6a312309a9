"""MetaStudio smart chat driven through Huawei's own SDK and raw HTTP, on a real server
(SQLite and PostgreSQL, one worker with the in-process store, two sharing Redis)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import harness
import httpx
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from metastudio_client import (
    Project,
    assert_error,
    new_project,
    new_robot,
    new_room,
    room_body,
    sdk,
    send,
)


def test_rooms_crud_and_list_through_the_sdk(project: Project) -> None:
    client = project.client()
    first = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body("front-desk", model_asset_id="avatar-yun"))
    )
    client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body("back-office", concurrency=3))
    )
    shown = client.show_smart_chat_room(sdk.ShowSmartChatRoomRequest(room_id=first.room_id))
    assert shown.room_name == "front-desk"
    assert shown.voice_config_list[0].volume == 140
    listed = client.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest(room_name="front"))
    assert listed.count == 1
    assert listed.count_concurrency == 5
    assert listed.smart_chat_rooms[0].model_infos.model_asset_id == "avatar-yun"
    page = client.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest(offset=1, limit=1))
    assert page.count == 2 and len(page.smart_chat_rooms) == 1
    updated = client.update_smart_chat_room(
        sdk.UpdateSmartChatRoomRequest(
            room_id=first.room_id,
            body=sdk.CreateSmartChatRoomReq(room_name="front-desk", concurrency=4),
        )
    )
    assert updated.concurrency == 4 and updated.exit_mute_threshold == 60
    client.delete_smart_chat_room(sdk.DeleteSmartChatRoomRequest(room_id=first.room_id))
    with pytest.raises(ClientRequestException) as err:
        client.show_smart_chat_room(sdk.ShowSmartChatRoomRequest(room_id=first.room_id))
    assert err.value.error_code == "MSS.20010045"


def test_robots_and_jobs_through_the_sdk(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "driver")
    shown = client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id))
    assert shown.app_type == 5
    assert client.list_robot(sdk.ListRobotRequest()).count == 1
    client.update_robot(
        sdk.UpdateRobotRequest(robot_id=robot_id, body=sdk.UpdateRobotReq(language="EN"))
    )
    assert client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id)).language == "EN"
    room_id = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body("jobs-room", concurrency=1))
    ).room_id
    started = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    # Identical to the first, likely signed in the same second: the units are what refuses it.
    with pytest.raises(ClientRequestException) as err:
        client.start_smart_chat_job(
            sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
        )
    assert err.value.error_code == "MSS.20010135"
    state = client.show_smart_chat_job(
        sdk.ShowSmartChatJobRequest(room_id=room_id, job_id=started.job_id)
    )
    assert state.state == "PROCESSING"
    client.stop_smart_chat_job(sdk.StopSmartChatJobRequest(room_id=room_id, job_id=started.job_id))
    listed = client.list_smart_chat_job(sdk.ListSmartChatJobRequest(room_id=room_id))
    assert listed.count == 1
    assert listed.smart_chat_jobs[0].state == "SUCCEED"
    assert listed.smart_chat_jobs[0].job_finish_reason == "NORMAL"
    assert listed.smart_chat_jobs[0].default_language == "CN"
    live = sdk.ListSmartChatJobRequest(room_id=room_id, state="PROCESSING,WAITING")
    assert client.list_smart_chat_job(live).count == 0
    jobs = f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"
    assert_error(project.call("GET", jobs, query={"state": "CREATING"}), 400, "MSS.00000003")
    assert_error(project.call("GET", jobs, query={"limit": "101"}), 400, "MSS.00000003", "limit")
    assert_error(project.call("GET", f"{jobs}/{'0' * 32}/state"), 404, "MSS.20010074")
    again = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert again.job_id != started.job_id
    client.delete_robot(sdk.DeleteRobotRequest(body=[robot_id]))


def test_three_simultaneous_starts_with_concurrency_two(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "race")
    room_id = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body("race-room", concurrency=2))
    ).room_id
    path = f"/v1/{project.project_id}/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"

    def start(kiosk: int) -> httpx.Response:
        # Three kiosks with a client ID each (test_sdk_same_second sends identical starts).
        extend = json.dumps({"client_id": f"kiosk-{kiosk}"})
        body = json.dumps({"extend_param": extend}).encode()
        return send(project.signed("POST", path, body, query={"robot_id": robot_id}))

    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(start, range(3)))
    codes = sorted(r.status_code for r in replies)
    assert codes == [200, 200, 400], [r.text for r in replies]
    refused = next(r for r in replies if r.status_code == 400)
    assert refused.json()["error_code"] == "MSS.20010135"


def test_bad_signature_skew_resent_and_other_project(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    assert send(project.signed("GET", path)).status_code == 200
    ok = project.signed("POST", path, b'{"room_name": "resent"}')
    assert send(ok).status_code == 200
    # The very same signed request again passes authentication, as at Huawei's gateway
    # (docs/metastudio.md); the dialog's name is what is refused now.
    resent = send(ok)
    assert_error(resent, 409, "MSS.20010148")
    bad = send(project.signed("GET", path, sk="wrong-secret"))
    assert bad.status_code == 401
    assert bad.json()["error_code"] == "APIGW.0301"
    assert bad.json()["request_id"] == bad.headers["X-Request-Id"]
    skewed = send(project.signed("GET", path, date=datetime.now(UTC) - timedelta(minutes=16)))
    assert skewed.status_code == 401
    assert send(httpx.Request("GET", project.url + path)).status_code == 401
    other = new_project(project.url, server[1], "other-" + project.project_id[:6])
    foreign = send(other.signed("GET", path))
    assert foreign.status_code == 400
    assert foreign.json()["error_code"] == "MSS.00010009"


def test_parameters_and_bodies(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    for name, value in [("limit", "0"), ("limit", "101"), ("offset", "-1"), ("start_time", "x")]:
        reply = send(project.signed("GET", path, query={name: value}))
        assert reply.status_code == 400
        assert reply.json()["error_code"] == "MSS.00000003"
        assert name in reply.json()["error_msg"]
    for body in [
        {"room_name": "r", "concurrency": 1025},
        {"room_name": "r", "exit_mute_threshold": 1441},
        {"room_name": "r", "billing_mode": "FREE"},
        {"room_name": "r", "voice_config_list": [{"speed": 201}]},
    ]:
        reply = send(project.signed("POST", path, json.dumps(body).encode()))
        assert reply.status_code == 400, reply.text
        assert reply.json()["error_code"] == "MSS.00000003"
    broken = send(project.signed("POST", path, b"{not json"))
    assert broken.status_code == 400
    assert broken.json()["error_code"] == "MSS.10000002"
    assert "X-Request-Id" in broken.headers


def test_body_over_12_mb_is_refused(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    reply = send(project.signed("POST", path, b" " * (12 * 1024 * 1024 + 1)))
    assert reply.status_code == 413
    assert reply.json()["error_code"] == "MSS.00000002"


def test_token_authentication(project: Project) -> None:
    body = {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": project.ak, "password": project.sk}},
            },
            "scope": {"project": {"id": project.project_id}},
        }
    }
    reply = httpx.post(project.url + "/v3/auth/tokens", json=body, timeout=10)
    assert reply.status_code == 201, reply.text
    token = reply.headers["X-Subject-Token"]
    listed = httpx.get(
        f"{project.url}/v1/{project.project_id}/smart-chat-rooms",
        headers={"X-Auth-Token": token},
        timeout=10,
    )
    assert listed.status_code == 200
    assert "X-Request-Id" in listed.headers
    issued = reply.json()["token"]
    lifetime = datetime.fromisoformat(issued["expires_at"].replace("Z", "+00:00"))
    lifetime -= datetime.fromisoformat(issued["issued_at"].replace("Z", "+00:00"))
    assert lifetime == timedelta(hours=24)
    assert issued["project"]["id"] == project.project_id
    # The token speaks for its own project only.
    foreign = httpx.get(
        f"{project.url}/v1/0123456789abcdef0123456789abcdef/smart-chat-rooms",
        headers={"X-Auth-Token": token},
        timeout=10,
    )
    assert_error(foreign, 400, "MSS.00010009")
    bogus = httpx.get(
        f"{project.url}/v1/{project.project_id}/smart-chat-rooms",
        headers={"X-Auth-Token": token + "x"},
        timeout=10,
    )
    assert bogus.status_code == 401 and bogus.json()["error_code"] == "APIGW.0301"
    body["auth"]["identity"]["password"]["user"]["password"] = "wrong"  # type: ignore[index]
    assert httpx.post(project.url + "/v3/auth/tokens", json=body, timeout=10).status_code == 401


def test_rotate_key_stops_the_old_pair(project: Project) -> None:
    rotated = harness.cli_json("project", "rotate-key", project.project_id, env=project.env)
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    assert send(project.signed("GET", path)).status_code == 401
    fresh = Project(project.url, project.project_id, rotated["ak"], rotated["sk"], project.env)
    assert send(fresh.signed("GET", path)).status_code == 200


def test_quota_limits_dialog_concurrency(project: Project) -> None:
    harness.run_cli("project", "set-quota", project.project_id, "3", env=project.env)
    client = project.client()
    client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=room_body("q1", 2)))
    with pytest.raises(ClientRequestException) as err:
        client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=room_body("q2", 2)))
    assert err.value.error_code == "MSS.20010139"


def test_unsupported_robot_type_is_refused_at_start(project: Project) -> None:
    client = project.client()
    robot_id = client.create_robot(
        sdk.CreateRobotRequest(
            body=sdk.CreateRobotReq(
                name="aiui",
                app_type=0,
                iflytek_aiui_config=sdk.IflytekAiuiConfig(app_id="a", app_key="k", api_secret="s"),
            )
        )
    ).robot_id
    room_id = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=room_body("aiui-room", 1))
    ).room_id
    with pytest.raises(ClientRequestException) as err:
        client.start_smart_chat_job(
            sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
        )
    assert err.value.error_code == "MSS.47010124"
    info = client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id))
    assert info.app_key == "k"
    jobs = f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"
    for app_type, config, code in [
        (1, {"huawei_ei_cbs": {"app_id": "cbs"}}, "MSS.47010037"),
        (2, {"iflytek_spark": {"app_id": "a", "app_key": "k", "api_secret": "s"}}, "MSS.47010125"),
        (7, {"wise_brain_config": {"role_id": "r"}}, "MSS.47010037"),
        (8, {"mobvoi_config": {"app_key": "k", "app_secret": "s", "role_id": "r"}}, "MSS.47010127"),
    ]:
        made = project.call(
            "POST",
            "/digital-human-chat/robot",
            json.dumps({"name": f"vendor-{app_type}", "app_type": app_type, **config}).encode(),
        )
        assert made.status_code == 200, made.text
        vendor = made.json()["robot_id"]
        assert_error(project.call("POST", jobs, query={"robot_id": vendor}), 400, code)


def test_legacy_start_answers_202_with_the_dialogs_own_application(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "legacy-driver")
    room_id = new_room(client, "legacy-room", 1, robot_id=robot_id, chat_video_type="MOBILE")
    path = f"/smart-chat-rooms/{room_id}/smart-chat-jobs"
    body = {"region": "cn-southwest-2", "client_id": "kiosk-07", "room_type": "RTC"}
    started = project.call("POST", path, json.dumps(body).encode())
    assert started.status_code == 202, started.text
    assert started.headers["X-Request-Id"]
    job = started.json()
    assert job["region"] == "cn-southwest-2"
    assert job["chat_video_type"] == "MOBILE" and job["is_transparent"] is False
    assert {"rtc_room_info", "video_config", "voice_config_list"} <= job.keys()
    state = client.show_smart_chat_job(
        sdk.ShowSmartChatJobRequest(room_id=room_id, job_id=job["job_id"])
    )
    assert state.state == "PROCESSING" and state.client_id == "kiosk-07"
    # The legacy start takes a unit like the current one.
    assert_error(project.call("POST", path, b'{"client_id": "kiosk-08"}'), 400, "MSS.20010135")
    client.stop_smart_chat_job(sdk.StopSmartChatJobRequest(room_id=room_id, job_id=job["job_id"]))
    # No body at all is a legacy start too.
    again = project.call("POST", path)
    assert again.status_code == 202, again.text


def test_legacy_start_refusals(project: Project) -> None:
    client = project.client()
    unbound = new_room(client, "no-app", 1)
    path = f"/smart-chat-rooms/{unbound}/smart-chat-jobs"
    assert_error(project.call("POST", path, b"{}"), 400, "MSS.47010037", "No application")
    for body, name in [
        ({"region": "eu-west-0"}, "region"),
        ({"room_type": "SIP"}, "room_type"),
        ({"client_id": 7}, "client_id"),
        ({"client_id": "x" * 257}, "client_id"),
    ]:
        reply = project.call("POST", path, json.dumps(body).encode())
        assert_error(reply, 400, "MSS.00000003", name)
    assert_error(project.call("POST", path, b"[1]"), 400, "MSS.10000002")
    missing = f"/smart-chat-rooms/{'0' * 32}/smart-chat-jobs"
    assert_error(project.call("POST", missing, b"{}"), 404, "MSS.20010045")


def test_list_filters_and_totals(project: Project) -> None:
    client = project.client()
    robot_id = new_robot(client, "filters")
    started_room = new_room(client, "lobby-a", 1, model_asset_id="avatar-yun")
    new_room(
        client, "lobby-b", 0, model_asset_id="avatar-mei", billing_mode="CLIENT", client_nums=7
    )
    new_room(client, "hall", 0, billing_mode="CLIENT_TOKENS", client_nums=5)
    before = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=started_room, robot_id=robot_id)
    )
    after = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)

    def listed(**query: Any) -> Any:
        return client.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest(**query))

    every = listed()
    assert every.count == 3
    assert (every.count_concurrency, every.count_client_nums, every.count_client_nums_token) == (
        1,
        7,
        5,
    )
    assert [r.room_name for r in listed(model_name="yun").smart_chat_rooms] == ["lobby-a"]
    assert {r.room_name for r in listed(room_name="lobby").smart_chat_rooms} == {
        "lobby-a",
        "lobby-b",
    }
    assert listed(room_name="LOBBY_%").count == 0
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    window = listed(start_time=before.strftime(stamp), end_time=after.strftime(stamp))
    assert [r.room_id for r in window.smart_chat_rooms] == [started_room]
    assert window.count_concurrency == 1  # totals cover every dialog, filters or not
    assert listed(end_time=before.strftime(stamp)).count == 0
    assert listed(limit=1).count == 3 and len(listed(limit=1).smart_chat_rooms) == 1


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("client_nums", 1025),
        ("client_nums", -1),
        ("concurrency", -1),
        ("concurrency", "5"),
        ("exit_mute_threshold", -1),
        ("default_language", "fr"),
        ("billing_mode", "concurrency"),
        ("chat_video_type", "TV"),
        ("voice_config_list", [{"pitch": 49}]),
        ("voice_config_list", [{"volume": 241}]),
        ("voice_config_list", [{"volume": 89}]),
        ("voice_config_list", [{"provider": "ACME"}]),
        ("video_config", {"bitrate": 39, "width": 1080, "height": 1920}),
        ("video_config", {"bitrate": 4000, "width": 3841, "height": 1920}),
        ("background_config", {"background_type": "SKY"}),
        (
            "layer_config",
            [{"layer_type": "HUMAN", "position": {"dx": 0, "dy": 0, "layer_index": 0}}],
        ),
        ("chat_subtitle_config", {"dx": 1921}),
        ("chat_resource_config", [{"count_resource": 10001}]),
        ("room_name", ""),
        ("room_name", "x" * 257),
    ],
)
def test_out_of_range_dialog_members_are_named(project: Project, member: str, value: Any) -> None:
    body = {"room_name": "r", member: value}
    reply = project.call("POST", "/smart-chat-rooms", json.dumps(body).encode())
    assert_error(reply, 400, "MSS.00000003", member)


def test_nul_characters_are_refused_not_stored(project: Project) -> None:
    """PostgreSQL cannot store U+0000: every way in answers 400, never 500."""
    reply = project.call("POST", "/smart-chat-rooms", b'{"room_name": "a\\u0000b"}')
    assert_error(reply, 400, "MSS.00000003", "room_name")
    reply = project.call("GET", "/smart-chat-rooms", query={"room_name": "a\x00"})
    assert_error(reply, 400, "MSS.00000003", "room_name")
    reply = project.call("GET", "/smart-chat-rooms/a%00b")
    assert_error(reply, 400, "MSS.00000003", "room_id")
    reply = project.call("POST", "/digital-human-chat/robot/delete", b'["\\u0000"]')
    assert_error(reply, 400, "MSS.00000003")


def test_another_projects_resources_stay_invisible(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    client = project.client()
    room_id = new_room(client, "private")
    robot_id = new_robot(client, "private-app")
    other = new_project(project.url, server[1], "nosy-" + project.project_id[:6])
    nosy = other.client()
    assert nosy.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest()).count == 0
    assert nosy.list_robot(sdk.ListRobotRequest()).count == 0
    assert_error(other.call("GET", f"/smart-chat-rooms/{room_id}"), 404, "MSS.20010045")
    assert_error(other.call("DELETE", f"/smart-chat-rooms/{room_id}"), 404, "MSS.20010045")
    assert_error(other.call("GET", f"/digital-human-chat/robot/{robot_id}"), 404, "MSS.47010034")
    jobs = f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"
    reply = other.call("POST", jobs, b"{}", query={"robot_id": robot_id})
    assert_error(reply, 404, "MSS.20010045")
    # Their own path with our project's ID is refused before anything is looked up.
    foreign = send(other.signed("GET", f"/v1/{project.project_id}/smart-chat-rooms/{room_id}"))
    assert_error(foreign, 400, "MSS.00010009")
    assert client.show_smart_chat_room(sdk.ShowSmartChatRoomRequest(room_id=room_id)).room_name


def test_dates_from_the_future_and_unsigned_headers(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    early = send(project.signed("GET", path, date=datetime.now(UTC) + timedelta(minutes=16)))
    assert early.status_code == 401 and early.json()["error_code"] == "APIGW.0301"
    within = send(project.signed("GET", path, date=datetime.now(UTC) + timedelta(minutes=14)))
    assert within.status_code == 200
    # A header that was signed and then changed breaks the signature.
    tampered = project.signed("GET", path)
    tampered.headers["X-Project-Id"] = "someone-else"
    assert send(tampered).status_code == 401


def test_cli_project_create_and_list(server: tuple[harness.Server, dict[str, str]]) -> None:
    running, env = server
    made = new_project(running.url, env, "cli-made", cli=True)
    client = made.client()
    assert client.list_smart_chat_rooms(sdk.ListSmartChatRoomsRequest()).count == 0
    listed = harness.cli_json("project", "list", env=env)
    mine = next(p for p in listed if p["project_id"] == made.project_id)
    assert mine["ak"] == made.ak
    assert made.sk not in json.dumps(listed)


def test_reuse_resource_borrows_from_the_project_pool(project: Project) -> None:
    harness.run_cli("project", "set-quota", project.project_id, "3", env=project.env)
    client = project.client()
    robot_id = new_robot(client, "pool")
    # The dialogs reserve 1 + 1 of 3: one unit stays in the project's unallocated pool.
    borrower = new_room(client, "borrower", 1, reuse_resource=True)
    new_room(client, "other", 1)
    path = f"/digital-human-chat/smart-chat-rooms/{borrower}/smart-chat-jobs"

    def start(kiosk: str) -> httpx.Response:
        body = json.dumps({"extend_param": json.dumps({"client_id": kiosk})}).encode()
        return project.call("POST", path, body, query={"robot_id": robot_id})

    first, second = start("k1"), start("k2")
    assert first.status_code == 200 and second.status_code == 200, second.text
    assert_error(start("k3"), 400, "MSS.20010135")
    # The pooled unit comes back when its job stops.
    client.stop_smart_chat_job(
        sdk.StopSmartChatJobRequest(room_id=borrower, job_id=second.json()["job_id"])
    )
    assert start("k4").status_code == 200
