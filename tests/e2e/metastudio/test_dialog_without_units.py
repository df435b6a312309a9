"""A dialog created with only its name has no units (spec §5.1): reading it back says so
(null), and a job start, from the API or the hosted page, says how to give it some."""

from __future__ import annotations

import json

import httpx
from metastudio_client import Project, assert_error, new_robot, sdk


def test_a_dialog_without_concurrency_says_so_and_how_to_set_it(project: Project) -> None:
    config = sdk.ThirdPartyModelConfig(app_id="m", llm_url="http://127.0.0.1:9/v1/chat")
    robot_id = new_robot(project.client(), "bare-app", 6, third_party_model_config=config)
    created = project.call("POST", "/smart-chat-rooms", b'{"room_name": "bare"}')
    assert created.status_code == 200, created.text
    room_id = created.json()["room_id"]
    shown = project.call("GET", f"/smart-chat-rooms/{room_id}").json()
    assert "concurrency" in shown and shown["concurrency"] is None

    jobs = f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"
    refused = project.call("POST", jobs, query={"robot_id": robot_id})
    assert_error(refused, 400, "MSS.20010135", "no concurrency configured")
    told = refused.json()["error_msg"]
    assert f"PUT /v1/{project.project_id}/smart-chat-rooms/{room_id}" in told
    assert '"concurrency": 1' in told and "All 0 units" not in told

    # The hosted page shows the same answer to its visitor.
    code = project.call(
        "POST",
        "/digital-human-chat/active-code",
        json.dumps({"robot_id": robot_id, "room_id": room_id, "valid_period": 1}).encode(),
    ).json()["active_code"]
    page_start = httpx.post(
        f"{project.url}/v1/{project.project_id}/digital-human-chat/web-client/jobs",
        json={"robot_id": robot_id, "active_code": code},
        timeout=30,
    )
    assert_error(page_start, 400, "MSS.20010135", "no concurrency configured")

    # Doing what it says works.
    fix = json.dumps({"room_name": "bare", "concurrency": 1}).encode()
    assert project.call("PUT", f"/smart-chat-rooms/{room_id}", fix).status_code == 200
    assert project.call("GET", f"/smart-chat-rooms/{room_id}").json()["concurrency"] == 1
    started = project.call("POST", jobs, query={"robot_id": robot_id})
    assert started.status_code == 200, started.text


def test_client_billing_names_client_nums(project: Project) -> None:
    body = b'{"room_name": "terminals", "billing_mode": "CLIENT"}'
    room_id = project.call("POST", "/smart-chat-rooms", body).json()["room_id"]
    assert project.call("GET", f"/smart-chat-rooms/{room_id}").json()["client_nums"] is None
    config = sdk.ThirdPartyModelConfig(app_id="m", llm_url="http://127.0.0.1:9/v1/chat")
    robot_id = new_robot(project.client(), "terminal-app", 6, third_party_model_config=config)
    jobs = f"/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"
    refused = project.call("POST", jobs, query={"robot_id": robot_id})
    assert_error(refused, 400, "MSS.20010135", "no client_nums configured")
