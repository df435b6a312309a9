"""``OIAP_LOG_FORMAT=json`` on a real server: one JSON object a line, each request's line
found by the ``X-Request-Id`` its answer carried, with the route's template, the tenant, the
status and the latency; what a caller said only with ``OIAP_LOG_CALLER_INPUT=1``."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import harness
import httpx

PROCESS = "/oifde/rest/crs/process"
SAID = "my card number is 4111 1111 1111 1111"


def _lines(log: Path) -> list[dict[str, Any]]:
    text = log.read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        value = json.loads(line)  # every line, uvicorn's own included
        assert isinstance(value, dict), line
        parsed.append(value)
    return parsed


def _request_line(log: Path, request_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while True:
        found = [line for line in _lines(log) if line.get("requestId") == request_id]
        if found and any(line["logger"] == "oiap.request" for line in found):
            return next(line for line in found if line["logger"] == "oiap.request")
        assert time.monotonic() < deadline, f"no log line for request {request_id}"
        time.sleep(0.2)


def _turn(url: str, token: str) -> httpx.Response:
    body = {
        "userid": "no-such-call",
        "inaction": 9,
        "inparams": {
            "call_id": "no-such-call",
            "call_dst_id": "4001",
            "auth_token": token,
            "flow_result_type": "1",
            "input": SAID,
        },
    }
    reply = httpx.post(url + PROCESS, json=body, timeout=30)
    assert reply.status_code == 404, reply.text  # it reached the dialog: no such call
    return reply


def test_json_lines_name_each_request_without_its_secrets(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path}/oiap.db", log_format="json")
    tenant: dict[str, str] = harness.cli_json("tenant", "create", "Logs", env=env)
    with harness.Server(env, log=log) as srv:
        granted = httpx.post(
            srv.url + "/oifde/rest/api/gettoken",
            json={"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]},
            timeout=10,
        )
        assert granted.status_code == 200
        turn = _turn(srv.url, granted.json()["authToken"])
        flows = httpx.get(srv.url + "/oiap/v1/flows/hotline", timeout=10)
        rooms = httpx.get(srv.url + "/v1/proj-1/smart-chat-rooms", timeout=10)

        token_line = _request_line(log, granted.headers["x-request-id"])
        assert token_line["route"] == "/oifde/rest/api/gettoken"
        assert token_line["status"] == 200
        assert token_line["method"] == "POST"
        assert token_line["latencyMs"] >= 0

        turn_line = _request_line(log, turn.headers["x-request-id"])
        assert turn_line["route"] == PROCESS
        assert turn_line["status"] == turn.status_code
        assert turn_line["tenant"] == tenant["tenantId"]
        assert "callerInput" not in turn_line

        flows_line = _request_line(log, flows.headers["x-request-id"])
        assert flows_line["route"] == "/oiap/v1/flows/{code}"  # the template, not the path
        assert flows_line["status"] == 401

        # MetaStudio's envelope names its requests itself: one id, the same in the log.
        assert len(rooms.headers.get_list("x-request-id")) == 1
        rooms_line = _request_line(log, rooms.headers["x-request-id"])
        assert rooms_line["route"] == "/v1/{project_id}/smart-chat-rooms"
        assert rooms_line["status"] == rooms.status_code
    text = log.read_text()
    assert tenant["appSecret"] not in text
    assert granted.json()["authToken"] not in text
    assert "4111" not in text


def test_caller_input_is_logged_only_when_asked(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = harness.oiap_env(
        database_url=f"sqlite:///{tmp_path}/oiap.db", log_format="json", log_caller_input=1
    )
    tenant: dict[str, str] = harness.cli_json("tenant", "create", "Debug", env=env)
    with harness.Server(env, log=log) as srv:
        token = harness.token(srv.url, tenant["appKey"], tenant["appSecret"])
        turn = _turn(srv.url, token)
        line = _request_line(log, turn.headers["x-request-id"])
    assert line["callerInput"] == SAID


def test_plain_text_stays_the_default(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    env = harness.oiap_env(database_url=f"sqlite:///{tmp_path}/oiap.db")
    with harness.Server(env, log=log) as srv:
        reply = httpx.get(srv.url + "/healthz", timeout=10)
    assert len(reply.headers["x-request-id"]) == 32
    first = log.read_text().splitlines()[0]
    assert not first.startswith("{")
