"""Malformed, oversized and mistyped requests get the catalogue's answer, never a 500,
and change nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import harness
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GETTOKEN = "/oifde/rest/api/gettoken"
DOMAINS = "/oifde/rest/api/querydomaininfo"
LIMIT = 1024 * 1024


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[harness.Server, dict[str, str]]]:
    tmp: Path = tmp_path_factory.mktemp("bad-input")
    env = harness.oiap_env(database_url=f"sqlite:///{tmp / 'oiap.db'}", lockout_threshold=3)
    with harness.Server(env, log=tmp / "server.log") as running:
        yield running, env


@pytest.fixture(scope="module")
def tenant(server: tuple[harness.Server, dict[str, str]]) -> dict[str, str]:
    created: dict[str, str] = harness.cli_json("tenant", "create", "Bad Input Ltd", env=server[1])
    return created


def post_raw(
    server: harness.Server, path: str, content: bytes, content_type: str
) -> httpx.Response:
    return httpx.post(
        server.url + path, content=content, headers={"Content-Type": content_type}, timeout=30
    )


def assert_parameter_error(reply: httpx.Response, field: str | None = None) -> None:
    assert reply.status_code == 400, reply.text
    body = reply.json()
    assert body["errorCode"] == 10000002
    if field:
        assert field in body["errorMsg"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'"text"', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b'{"appKey": "a", "appSecret": "b"}', "text/plain"),
        (b"appKey=a&appSecret=b", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_bodies_answer_10000002(
    server: tuple[harness.Server, dict[str, str]], content: bytes, content_type: str
) -> None:
    assert_parameter_error(post_raw(server[0], GETTOKEN, content, content_type))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"appSecret": "x"}, "appKey"),
        ({"appKey": "demo"}, "appSecret"),
        ({"appKey": 42, "appSecret": "x"}, "appKey"),
        ({"appKey": "demo", "appSecret": ["x"]}, "appSecret"),
        ({"appKey": "", "appSecret": "x"}, "appKey"),
        ({"appKey": "a" * 65, "appSecret": "x"}, "appKey"),
    ],
)
def test_missing_or_mistyped_fields_are_named(
    server: tuple[harness.Server, dict[str, str]], body: dict[str, Any], field: str
) -> None:
    assert_parameter_error(httpx.post(server[0].url + GETTOKEN, json=body), field)


def test_domain_query_checks_language(
    server: tuple[harness.Server, dict[str, str]], tenant: dict[str, str]
) -> None:
    token = httpx.post(
        server[0].url + GETTOKEN,
        json={"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]},
    ).json()["authToken"]
    reply = httpx.post(
        server[0].url + DOMAINS,
        json={"tenantId": tenant["tenantId"], "language": "xx_XX", "authToken": token},
    )
    assert_parameter_error(reply, "language")
    blank = httpx.post(
        server[0].url + DOMAINS,
        json={"tenantId": tenant["tenantId"], "language": "", "authToken": token},
    )
    assert blank.status_code == 200


def test_body_over_the_limit_answers_413(server: tuple[harness.Server, dict[str, str]]) -> None:
    big = json.dumps({"appKey": "a", "appSecret": "x" * (LIMIT + 10)}).encode()
    reply = post_raw(server[0], GETTOKEN, big, "application/json")
    assert reply.status_code == 413
    assert reply.json()["errorCode"] == 10000002


def test_chunked_body_over_the_limit_answers_413(
    server: tuple[harness.Server, dict[str, str]],
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"appKey": "a", "appSecret": "'
        for _ in range(40):
            yield b"x" * 65536
        yield b'"}'

    reply = httpx.post(
        server[0].url + GETTOKEN,
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 413
    assert reply.json()["errorCode"] == 10000002


def test_malformed_requests_do_not_count_towards_lockout(
    server: tuple[harness.Server, dict[str, str]], tenant: dict[str, str]
) -> None:
    for _ in range(5):
        bad = httpx.post(
            server[0].url + GETTOKEN, json={"appKey": tenant["appKey"], "appSecret": 1}
        )
        assert bad.status_code == 400
    good = httpx.post(
        server[0].url + GETTOKEN,
        json={"appKey": tenant["appKey"], "appSecret": tenant["appSecret"]},
    )
    assert good.json()["errorCode"] == 0


def test_unknown_path_and_method_answer_json(server: tuple[harness.Server, dict[str, str]]) -> None:
    missing = httpx.post(server[0].url + "/oifde/rest/api/nothing-here", json={})
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == 10000003
    wrong_method = httpx.get(server[0].url + GETTOKEN)
    assert wrong_method.status_code == 405
    assert "errorCode" in wrong_method.json()


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.dictionaries(
        st.sampled_from(["appKey", "appSecret", "tenantId", "authToken", "language", "x"]),
        json_values,
    )
)
def test_random_json_never_gets_a_server_error(
    server: tuple[harness.Server, dict[str, str]], body: dict[str, Any]
) -> None:
    for path in (GETTOKEN, DOMAINS):
        reply = httpx.post(server[0].url + path, json=body, timeout=10)
        assert reply.status_code < 500, reply.text
        assert "errorCode" in reply.json()
