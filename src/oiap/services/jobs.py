"""Dialog jobs and the quota units they hold (spec §6, §10).

A running job holds one unit: a session-store key (``lease``) whose value is the job ID.
Taking a unit is ``set_if_absent`` on one of the dialog's numbered unit keys, atomic in
Redis, so every worker sharing the store counts against the same units. The lease expires
unless the worker that started the job renews it (``JobKeeper``): a worker that dies frees
its units within one lease period, and the next read of such a job marks it FAILED.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from oiap.domain.jobs import FinishReason, Job, JobState, mute_expired
from oiap.domain.projects import Project
from oiap.domain.robots import STARTABLE, AppType, Robot, known_type
from oiap.domain.rooms import BillingMode, Room, allocated_concurrency
from oiap.errors import MetaStudioError, MsErr
from oiap.services.ports import SessionStore, Storage
from oiap.services.robots import access_code_bound

log = logging.getLogger("oiap.metastudio.jobs")

_REFUSALS = {
    AppType.IFLYTEK_AIUI: MsErr.AIUI_UNAUTHORIZED,
    AppType.IFLYTEK_SPARK: MsErr.SPARK_UNAUTHORIZED,
    AppType.MOBVOI: MsErr.MOBVOI_UNAUTHORIZED,
}
_MARK_TTL = 2 * 86400.0


@dataclass(frozen=True)
class JobPolicy:
    lease_seconds: float = 30.0
    renew_every: float = 10.0


def _unit_keys(room: Room) -> list[str]:
    return [f"ms:unit:{room.room_id}:{i}" for i in range(room.capacity)]


def _pool_keys(project_id: str, size: int) -> list[str]:
    return [f"ms:pool:{project_id}:{i}" for i in range(max(0, size))]


def _ended_key(job_id: str) -> str:
    return f"ms:ended:{job_id}"


def _activity_key(job_id: str) -> str:
    return f"ms:activity:{job_id}"


async def _take_unit(
    sessions: SessionStore, keys: list[str], job_id: str, ttl: float
) -> str | None:
    for key, holder in zip(keys, await sessions.get_many(keys), strict=True):
        if holder is None and await sessions.set_if_absent(key, job_id.encode(), ttl):
            return key
    return None


async def _release(sessions: SessionStore, job: Job) -> None:
    # The mark first: a keeper renewing concurrently sees it after its renewal and undoes it.
    await sessions.set(_ended_key(job.job_id), b"1", _MARK_TTL)
    if await sessions.get(job.lease_key) == job.job_id.encode():
        await sessions.delete(job.lease_key)


async def touch(sessions: SessionStore, job_id: str, now: datetime) -> None:
    """The dialog runtime calls this on every user interaction (silence timer)."""
    await sessions.set(_activity_key(job_id), now.isoformat().encode(), _MARK_TTL)


def _refusal(robot: Robot) -> MetaStudioError | None:
    kind = known_type(robot.app_type)
    if kind in STARTABLE:
        return None
    error = _REFUSALS.get(kind, MsErr.START_FAILED) if kind is not None else MsErr.START_FAILED
    return MetaStudioError(error, f"Applications of app_type {robot.app_type} cannot start here.")


def unconfigured_capacity(room: Room) -> str:
    """What an operator reads when a dialog was created without units (spec §5.1: no job
    can start then), and how to give it some."""
    member = "concurrency" if room.billing_mode is BillingMode.CONCURRENCY else "client_nums"
    body = json.dumps({"room_name": room.room_name, member: 1}, ensure_ascii=False)
    return (
        f"This dialog has no {member} configured ({member} is null), so no job can start "
        f"in it. Set it, e.g. PUT /v1/{room.project_id}/smart-chat-rooms/{room.room_id} "
        f"with {body}."
    )


async def start_job(
    storage: Storage,
    sessions: SessionStore,
    policy: JobPolicy,
    project: Project,
    room_id: str,
    robot_id: str | None,
    *,
    client_id: str | None = None,
    extend_param: str | None = None,
    now: datetime | None = None,
) -> tuple[Job, Room]:
    now = now or datetime.now(UTC)
    async with storage.reader() as repos:
        room = await repos.rooms.get(project.project_id, room_id)
        if room is None:
            raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
        robot_id = robot_id or room.robot_id
        if robot_id is None:
            raise MetaStudioError(MsErr.START_FAILED, "No application is bound to the dialog.")
        robot = await repos.robots.get(project.project_id, robot_id)
        if robot is None:
            raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
        refusal = _refusal(robot)
        if refusal is not None:
            raise refusal
        if known_type(robot.app_type) is AppType.OIAP_ACCESS_CODE:
            code = str(robot.config().get("access_code"))
            if not await access_code_bound(repos, project, code):
                raise MetaStudioError(
                    MsErr.START_FAILED, f"The access code '{code}' is not bound in the tenant."
                )
        current = await repos.projects.get(project.project_id)
        quota = current.quota if current else None
        allocated = allocated_concurrency(await repos.rooms.all(project.project_id))
    if quota is not None and allocated > quota:
        raise MetaStudioError(MsErr.OVER_PURCHASED, f"The project's concurrency quota is {quota}.")
    job_id = uuid.uuid4().hex
    unit = await _take_unit(sessions, _unit_keys(room), job_id, policy.lease_seconds)
    if unit is None and room.may_borrow and quota is not None:
        pool = _pool_keys(project.project_id, quota - allocated)
        unit = await _take_unit(sessions, pool, job_id, policy.lease_seconds)
    if unit is None and room.capacity == 0:
        raise MetaStudioError(MsErr.CONCURRENCY_EXHAUSTED, unconfigured_capacity(room))
    if unit is None:
        raise MetaStudioError(
            MsErr.CONCURRENCY_EXHAUSTED, f"All {room.capacity} units of the dialog are in use."
        )
    job = Job(
        job_id=job_id,
        project_id=project.project_id,
        room_id=room.room_id,
        robot_id=robot_id,
        state=JobState.PROCESSING,
        create_time=now,
        lastupdate_time=now,
        lease_key=unit,
        start_time=now,
        client_id=client_id,
        extend_param=extend_param,
    )
    try:
        async with storage.transaction() as repos:
            await repos.jobs.add(job)
            await repos.rooms.mark_job_started(room.room_id, now)
        await touch(sessions, job_id, now)
    except BaseException:
        await _release(sessions, job)
        raise
    return job, room


async def _settle(
    storage: Storage, sessions: SessionStore, job: Job, room: Room, now: datetime
) -> Job:
    """Bring a live job's record in line with its lease and silence timer."""
    if not job.live:
        return job
    ended = await sessions.get(_ended_key(job.job_id)) is not None
    holder = await sessions.get(job.lease_key)
    settled = job
    if holder != job.job_id.encode() and not ended:
        settled = job.failed(now, "MSS.20010076", "The job's worker stopped renewing its lease.")
    else:
        raw = await sessions.get(_activity_key(job.job_id))
        last = datetime.fromisoformat(raw.decode()) if raw else job.start_time or job.create_time
        if mute_expired(last, room.exit_mute_threshold, now):
            settled = job.finished(now, FinishReason.MUTE_TIMEOUT)
    if settled is job:
        return job
    await _release(sessions, settled)
    async with storage.transaction() as repos:
        await repos.jobs.save(settled)
    return settled


