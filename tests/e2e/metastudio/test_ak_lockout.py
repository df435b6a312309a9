"""More than five wrong AK/SK signatures in a row lock the AK (spec §12 item 15), on every
worker at once when they share Redis."""

from __future__ import annotations

import harness
import httpx
from metastudio_client import Project, new_project, send

LOCKED = "locked"


def rooms(project: Project, sk: str | None = None) -> dict[str, object]:
    reply = send(project.signed("GET", f"/v1/{project.project_id}/smart-chat-rooms", sk=sk))
    body: dict[str, object] = reply.json()
    body["status"] = reply.status_code
    return body


def token(project: Project, password: str) -> tuple[int, str]:
    user = {"name": project.ak, "password": password}
    body = {
        "auth": {
            "identity": {"methods": ["password"], "password": {"user": user}},
            "scope": {"project": {"id": project.project_id}},
        }
    }
    reply = httpx.post(project.url + "/v3/auth/tokens", json=body, timeout=10)
    return reply.status_code, reply.headers.get("X-Subject-Token", "") or reply.text


def test_five_failures_are_forgiven_by_a_success(project: Project) -> None:
    for _ in range(5):
        failed = rooms(project, sk="wrong")
        assert failed["status"] == 401 and failed["error_code"] == "APIGW.0301"
        assert LOCKED not in str(failed["error_msg"])
    assert rooms(project)["status"] == 200  # the count starts again
    for _ in range(5):
        assert LOCKED not in str(rooms(project, sk="wrong")["error_msg"])
    assert rooms(project)["status"] == 200


def test_the_sixth_failure_in_a_row_locks_the_ak(
    project: Project, server: tuple[harness.Server, dict[str, str]]
) -> None:
    status, issued = token(project, project.sk)
    assert status == 201
    for _ in range(5):
        assert LOCKED not in str(rooms(project, sk="wrong")["error_msg"])
    sixth = rooms(project, sk="wrong")
    assert sixth["status"] == 401 and sixth["error_code"] == "APIGW.0301"
    assert LOCKED in str(sixth["error_msg"]) and "Try again in " in str(sixth["error_msg"])
    # Locked even with the right secret, for signatures and for new tokens alike.
    for _ in range(3):  # with Redis, requests reach both workers
        right = rooms(project)
        assert right["status"] == 401 and LOCKED in str(right["error_msg"])
    status, text = token(project, project.sk)
    assert status == 401 and LOCKED in text
    # A token issued before the lock still works; other projects' AKs are not locked.
    path = f"/v1/{project.project_id}/smart-chat-rooms"
    kept = httpx.get(project.url + path, headers={"X-Auth-Token": issued}, timeout=10)
    assert kept.status_code == 200
    other = new_project(project.url, server[1], "other-" + project.project_id[:6])
    assert rooms(other)["status"] == 200


def test_wrong_token_passwords_count_too(project: Project) -> None:
    for _ in range(5):
        status, text = token(project, "wrong")
        assert status == 401 and LOCKED not in text
    status, text = token(project, "wrong")
    assert status == 401 and LOCKED in text
    assert rooms(project)["status"] == 401
