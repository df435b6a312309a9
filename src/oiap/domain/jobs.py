"""Dialog jobs: one live conversation of a dialog with one end user (spec §6)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class JobState(StrEnum):
    WAITING = "WAITING"
    PROCESSING = "PROCESSING"
    SUCCEED = "SUCCEED"
    FAILED = "FAILED"
    CANCELED = "CANCELED"
    HEARTBEAT = "HEARTBEAT"
    IDLE = "IDLE"
    DELETING = "DELETING"


LIVE_STATES = frozenset({JobState.WAITING, JobState.PROCESSING})


class FinishReason(StrEnum):
    NORMAL = "NORMAL"
    MUTE_TIMEOUT = "MUTE_TIMEOUT"


@dataclass(frozen=True)
class Job:
    job_id: str
    project_id: str
    room_id: str
    robot_id: str | None
    state: JobState
    create_time: datetime
    lastupdate_time: datetime
    lease_key: str
    """The quota unit the job holds while it lives (a session-store key)."""
    start_time: datetime | None = None
    end_time: datetime | None = None
    finish_reason: FinishReason | None = None
    error_code: str | None = None
    error_msg: str | None = None
    client_id: str | None = None
    extend_param: str | None = None

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    def duration(self, now: datetime) -> float:
        if self.start_time is None:
            return 0.0
        return max(0.0, ((self.end_time or now) - self.start_time).total_seconds())

    def finished(self, now: datetime, reason: FinishReason) -> Job:
        return replace(
            self, state=JobState.SUCCEED, end_time=now, lastupdate_time=now, finish_reason=reason
        )

    def failed(self, now: datetime, code: str, message: str) -> Job:
        return replace(
            self,
            state=JobState.FAILED,
            end_time=now,
            lastupdate_time=now,
            error_code=code,
            error_msg=message,
        )


def mute_expired(last_activity: datetime, threshold_minutes: int, now: datetime) -> bool:
    """A job silent for ``threshold_minutes`` ends; 0 means it never does."""
    if threshold_minutes <= 0:
        return False
    return now - last_activity >= timedelta(minutes=threshold_minutes)


def parse_states(value: str) -> list[JobState] | None:
    """The comma-separated ``state`` filter; None when a name is not a job state."""
    states = []
    for part in value.split(","):
        name = part.strip()
        if not name:
            continue
        if name not in JobState.__members__:
            return None
        states.append(JobState(name))
    return states
