"""What a dialog reserves, how a job ends, and the job-state filter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from oiap.domain.jobs import FinishReason, Job, JobState, mute_expired, parse_states
from oiap.domain.rooms import Room, allocated_concurrency, merged, totals

T0 = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


def _room(**document: Any) -> Room:
    return Room("r", "p", "name", T0, T0, {"room_name": "name", **document})


def test_capacity_follows_the_billing_mode() -> None:
    assert _room(concurrency=2).capacity == 2
    assert _room(concurrency=2, billing_mode="CLIENT", client_nums=5).capacity == 5
    assert _room(billing_mode="CLIENT_TOKENS", client_nums=3).capacity == 3
    assert _room().capacity == 0


def test_only_concurrency_billing_may_borrow_from_the_pool() -> None:
    assert _room(reuse_resource=True).may_borrow
    assert not _room(reuse_resource=True, billing_mode="CLIENT").may_borrow
    assert not _room().may_borrow


def test_totals_and_allocation() -> None:
    rooms = [
        _room(concurrency=2),
        _room(concurrency=3, billing_mode="CLIENT", client_nums=7),
        _room(billing_mode="CLIENT_TOKENS", client_nums=4),
    ]
    assert allocated_concurrency(rooms) == 2
    found = totals(1, rooms)
    assert (found.count, found.count_concurrency) == (1, 2)
    assert (found.count_client_nums, found.count_client_nums_token) == (7, 4)


def test_update_merges() -> None:
    assert merged({"room_name": "a", "concurrency": 2}, {"room_name": "b"}) == {
        "room_name": "b",
        "concurrency": 2,
    }


def test_mute_threshold_is_minutes_and_zero_is_never() -> None:
    assert not mute_expired(T0, 0, T0 + timedelta(days=30))
    assert not mute_expired(T0, 5, T0 + timedelta(minutes=5) - timedelta(seconds=1))
    assert mute_expired(T0, 5, T0 + timedelta(minutes=5))


def test_a_job_ends_once_with_a_reason() -> None:
    job = Job("j", "p", "r", "robot", JobState.PROCESSING, T0, T0, "unit", start_time=T0)
    assert job.live and job.duration(T0 + timedelta(seconds=90)) == 90
    done = job.finished(T0 + timedelta(minutes=2), FinishReason.MUTE_TIMEOUT)
    assert not done.live and done.state is JobState.SUCCEED
    assert done.duration(T0 + timedelta(days=1)) == 120
    failed = job.failed(T0, "MSS.20010076", "lease lost")
    assert failed.state is JobState.FAILED and failed.error_code == "MSS.20010076"


def test_state_filter() -> None:
    assert parse_states("PROCESSING, WAITING") == [JobState.PROCESSING, JobState.WAITING]
    assert parse_states("CREATING,PUBLISHED") is None
    assert parse_states(",") == []
