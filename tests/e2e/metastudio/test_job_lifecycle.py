"""Jobs and their quota units on the real stores (SQLite and PostgreSQL; the in-process
store and Redis), driven through the services with short leases and a chosen clock:
a dead worker's unit comes back, a kept job stays, silence ends a job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oiap.adapters.sessions import open_session_store
from oiap.adapters.sql.database import Database, upgrade_in_thread
from oiap.adapters.sql.repositories import SqlStorage
from oiap.domain.jobs import FinishReason, JobState
from oiap.domain.projects import Project
from oiap.domain.rooms import Room
from oiap.errors import MetaStudioError, MsErr
from oiap.services import jobs, projects, robots, rooms
from oiap.services.jobs import JobKeeper, JobPolicy
from oiap.services.ports import SessionStore

SHORT = JobPolicy(lease_seconds=0.6, renew_every=0.15)


@dataclass
class Setup:
    storage: SqlStorage
    sessions: SessionStore
    store_url: str
    project: Project
    robot_id: str

    async def room(self, concurrency: int = 1, **document: Any) -> Room:
        body = {"room_name": f"room-{concurrency}-{len(document)}", "concurrency": concurrency}
        return await rooms.create_room(self.storage, self.project, {**body, **document})

    async def start(self, room: Room, now: datetime | None = None, **kwargs: Any) -> Any:
        job, _ = await jobs.start_job(
            kwargs.pop("storage", self.storage),
            kwargs.pop("sessions", self.sessions),
            kwargs.pop("policy", SHORT),
            self.project,
            room.room_id,
            self.robot_id,
            now=now,
        )
        return job


@pytest.fixture
async def setup(database_url: str, session_store_url: str) -> AsyncIterator[Setup]:
    upgrade_in_thread(database_url)
    storage = SqlStorage(Database(database_url))
    sessions = open_session_store(session_store_url)
    keys, _ = await projects.create_project(storage, b"k" * 32, "leases")
    async with storage.reader() as repos:
        project = await repos.projects.get(keys.project_id)
    assert project is not None
    robot = await robots.create_robot(storage, project, {"name": "driver", "app_type": 5})
    yield Setup(storage, sessions, session_store_url, project, robot.robot_id)
    await sessions.close()
    await storage.close()


async def _refused(setup: Setup, room: Room) -> MsErr:
    with pytest.raises(MetaStudioError) as err:
        await setup.start(room)
    return err.value.error


async def test_a_dead_workers_unit_comes_back(setup: Setup) -> None:
    room = await setup.room(1)
    job = await setup.start(room)  # nobody renews it: its worker is gone
    assert await _refused(setup, room) is MsErr.CONCURRENCY_EXHAUSTED
    await asyncio.sleep(SHORT.lease_seconds + 0.3)
    again = await setup.start(room)
    assert again.job_id != job.job_id
    seen, _ = await jobs.show_job(
        setup.storage, setup.sessions, setup.project, room.room_id, job.job_id
    )
    assert seen.state is JobState.FAILED and seen.error_code == "MSS.20010076"


async def test_a_kept_job_holds_its_unit_until_stopped(setup: Setup) -> None:
    room = await setup.room(1)
    job = await setup.start(room)
    keeper = JobKeeper(setup.storage, setup.sessions, SHORT)
    keeper.hold(job, room)
    try:
        await asyncio.sleep(SHORT.lease_seconds * 3)
        assert await _refused(setup, room) is MsErr.CONCURRENCY_EXHAUSTED
        seen, _ = await jobs.show_job(
            setup.storage, setup.sessions, setup.project, room.room_id, job.job_id
        )
        assert seen.state is JobState.PROCESSING
        stopped = await jobs.stop_job(
            setup.storage, setup.sessions, setup.project, room.room_id, job.job_id
        )
        assert stopped.finish_reason is FinishReason.NORMAL
        # Stopping frees the unit at once, and the keeper does not take it back.
        await asyncio.sleep(SHORT.renew_every * 2)
        await setup.start(room)
    finally:
        await keeper.close()


async def test_silence_ends_a_job_and_frees_its_unit(setup: Setup) -> None:
    room = await setup.room(1, exit_mute_threshold=60)
    t0 = datetime.now(UTC)
    job = await setup.start(room, now=t0)
    await jobs.touch(setup.sessions, job.job_id, t0 + timedelta(minutes=50))
    ids = (setup.storage, setup.sessions, setup.project, room.room_id, job.job_id)
    alive, _ = await jobs.show_job(*ids, now=t0 + timedelta(minutes=109))
    assert alive.state is JobState.PROCESSING
    ended, _ = await jobs.show_job(*ids, now=t0 + timedelta(minutes=110))
    assert ended.state is JobState.SUCCEED
    assert ended.finish_reason is FinishReason.MUTE_TIMEOUT
    await setup.start(room)


async def test_zero_threshold_never_ends_a_job(setup: Setup) -> None:
    room = await setup.room(1, exit_mute_threshold=0)
    t0 = datetime.now(UTC)
    job = await setup.start(room, now=t0, policy=JobPolicy())
    ids = (setup.storage, setup.sessions, setup.project, room.room_id, job.job_id)
    seen, _ = await jobs.show_job(*ids, now=t0 + timedelta(days=30))
    assert seen.state is JobState.PROCESSING


async def test_two_workers_sharing_the_store_count_the_same_units(setup: Setup) -> None:
    room = await setup.room(2)
    if setup.store_url == "memory":
        workers = [setup.sessions, setup.sessions]  # one process: one store
    else:
        workers = [setup.sessions, open_session_store(setup.store_url)]
    try:
        results = await asyncio.gather(
            *(setup.start(room, sessions=workers[i % 2], policy=JobPolicy()) for i in range(3)),
            return_exceptions=True,
        )
    finally:
        if workers[1] is not setup.sessions:
            await workers[1].close()
    refused = [r for r in results if isinstance(r, MetaStudioError)]
    assert len(refused) == 1 and refused[0].error is MsErr.CONCURRENCY_EXHAUSTED
    assert len({r.lease_key for r in results if not isinstance(r, BaseException)}) == 2
