"""MetaStudio smart chat driven through Huawei's own SDK and raw HTTP, on a real server."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import harness
import httpx
import pytest

from oiap.domain import signing

sdk = pytest.importorskip("huaweicloudsdkmetastudio.v1")
from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException  # noqa: E402


@dataclass
class Project:
    url: str
    project_id: str
    ak: str
    sk: str
    env: dict[str, str]

    def client(self) -> Any:
        creds = BasicCredentials(self.ak, self.sk, self.project_id)
        return (
            sdk.MetaStudioClient.new_builder()
            .with_credentials(creds)
            .with_endpoints([self.url])
            .build()
        )

    def signed(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        query: dict[str, str] | None = None,
        date: datetime | None = None,
        sk: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Request:
        host = urlsplit(self.url).netloc
        all_headers = {
            "Content-Type": "application/json",
            "Host": host,
            "X-Project-Id": self.project_id,
            "X-Sdk-Date": signing.format_sdk_date(date or datetime.now(UTC)),
            **(headers or {}),
        }
        pairs = list((query or {}).items())
        all_headers["Authorization"] = signing.sign(
            self.ak, sk or self.sk, method, path, pairs, all_headers, body
        )
        return httpx.Request(
            method, self.url + path, params=query, content=body, headers=all_headers
        )


def _send(request: httpx.Request) -> httpx.Response:
    with httpx.Client(timeout=10) as client:
        return client.send(request)


def _new_project(url: str, env: dict[str, str], name: str) -> Project:
    created = harness.cli_json("project", "create", name, env=env)
    return Project(url, created["project_id"], created["ak"], created["sk"], env)


@pytest.fixture(scope="module", params=["memory", "redis"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[harness.Server, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp(f"ms-{request.param}")
    store = harness.session_store(request.param)
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", session_store=store)
    workers = ["--workers", "2"] if request.param == "redis" else []
    with harness.Server(env, *workers, log=tmp / "server.log") as running:
        yield running, env


@pytest.fixture
def project(server: tuple[harness.Server, dict[str, str]]) -> Project:
    running, env = server
    return _new_project(
        running.url, env, "p-" + hashlib.sha1(str(datetime.now()).encode()).hexdigest()[:8]
    )


def _room_body(name: str, concurrency: int = 2, **extra: Any) -> Any:
    return sdk.CreateSmartChatRoomReq(
        room_name=name,
        concurrency=concurrency,
        default_language="CN",
        voice_config_list=[sdk.ChatVoiceConfig(voice_asset_id="v1", speed=100, language="CN")],
        exit_mute_threshold=60,
        **extra,
    )


def test_rooms_crud_and_list_through_the_sdk(project: Project) -> None:
    client = project.client()
    first = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=_room_body("front-desk", model_asset_id="avatar-yun"))
    )
    client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=_room_body("back-office", concurrency=3))
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


def _robot(client: Any, name: str, app_type: int = 5) -> str:
    created = client.create_robot(
        sdk.CreateRobotRequest(body=sdk.CreateRobotReq(name=name, app_type=app_type))
    )
    robot_id: str = created.robot_id
    return robot_id


def test_robots_and_jobs_through_the_sdk(project: Project) -> None:
    client = project.client()
    robot_id = _robot(client, "driver")
    shown = client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id))
    assert shown.app_type == 5
    assert client.list_robot(sdk.ListRobotRequest()).count == 1
    client.update_robot(
        sdk.UpdateRobotRequest(robot_id=robot_id, body=sdk.UpdateRobotReq(language="EN"))
    )
    assert client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id)).language == "EN"
    room_id = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=_room_body("jobs-room", concurrency=1))
    ).room_id
    started = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    # An identical POST signed in the same second would be a replay (docs/metastudio.md).
    time.sleep(1.1)
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
    time.sleep(1.1)
    again = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert again.job_id != started.job_id
    client.delete_robot(sdk.DeleteRobotRequest(body=[robot_id]))


def test_three_simultaneous_starts_with_concurrency_two(project: Project) -> None:
    client = project.client()
    robot_id = _robot(client, "race")
    room_id = client.create_smart_chat_room(
        sdk.CreateSmartChatRoomRequest(body=_room_body("race-room", concurrency=2))
    ).room_id
    path = f"/v1/{project.project_id}/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"

    def start(kiosk: int) -> httpx.Response:
        # Three kiosks: distinct bodies, so no request is a replay of another.
        extend = json.dumps({"client_id": f"kiosk-{kiosk}"})
        body = json.dumps({"extend_param": extend}).encode()
        return _send(project.signed("POST", path, body, query={"robot_id": robot_id}))

    with ThreadPoolExecutor(3) as pool:
        replies = list(pool.map(start, range(3)))
    codes = sorted(r.status_code for r in replies)
    assert codes == [200, 200, 400], [r.text for r in replies]
    refused = next(r for r in replies if r.status_code == 400)
    assert refused.json()["error_code"] == "MSS.20010135"


def test_bad_signature_skew_replay_and_other_project(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    assert _send(project.signed("GET", path)).status_code == 200
    ok = project.signed("POST", path, b'{"room_name": "replayed"}')
    assert _send(ok).status_code == 200
    replay = _send(ok)
    assert replay.status_code == 401
    assert replay.json()["error_code"] == "APIGW.0301"
    assert replay.json()["request_id"] == replay.headers["X-Request-Id"]
    bad = _send(project.signed("GET", path, sk="wrong-secret"))
    assert bad.status_code == 401
    skewed = _send(project.signed("GET", path, date=datetime.now(UTC) - timedelta(minutes=16)))
    assert skewed.status_code == 401
    assert _send(httpx.Request("GET", project.url + path)).status_code == 401
    other = _new_project(project.url, server[1], "other-" + project.project_id[:6])
    foreign = _send(other.signed("GET", path))
    assert foreign.status_code == 403
    assert foreign.json()["error_code"] == "MSS.00010009"


def test_parameters_and_bodies(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    for name, value in [("limit", "0"), ("limit", "101"), ("offset", "-1"), ("start_time", "x")]:
        reply = _send(project.signed("GET", path, query={name: value}))
        assert reply.status_code == 400
        assert reply.json()["error_code"] == "MSS.00000003"
        assert name in reply.json()["error_msg"]
    for body in [
        {"room_name": "r", "concurrency": 1025},
        {"room_name": "r", "exit_mute_threshold": 1441},
        {"room_name": "r", "billing_mode": "FREE"},
        {"room_name": "r", "voice_config_list": [{"speed": 201}]},
    ]:
        reply = _send(project.signed("POST", path, json.dumps(body).encode()))
        assert reply.status_code == 400, reply.text
        assert reply.json()["error_code"] == "MSS.00000003"
    broken = _send(project.signed("POST", path, b"{not json"))
    assert broken.status_code == 400
    assert broken.json()["error_code"] == "MSS.10000002"
    assert "X-Request-Id" in broken.headers


def test_body_over_12_mb_is_refused(project: Project) -> None:
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    reply = _send(project.signed("POST", path, b" " * (12 * 1024 * 1024 + 1)))
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
    body["auth"]["identity"]["password"]["user"]["password"] = "wrong"  # type: ignore[index]
    assert httpx.post(project.url + "/v3/auth/tokens", json=body, timeout=10).status_code == 401


def test_rotate_key_stops_the_old_pair(project: Project) -> None:
    rotated = harness.cli_json("project", "rotate-key", project.project_id, env=project.env)
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    assert _send(project.signed("GET", path)).status_code == 401
    fresh = Project(project.url, project.project_id, rotated["ak"], rotated["sk"], project.env)
    assert _send(fresh.signed("GET", path)).status_code == 200


def test_quota_limits_dialog_concurrency(project: Project) -> None:
    harness.run_cli("project", "set-quota", project.project_id, "3", env=project.env)
    client = project.client()
    client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=_room_body("q1", 2)))
    with pytest.raises(ClientRequestException) as err:
        client.create_smart_chat_room(sdk.CreateSmartChatRoomRequest(body=_room_body("q2", 2)))
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
        sdk.CreateSmartChatRoomRequest(body=_room_body("aiui-room", 1))
    ).room_id
    with pytest.raises(ClientRequestException) as err:
        client.start_smart_chat_job(
            sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
        )
    assert err.value.error_code == "MSS.47010124"
    info = client.show_robot(sdk.ShowRobotRequest(robot_id=robot_id))
    assert info.app_key == "k"
