"""A configuration database that goes away: requests that need it are answered 503 in their
wire family's envelope (never a 500, never a traceback), and work again when it returns."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import harness
import httpx
import pytest
from record_traffic import Hotline, post_turn, start_hotline
from record_traffic import outage as database_outage

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hotline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hotline]:
    harness.require("postgresql")
    tmp = tmp_path_factory.mktemp("database-outage")
    with harness.scratch_postgres() as database:
        line = start_hotline(tmp, database, "memory")
        try:
            yield line
        finally:
            line.server.stop()


def first_turn(line: Hotline, userid: str) -> dict[str, Any] | None:
    params = {
        "call_id": userid,
        "call_sor_id": "13800000000",
        "call_dst_id": "4001",
        "auth_token": line.token,
    }
    return post_turn(line, {"userid": userid, "inaction": 8, "inparams": params})


def test_requests_needing_the_database_are_answered_503_while_it_is_away(
    hotline: Hotline,
) -> None:
    log_before = hotline.server.log.stat().st_size if hotline.server.log else 0
    with database_outage(hotline.database):
        # This worker has never looked up access code 4001: the call needs the database.
        answer = first_turn(hotline, "outage-call")
        assert answer is not None
        assert answer["status"] == 503, answer
        assert answer["ret"] == 10000001
        assert answer["userid"] == "outage-call"
        assert "database" in answer["errorMsg"]

        token = httpx.post(
            hotline.url + "/oifde/rest/api/gettoken",
            json={"appKey": hotline.app_key, "appSecret": hotline.app_secret},
            timeout=30,
        )
        assert token.status_code == 503, token.text
        assert token.json()["errorCode"] == 10000001

        flows = httpx.get(
            hotline.url + "/oiap/v1/flows",
            headers={"Authorization": f"Bearer {hotline.token}"},
            timeout=30,
        )
        assert flows.status_code == 503, flows.text

    assert hotline.server.log is not None
    with hotline.server.log.open("rb") as log:
        log.seek(log_before)
        assert b"Traceback" not in log.read()

    # Back: the same call starts, and a token is issued again.
    answer = first_turn(hotline, "outage-call")
    assert answer is not None and answer["ret"] == 0, answer
    hotline.renew_token()


def test_a_live_call_keeps_going_on_its_worker_while_the_database_is_away(
    hotline: Hotline,
) -> None:
    """Bindings and flows already read are kept per worker: calls in progress, and new calls
    to an access code this worker knows, need no database."""
    started = first_turn(hotline, "known-code")
    assert started is not None and started["ret"] == 0
    with database_outage(hotline.database):
        again = first_turn(hotline, "known-code-second-call")
        assert again is not None and again["ret"] == 0, again