async def _room_and_job(
    storage: Storage, project: Project, room_id: str, job_id: str
) -> tuple[Room, Job]:
    async with storage.reader() as repos:
        room = await repos.rooms.get(project.project_id, room_id)
        job = await repos.jobs.get(project.project_id, room_id, job_id) if room else None
    if room is None:
        raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
    if job is None:
        raise MetaStudioError(MsErr.JOB_NOT_FOUND, f"'job_id' {job_id}.")
    return room, job


async def stop_job(
    storage: Storage,
    sessions: SessionStore,
    project: Project,
    room_id: str,
    job_id: str,
    now: datetime | None = None,
) -> Job:
    now = now or datetime.now(UTC)
    room, job = await _room_and_job(storage, project, room_id, job_id)
    job = await _settle(storage, sessions, job, room, now)
    return await finish_job(storage, sessions, job, now)


async def finish_job(
    storage: Storage,
    sessions: SessionStore,
    job: Job,
    now: datetime,
    reason: FinishReason = FinishReason.NORMAL,
) -> Job:
    """End a live job (``SUCCEED``) and free its unit at once; an ended job is left as it is."""
    if not job.live:
        return job
    finished = job.finished(now, reason)
    await _release(sessions, finished)
    async with storage.transaction() as repos:
        await repos.jobs.save(finished)
    return finished


