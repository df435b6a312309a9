"""What the MetaStudio use cases need from configuration storage."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from oiap.domain.dialog_codes import ActiveCode
from oiap.domain.jobs import Job, JobState
from oiap.domain.projects import Project
from oiap.domain.robots import Robot
from oiap.domain.rooms import Room, RoomFilter


class ProjectRepository(Protocol):
    async def add(self, project: Project, sealed_secret: str) -> None: ...

    async def get(self, project_id: str) -> Project | None: ...

    async def by_access_key(self, access_key: str) -> tuple[Project, str] | None:
        """The project holding ``access_key`` and its sealed secret key."""
        ...

    async def list(self, tenant_id: str | None = None) -> list[Project]: ...

    async def set_key(self, project_id: str, access_key: str, sealed_secret: str) -> None: ...

    async def set_quota(self, project_id: str, quota: int | None) -> None: ...


class RoomRepository(Protocol):
    async def add(self, room: Room) -> None: ...

    async def get(self, project_id: str, room_id: str) -> Room | None: ...

    async def name_taken(self, project_id: str, room_name: str, but: str | None = None) -> bool: ...

    async def save(self, room: Room) -> None: ...

    async def delete(self, project_id: str, room_id: str) -> bool: ...

    async def all(self, project_id: str) -> list[Room]: ...

    async def page(self, project_id: str, query: RoomFilter) -> tuple[int, list[Room]]: ...

    async def mark_job_started(self, room_id: str, when: datetime) -> None: ...


class RobotRepository(Protocol):
    async def add(self, robot: Robot) -> None: ...

    async def get(self, project_id: str, robot_id: str) -> Robot | None: ...

    async def name_taken(self, project_id: str, name: str, but: str | None = None) -> bool: ...

    async def save(self, robot: Robot) -> None: ...

    async def delete(self, project_id: str, robot_ids: list[str]) -> int: ...

    async def page(
        self,
        project_id: str,
        offset: int,
        limit: int,
        room_id: str | None,
        robot_type: str | None,
    ) -> tuple[int, list[Robot]]: ...


class JobRepository(Protocol):
    async def add(self, job: Job) -> None: ...

    async def get(self, project_id: str, room_id: str, job_id: str) -> Job | None: ...

    async def save(self, job: Job) -> None: ...

    async def live(self, project_id: str, room_id: str) -> list[Job]: ...

    async def page(
        self,
        project_id: str,
        room_id: str,
        states: list[JobState] | None,
        offset: int,
        limit: int,
    ) -> tuple[int, list[Job]]: ...


class ActiveCodeRepository(Protocol):
    async def add(self, code: ActiveCode) -> None: ...

    async def get(self, project_id: str, active_code_id: str) -> ActiveCode | None: ...

    async def find(self, project_id: str, robot_id: str, value: str) -> ActiveCode | None:
        """The application's code whose value is ``value`` (what an end user types)."""
        ...

    async def save(self, code: ActiveCode) -> None: ...

    async def delete(self, project_id: str, ids: list[str]) -> int: ...

    async def delete_bound(
        self, project_id: str, *, robot_ids: list[str] | None = None, room_id: str | None = None
    ) -> int:
        """Drop the codes of deleted applications or of a deleted dialog."""
        ...

    async def page(
        self, project_id: str, robot_id: str, offset: int, limit: int
    ) -> tuple[int, list[ActiveCode]]: ...
