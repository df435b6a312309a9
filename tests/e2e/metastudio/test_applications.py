"""Applications that can answer here: a third-party language model (type 6) reached over
HTTP, checked against a real OpenAI-compatible server on loopback, and the platform's own
flows behind an OIAP access code (type 30)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import harness
import pytest
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from metastudio_client import Project, assert_error, new_project, new_robot, new_room, sdk

KEY = "sk-test-key"
EXAMPLE = str(harness.REPO / "examples" / "bank-hotline")


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeModel:
    """An OpenAI-compatible chat-completions server with a few ways to misbehave."""

    url: str
    seen: list[Seen] = field(default_factory=list)


def _handler(model: FakeModel) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = json.loads(raw) if raw else None
            model.seen.append(Seen(self.path, dict(self.headers.items()), body))
            if self.path == "/broken/v1/chat/completions":
                self._reply(500, b'{"error": {"message": "boom"}}', "application/json")
            elif self.path == "/text/v1/chat/completions":
                self._reply(200, b"<html>hello</html>", "text/html")
            elif self.path == "/odd/v1/chat/completions":
                self._reply(200, b'{"ok": true}', "application/json")
            elif self.path != "/v1/chat/completions":
                self._reply(404, b'{"error": {"message": "no such route"}}', "application/json")
            elif self.headers.get("Authorization") != f"Bearer {KEY}":
                self._reply(401, b'{"error": {"message": "bad key"}}', "application/json")
            else:
                answer = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": 1700000000,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": "pong"},
                            "finish_reason": "length",
                        }
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                self._reply(200, json.dumps(answer).encode(), "application/json")

    return Handler


@pytest.fixture(scope="module")
def fake_model() -> Iterator[FakeModel]:
    model = FakeModel("")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(model))
    model.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield model
    httpd.shutdown()
    httpd.server_close()


def _llm_config(url: str, key: str = KEY, **extra: Any) -> Any:
    return sdk.ThirdPartyModelConfig(app_id="tiny-model", app_key=key, llm_url=url, **extra)


def _validate(client: Any, app_type: int, **configs: Any) -> Any:
    return client.validate_robot(
        sdk.ValidateRobotRequest(body=sdk.ValidateRobotReq(app_type=app_type, **configs))
    )


def test_validate_calls_the_model_once(project: Project, fake_model: FakeModel) -> None:
    client = project.client()
    before = len(fake_model.seen)
    url = fake_model.url + "/v1/chat/completions"
    reply = _validate(client, 6, third_party_model_config=_llm_config(url))
    assert reply.x_request_id
    assert len(fake_model.seen) == before + 1
    seen = fake_model.seen[-1]
    assert seen.headers["Authorization"] == f"Bearer {KEY}"
    assert seen.body["model"] == "tiny-model"
    assert seen.body["messages"][0]["role"] == "user"
    assert seen.body["stream"] is False


@pytest.mark.parametrize(
    ("where", "key"),
    [
        ("/broken/v1/chat/completions", KEY),
        ("/v1/chat/completions", "wrong-key"),
        ("/v1/no/such/path", KEY),
        ("/text/v1/chat/completions", KEY),
        ("/odd/v1/chat/completions", KEY),
    ],
)
def test_validate_reports_a_misbehaving_model(
    project: Project, fake_model: FakeModel, where: str, key: str
) -> None:
    # One answer whatever went wrong: validate must not tell a tenant what listens where.
    with pytest.raises(ClientRequestException) as err:
        _validate(
            project.client(), 6, third_party_model_config=_llm_config(fake_model.url + where, key)
        )
    assert err.value.status_code == 400
    assert err.value.error_code == "MSS.47010134"
    assert "unreachable" in err.value.error_msg


def test_validate_reports_an_unreachable_model(project: Project) -> None:
    nobody = f"http://127.0.0.1:{harness.free_port()}/v1/chat/completions"
    with pytest.raises(ClientRequestException) as err:
        _validate(project.client(), 6, third_party_model_config=_llm_config(nobody))
    assert err.value.error_code == "MSS.47010134"
    assert "unreachable" in err.value.error_msg


def test_validate_checks_the_config_before_calling(project: Project) -> None:
    base = "/digital-human-chat/robot/validate"
    for body, code in [
        ({"app_type": 6}, "MSS.47010130"),
        ({"app_type": 6, "third_party_model_config": {"app_id": "m"}}, "MSS.47010131"),
        ({"app_type": 6, "third_party_model_config": {"llm_url": "ftp://host/x"}}, "MSS.47010134"),
        ({"app_type": 6, "third_party_model_config": {"llm_url": "http://"}}, "MSS.47010134"),
    ]:
        assert_error(project.call("POST", base, json.dumps(body).encode()), 400, code)
    for body, name in [
        ({}, "app_type"),
        ({"app_type": 33}, "app_type"),
        ({"app_type": 6, "third_party_model_config": {"chat_rounds": 11}}, "chat_rounds"),
        ({"app_type": 0, "iflytek_aiui_config": {"app_id": "a", "app_key": "k"}}, "api_secret"),
        ({"app_type": 1, "huawei_ei_cbs": {"region": 0}}, "app_id"),
        ({"app_type": 8, "mobvoi_config": {"app_key": "k", "app_secret": "s"}}, "role_id"),
    ]:
        reply = project.call("POST", base, json.dumps(body).encode())
        assert_error(reply, 400, "MSS.00000003", name)
    # Vendors that cannot run here are still checked for completeness, and pass.
    aiui = sdk.IflytekAiuiConfig(app_id="a", app_key="k", api_secret="s", is_production=False)
    assert _validate(project.client(), 0, iflytek_aiui_config=aiui).x_request_id


def test_language_model_application_starts_jobs_and_keeps_secrets(
    project: Project, fake_model: FakeModel
) -> None:
    client = project.client()
    config = _llm_config(
        fake_model.url + "/v1/chat/completions",
        is_stream=True,
        chat_rounds=3,
        asr_type="MOBVOI",
        asr_account="asr-user",
        asr_secret="asr-very-secret",
    )
    robot_id = new_robot(
        client, "llm", 6, third_party_model_config=config, robot_type="CHAT", language="CN"
    )
    shown = project.call("GET", f"/digital-human-chat/robot/{robot_id}")
    info = shown.json()
    assert info["llm_url"] == fake_model.url + "/v1/chat/completions"
    assert (info["app_id"], info["app_key"], info["chat_rounds"]) == ("tiny-model", KEY, 3)
    assert info["asr_account"] == "asr-user"
    assert "asr-very-secret" not in shown.text
    room_id = new_room(client, "llm-room", 1, robot_id=robot_id)
    started = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert started.job_id and started.chat_access_address


@pytest.fixture(scope="module")
def oiap_project(server: tuple[harness.Server, dict[str, str]]) -> Project:
    """A project of a tenant whose bank-hotline bot binds access codes 4001 and 4002."""
    running, env = server
    tenant = harness.cli_json("tenant", "create", "Bank with avatar", env=env)
    harness.run_cli("bot", "push", EXAMPLE, "--tenant", tenant["tenantId"], env=env)
    created = harness.cli_json(
        "project", "create", "avatar-bank", "--tenant", tenant["tenantId"], env=env
    )
    return Project(running.url, created["project_id"], created["ak"], created["sk"], env)


def test_access_code_application(oiap_project: Project) -> None:
    client = oiap_project.client()
    # The SDK's models have no member for it; a plain dict body carries ``oiap_config``.
    body = {"name": "hotline", "app_type": 30, "oiap_config": {"access_code": "4002"}}
    robot_id = client.create_robot(sdk.CreateRobotRequest(body=body)).robot_id
    shown = oiap_project.call("GET", f"/digital-human-chat/robot/{robot_id}").json()
    assert shown["app_type"] == 30 and shown["app_id"] == "4002"
    assert shown["oiap_config"] == {"access_code": "4002"}
    assert client.validate_robot(
        sdk.ValidateRobotRequest(body={"app_type": 30, "oiap_config": {"access_code": "4001"}})
    ).x_request_id
    reply = oiap_project.call(
        "POST",
        "/digital-human-chat/robot/validate",
        b'{"app_type": 30, "oiap_config": {"access_code": "9999"}}',
    )
    assert_error(reply, 400, "MSS.00000003", "9999")
    missing = oiap_project.call(
        "POST", "/digital-human-chat/robot", b'{"name": "no-code", "app_type": 30}'
    )
    assert_error(missing, 400, "MSS.00000003", "oiap_config.access_code")

    room_id = new_room(client, "hotline-room", 1, robot_id=robot_id)
    started = client.start_smart_chat_job(
        sdk.StartSmartChatJobRequest(room_id=room_id, robot_id=robot_id)
    )
    assert started.job_id
    stale = client.create_robot(
        sdk.CreateRobotRequest(
            body={"name": "stale", "app_type": 30, "oiap_config": {"access_code": "9999"}}
        )
    ).robot_id
    other_room = new_room(client, "stale-room", 1)
    with pytest.raises(ClientRequestException) as err:
        client.start_smart_chat_job(
            sdk.StartSmartChatJobRequest(room_id=other_room, robot_id=stale)
        )
    assert err.value.error_code == "MSS.47010037"
    assert "9999" in err.value.error_msg


def test_access_codes_of_another_tenant_do_not_count(
    oiap_project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    stranger = new_project(oiap_project.url, server[1], "stranger")
    reply = stranger.call(
        "POST",
        "/digital-human-chat/robot/validate",
        b'{"app_type": 30, "oiap_config": {"access_code": "4001"}}',
    )
    assert_error(reply, 400, "MSS.00000003", "4001")