async def show_job(
    storage: Storage,
    sessions: SessionStore,
    project: Project,
    room_id: str,
    job_id: str,
    now: datetime | None = None,
) -> tuple[Job, Room]:
    now = now or datetime.now(UTC)
    room, job = await _room_and_job(storage, project, room_id, job_id)
    return await _settle(storage, sessions, job, room, now), room


async def list_jobs(
    storage: Storage,
    sessions: SessionStore,
    project: Project,
    room_id: str,
    states: list[JobState] | None,
    offset: int,
    limit: int,
    now: datetime | None = None,
) -> tuple[int, list[Job], Room]:
    now = now or datetime.now(UTC)
    async with storage.reader() as repos:
        room = await repos.rooms.get(project.project_id, room_id)
        if room is None:
            raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
        live = await repos.jobs.live(project.project_id, room_id)
    for job in live:
        await _settle(storage, sessions, job, room, now)
    async with storage.reader() as repos:
        count, page = await repos.jobs.page(project.project_id, room_id, states, offset, limit)
    return count, page, room


JobEnded = Callable[[Job], Awaitable[None]]


class JobKeeper:
    """Renews the leases of the jobs this worker started and ends the silent ones;
    ``on_end`` hears of every held job that ended (stopped, silent or finished elsewhere)."""

    def __init__(
        self,
        storage: Storage,
        sessions: SessionStore,
        policy: JobPolicy,
        on_end: JobEnded | None = None,
    ) -> None:
        self._storage = storage
        self._sessions = sessions
        self._policy = policy
        self._on_end = on_end
        self._held: dict[str, tuple[Job, Room]] = {}
        self._task: asyncio.Task[None] | None = None
        self._endings: set[asyncio.Task[None]] = set()

    def hold(self, job: Job, room: Room) -> None:
        self._held[job.job_id] = (job, room)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="metastudio-job-keeper")

    async def tick(self, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        for job_id, (job, room) in list(self._held.items()):
            try:
                if await self._keep(job, room, now) is False:
                    self._held.pop(job_id, None)
                    self._tell_end(job)
            except Exception:  # one broken job must not stop the others' renewals
                log.exception("renewing job %s", job_id)

    def _tell_end(self, job: Job) -> None:
        # Off the renewal loop: hanging a dialog up may wait for its running turn.
        if self._on_end is not None:
            task = asyncio.create_task(self._told(self._on_end, job))
            self._endings.add(task)
            task.add_done_callback(self._endings.discard)

    @staticmethod
    async def _told(on_end: JobEnded, job: Job) -> None:
        try:
            await on_end(job)
        except Exception:
            log.exception("after the end of job %s", job.job_id)

    async def _keep(self, job: Job, room: Room, now: datetime) -> bool:
        sessions = self._sessions
        if await sessions.get(_ended_key(job.job_id)) is not None:
            return False
        settled = await _settle(self._storage, sessions, job, room, now)
        if not settled.live:
            return False
        await sessions.set(job.lease_key, job.job_id.encode(), self._policy.lease_seconds)
        if await sessions.get(_ended_key(job.job_id)) is not None:
            await sessions.delete(job.lease_key)
            return False
        return True

    async def _run(self) -> None:
        while self._held:
            await asyncio.sleep(self._policy.renew_every)
            await self.tick()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._endings:
            await asyncio.gather(*self._endings)
