"""Repositories of the MetaStudio resources over one SQLAlchemy session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select

from oiap.adapters.sql.models import utcnow
from oiap.adapters.sql.room_tables import ActiveCodeRow, JobRow, ProjectRow, RobotRow, RoomRow
from oiap.domain.dialog_codes import ActiveCode
from oiap.domain.jobs import FinishReason, Job, JobState
from oiap.domain.projects import Project
from oiap.domain.robots import Robot
from oiap.domain.rooms import Room, RoomFilter


def _utc(moment: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without a zone; they were written in UTC.
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _at(moment: datetime) -> datetime:
    value = _utc(moment)
    assert value is not None
    return value


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _project(row: ProjectRow) -> Project:
    return Project(
        project_id=row.project_id,
        tenant_id=row.tenant_id,
        name=row.name,
        access_key=row.access_key,
        created_at=_at(row.created_at),
        quota=row.quota,
    )


def _room(row: RoomRow) -> Room:
    return Room(
        room_id=row.room_id,
        project_id=row.project_id,
        room_name=row.room_name,
        create_time=_at(row.create_time),
        update_time=_at(row.update_time),
        document=dict(row.document),
        last_job_start=_utc(row.last_job_start),
    )


def _robot(row: RobotRow) -> Robot:
    return Robot(
        robot_id=row.robot_id,
        project_id=row.project_id,
        name=row.name,
        app_type=row.app_type,
        create_time=_at(row.create_time),
        update_time=_at(row.update_time),
        document=dict(row.document),
    )


def _job(row: JobRow) -> Job:
    return Job(
        job_id=row.job_id,
        project_id=row.project_id,
        room_id=row.room_id,
        robot_id=row.robot_id,
        state=JobState(row.state),
        create_time=_at(row.create_time),
        lastupdate_time=_at(row.lastupdate_time),
        lease_key=row.lease_key,
        start_time=_utc(row.start_time),
        end_time=_utc(row.end_time),
        finish_reason=FinishReason(row.finish_reason) if row.finish_reason else None,
        error_code=row.error_code,
        error_msg=row.error_msg,
        client_id=row.client_id,
        extend_param=row.extend_param,
    )


def _job_values(job: Job) -> dict[str, Any]:
    return {
        "robot_id": job.robot_id,
        "state": job.state.value,
        "lease_key": job.lease_key,
        "client_id": job.client_id,
        "extend_param": job.extend_param,
        "create_time": job.create_time,
        "lastupdate_time": job.lastupdate_time,
        "start_time": job.start_time,
        "end_time": job.end_time,
        "finish_reason": job.finish_reason.value if job.finish_reason else None,
        "error_code": job.error_code,
        "error_msg": job.error_msg,
        "is_live": job.live,
    }


def _code(row: ActiveCodeRow) -> ActiveCode:
    return ActiveCode(
        active_code_id=row.active_code_id,
        project_id=row.project_id,
        robot_id=row.robot_id,
        room_id=row.room_id,
        active_code=row.active_code,
        valid_period=row.valid_period,
        create_time=_at(row.create_time),
        update_time=_at(row.update_time),
    )


async def _count(session: AsyncSession, query: Select[Any]) -> int:
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    return int(total or 0)


class SqlProjects:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, project: Project, sealed_secret: str) -> None:
        self._session.add(
            ProjectRow(
                project_id=project.project_id,
                tenant_id=project.tenant_id,
                name=project.name,
                access_key=project.access_key,
                sealed_secret=sealed_secret,
                quota=project.quota,
                created_at=project.created_at,
                key_rotated_at=project.created_at,
            )
        )
        await self._session.flush()

    async def get(self, project_id: str) -> Project | None:
        row = await self._session.get(ProjectRow, project_id)
        return _project(row) if row else None

    async def by_access_key(self, access_key: str) -> tuple[Project, str] | None:
        row = await self._session.scalar(
            select(ProjectRow).where(ProjectRow.access_key == access_key)
        )
        return (_project(row), row.sealed_secret) if row else None

    async def list(self, tenant_id: str | None = None) -> list[Project]:
        query = select(ProjectRow).order_by(ProjectRow.created_at)
        if tenant_id:
            query = query.where(ProjectRow.tenant_id == tenant_id)
        return [_project(r) for r in await self._session.scalars(query)]

    async def set_key(self, project_id: str, access_key: str, sealed_secret: str) -> None:
        row = await self._session.get(ProjectRow, project_id)
        if row is None:
            raise LookupError(project_id)
        row.access_key = access_key
        row.sealed_secret = sealed_secret
        row.key_rotated_at = utcnow()
        await self._session.flush()

    async def set_quota(self, project_id: str, quota: int | None) -> None:
        row = await self._session.get(ProjectRow, project_id)
        if row is None:
            raise LookupError(project_id)
        row.quota = quota
        await self._session.flush()


class SqlRooms:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, room: Room) -> None:
        self._session.add(
            RoomRow(
                room_id=room.room_id,
                project_id=room.project_id,
                room_name=room.room_name,
                model_asset_id=room.model_asset_id,
                document=room.document,
                create_time=room.create_time,
                update_time=room.update_time,
                last_job_start=room.last_job_start,
            )
        )
        await self._session.flush()

    async def _row(self, project_id: str, room_id: str) -> RoomRow | None:
        row: RoomRow | None = await self._session.scalar(
            select(RoomRow).where(RoomRow.project_id == project_id, RoomRow.room_id == room_id)
        )
        return row

    async def get(self, project_id: str, room_id: str) -> Room | None:
        row = await self._row(project_id, room_id)
        return _room(row) if row else None

    async def name_taken(self, project_id: str, room_name: str, but: str | None = None) -> bool:
        query = select(RoomRow.room_id).where(
            RoomRow.project_id == project_id, RoomRow.room_name == room_name
        )
        if but:
            query = query.where(RoomRow.room_id != but)
        return (await self._session.scalar(query)) is not None

    async def save(self, room: Room) -> None:
        row = await self._row(room.project_id, room.room_id)
        if row is None:
            raise LookupError(room.room_id)
        row.room_name = room.room_name
        row.model_asset_id = room.model_asset_id
        row.document = room.document
        row.update_time = room.update_time
        await self._session.flush()

    async def delete(self, project_id: str, room_id: str) -> bool:
        row = await self._row(project_id, room_id)
        if row is None:
            return False
        await self._session.execute(delete(JobRow).where(JobRow.room_id == room_id))
        await self._session.delete(row)
        await self._session.flush()
        return True

    async def all(self, project_id: str) -> list[Room]:
        rows = await self._session.scalars(select(RoomRow).where(RoomRow.project_id == project_id))
        return [_room(r) for r in rows]

    async def page(self, project_id: str, query: RoomFilter) -> tuple[int, list[Room]]:
        conditions = [RoomRow.project_id == project_id]
        if query.room_name:
            conditions.append(RoomRow.room_name.like(_like(query.room_name), escape="\\"))
        if query.model_name:
            conditions.append(RoomRow.model_asset_id.like(_like(query.model_name), escape="\\"))
        if query.start_time:
            conditions.append(RoomRow.last_job_start >= query.start_time)
        if query.end_time:
            conditions.append(RoomRow.last_job_start <= query.end_time)
        base = select(RoomRow).where(and_(*conditions))
        total = await _count(self._session, base)
        rows = await self._session.scalars(
            base.order_by(RoomRow.create_time.desc(), RoomRow.room_id)
            .offset(query.offset)
            .limit(query.limit)
        )
        return total, [_room(r) for r in rows]

    async def mark_job_started(self, room_id: str, when: datetime) -> None:
        row = await self._session.get(RoomRow, room_id)
        if row is not None:
            row.last_job_start = when
            await self._session.flush()


class SqlRobots:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, robot: Robot) -> None:
        self._session.add(
            RobotRow(
                robot_id=robot.robot_id,
                project_id=robot.project_id,
                name=robot.name,
                app_type=robot.app_type,
                room_id=robot.room_id,
                robot_type=robot.robot_type,
                document=robot.document,
                create_time=robot.create_time,
                update_time=robot.update_time,
            )
        )
        await self._session.flush()

    async def _row(self, project_id: str, robot_id: str) -> RobotRow | None:
        row: RobotRow | None = await self._session.scalar(
            select(RobotRow).where(RobotRow.project_id == project_id, RobotRow.robot_id == robot_id)
        )
        return row

    async def get(self, project_id: str, robot_id: str) -> Robot | None:
        row = await self._row(project_id, robot_id)
        return _robot(row) if row else None

    async def name_taken(self, project_id: str, name: str, but: str | None = None) -> bool:
        query = select(RobotRow.robot_id).where(
            RobotRow.project_id == project_id, RobotRow.name == name
        )
        if but:
            query = query.where(RobotRow.robot_id != but)
        return (await self._session.scalar(query)) is not None

    async def save(self, robot: Robot) -> None:
        row = await self._row(robot.project_id, robot.robot_id)
        if row is None:
            raise LookupError(robot.robot_id)
        row.name = robot.name
        row.app_type = robot.app_type
        row.room_id = robot.room_id
        row.robot_type = robot.robot_type
        row.document = robot.document
        row.update_time = robot.update_time
        await self._session.flush()

    async def delete(self, project_id: str, robot_ids: list[str]) -> int:
        result = await self._session.execute(
            delete(RobotRow).where(
                RobotRow.project_id == project_id, RobotRow.robot_id.in_(robot_ids)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def page(
        self,
        project_id: str,
        offset: int,
        limit: int,
        room_id: str | None,
        robot_type: str | None,
    ) -> tuple[int, list[Robot]]:
        base = select(RobotRow).where(RobotRow.project_id == project_id)
        if room_id:
            base = base.where(RobotRow.room_id == room_id)
        if robot_type:
            base = base.where(RobotRow.robot_type == robot_type)
        total = await _count(self._session, base)
        rows = await self._session.scalars(
            base.order_by(RobotRow.create_time.desc(), RobotRow.robot_id)
            .offset(offset)
            .limit(limit)
        )
        return total, [_robot(r) for r in rows]


class SqlJobs:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, job: Job) -> None:
        self._session.add(
            JobRow(
                job_id=job.job_id,
                project_id=job.project_id,
                room_id=job.room_id,
                **_job_values(job),
            )
        )
        await self._session.flush()

    async def get(self, project_id: str, room_id: str, job_id: str) -> Job | None:
        row = await self._session.scalar(
            select(JobRow).where(
                JobRow.project_id == project_id, JobRow.room_id == room_id, JobRow.job_id == job_id
            )
        )
        return _job(row) if row else None

    async def save(self, job: Job) -> None:
        row = await self._session.get(JobRow, job.job_id)
        if row is None:
            raise LookupError(job.job_id)
        for name, value in _job_values(job).items():
            setattr(row, name, value)
        await self._session.flush()

    async def live(self, project_id: str, room_id: str) -> list[Job]:
        rows = await self._session.scalars(
            select(JobRow).where(
                JobRow.project_id == project_id, JobRow.room_id == room_id, JobRow.is_live.is_(True)
            )
        )
        return [_job(r) for r in rows]

    async def page(
        self,
        project_id: str,
        room_id: str,
        states: list[JobState] | None,
        offset: int,
        limit: int,
    ) -> tuple[int, list[Job]]:
        base = select(JobRow).where(JobRow.project_id == project_id, JobRow.room_id == room_id)
        if states:
            base = base.where(JobRow.state.in_([s.value for s in states]))
        total = await _count(self._session, base)
        rows = await self._session.scalars(
            base.order_by(JobRow.create_time.desc(), JobRow.job_id).offset(offset).limit(limit)
        )
        return total, [_job(r) for r in rows]


class SqlActiveCodes:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, code: ActiveCode) -> None:
        self._session.add(
            ActiveCodeRow(
                active_code_id=code.active_code_id,
                project_id=code.project_id,
                robot_id=code.robot_id,
                room_id=code.room_id,
                active_code=code.active_code,
                valid_period=code.valid_period,
                create_time=code.create_time,
                update_time=code.update_time,
            )
        )
        await self._session.flush()

    async def _row(self, project_id: str, active_code_id: str) -> ActiveCodeRow | None:
        row: ActiveCodeRow | None = await self._session.scalar(
            select(ActiveCodeRow).where(
                ActiveCodeRow.project_id == project_id,
                ActiveCodeRow.active_code_id == active_code_id,
            )
        )
        return row

    async def get(self, project_id: str, active_code_id: str) -> ActiveCode | None:
        row = await self._row(project_id, active_code_id)
        return _code(row) if row else None

    async def find(self, project_id: str, robot_id: str, value: str) -> ActiveCode | None:
        row = await self._session.scalar(
            select(ActiveCodeRow)
            .where(
                ActiveCodeRow.project_id == project_id,
                ActiveCodeRow.robot_id == robot_id,
                ActiveCodeRow.active_code == value,
            )
            .limit(1)
        )
        return _code(row) if row else None

    async def save(self, code: ActiveCode) -> None:
        row = await self._row(code.project_id, code.active_code_id)
        if row is None:
            raise LookupError(code.active_code_id)
        row.active_code = code.active_code
        row.valid_period = code.valid_period
        row.create_time = code.create_time
        row.update_time = code.update_time
        await self._session.flush()

    async def delete(self, project_id: str, ids: list[str]) -> int:
        result = await self._session.execute(
            delete(ActiveCodeRow).where(
                ActiveCodeRow.project_id == project_id, ActiveCodeRow.active_code_id.in_(ids)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def delete_bound(
        self, project_id: str, *, robot_ids: list[str] | None = None, room_id: str | None = None
    ) -> int:
        conditions = [ActiveCodeRow.project_id == project_id]
        if robot_ids is not None:
            conditions.append(ActiveCodeRow.robot_id.in_(robot_ids))
        if room_id is not None:
            conditions.append(ActiveCodeRow.room_id == room_id)
        if len(conditions) == 1:
            return 0
        result = await self._session.execute(delete(ActiveCodeRow).where(and_(*conditions)))
        return int(getattr(result, "rowcount", 0) or 0)

    async def page(
        self, project_id: str, robot_id: str, offset: int, limit: int
    ) -> tuple[int, list[ActiveCode]]:
        base = select(ActiveCodeRow).where(
            ActiveCodeRow.project_id == project_id, ActiveCodeRow.robot_id == robot_id
        )
        total = await _count(self._session, base)
        rows = await self._session.scalars(
            base.order_by(ActiveCodeRow.create_time.desc(), ActiveCodeRow.active_code_id)
            .offset(offset)
            .limit(limit)
        )
        return total, [_code(r) for r in rows]
