"""Interactive dialogs of a project: create, show, list, update, delete (spec §5)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from oiap.domain.projects import Project
from oiap.domain.rooms import Room, RoomFilter, RoomTotals, allocated_concurrency, merged, totals
from oiap.errors import MetaStudioError, MsErr
from oiap.services.ports import Repositories, Storage


async def _check_quota(repos: Repositories, project: Project, room: Room) -> None:
    """The dialogs of a project may not reserve more than the operator granted it."""
    current = await repos.projects.get(project.project_id)
    quota = current.quota if current else project.quota
    if quota is None:
        return
    others = [r for r in await repos.rooms.all(project.project_id) if r.room_id != room.room_id]
    if allocated_concurrency([*others, room]) > quota:
        raise MetaStudioError(MsErr.OVER_PURCHASED, f"The project's concurrency quota is {quota}.")


async def _check_robot(repos: Repositories, project_id: str, document: dict[str, Any]) -> None:
    robot_id = document.get("robot_id")
    if robot_id and await repos.robots.get(project_id, str(robot_id)) is None:
        raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")


async def create_room(storage: Storage, project: Project, document: dict[str, Any]) -> Room:
    now = datetime.now(UTC)
    room = Room(
        room_id=uuid.uuid4().hex,
        project_id=project.project_id,
        room_name=str(document["room_name"]),
        create_time=now,
        update_time=now,
        document=document,
    )
    async with storage.transaction() as repos:
        if await repos.rooms.name_taken(project.project_id, room.room_name):
            raise MetaStudioError(MsErr.ROOM_NAME_EXISTS, f"'{room.room_name}'.")
        await _check_robot(repos, project.project_id, document)
        await _check_quota(repos, project, room)
        await repos.rooms.add(room)
    return room


async def get_room(storage: Storage, project: Project, room_id: str) -> Room:
    async with storage.reader() as repos:
        room = await repos.rooms.get(project.project_id, room_id)
    if room is None:
        raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
    return room


async def update_room(
    storage: Storage, project: Project, room_id: str, changes: dict[str, Any]
) -> Room:
    async with storage.transaction() as repos:
        room = await repos.rooms.get(project.project_id, room_id)
        if room is None:
            raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
        document = merged(room.document, changes)
        updated = replace(
            room,
            room_name=str(document["room_name"]),
            document=document,
            update_time=datetime.now(UTC),
        )
        if await repos.rooms.name_taken(project.project_id, updated.room_name, but=room_id):
            raise MetaStudioError(MsErr.ROOM_NAME_EXISTS, f"'{updated.room_name}'.")
        await _check_robot(repos, project.project_id, changes)
        await _check_quota(repos, project, updated)
        await repos.rooms.save(updated)
    return updated


async def delete_room(storage: Storage, project: Project, room_id: str) -> None:
    async with storage.transaction() as repos:
        if not await repos.rooms.delete(project.project_id, room_id):
            raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
        await repos.active_codes.delete_bound(project.project_id, room_id=room_id)


async def list_rooms(
    storage: Storage, project: Project, query: RoomFilter
) -> tuple[RoomTotals, list[Room]]:
    async with storage.reader() as repos:
        matching, page = await repos.rooms.page(project.project_id, query)
        every = await repos.rooms.all(project.project_id)
    return totals(matching, every), page
