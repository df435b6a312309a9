"""Applications ("robots") of a project: CRUD and validation (spec §8)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from oiap.domain.projects import Project
from oiap.domain.robots import CONFIG_MEMBER, AppType, Robot, known_type
from oiap.domain.rooms import merged
from oiap.errors import MetaStudioError, MsErr, invalid_parameter
from oiap.services.ports import Repositories, Storage

LanguageModelProbe = Callable[[dict[str, Any]], Awaitable[str | None]]
"""Calls a third-party model once with ``third_party_model_config``; the problem or None."""
UNREACHABLE = "The model is unreachable."

_REQUIRED = {
    AppType.IFLYTEK_AIUI: ("app_id", "app_key", "api_secret"),
    AppType.IFLYTEK_SPARK: ("app_id", "app_key", "api_secret"),
    AppType.HUAWEI_CBS: ("app_id",),
    AppType.WISE_BRAIN: ("role_id",),
    AppType.MOBVOI: ("app_key", "app_secret", "role_id"),
    AppType.OIAP_ACCESS_CODE: ("access_code",),
}


def _check_llm_url(config: dict[str, Any]) -> None:
    if not config:
        raise MetaStudioError(MsErr.LLM_CONFIG_EMPTY)
    url = config.get("llm_url")
    if not url:
        raise MetaStudioError(MsErr.LLM_URL_EMPTY)
    parts = urlsplit(str(url))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MetaStudioError(MsErr.LLM_URL_INVALID, f"'{url}'.")


def check_config(app_type: int, document: dict[str, Any]) -> None:
    """What can be checked without calling anyone: the type's own config is complete."""
    kind = known_type(app_type)
    probe = Robot("", "", "", app_type, datetime.now(UTC), datetime.now(UTC), document)
    if kind is AppType.THIRD_PARTY_LLM:
        _check_llm_url(probe.config())
        return
    if kind is None or kind not in _REQUIRED:
        return
    config = probe.config()
    for member in _REQUIRED[kind]:
        if not config.get(member):
            raise invalid_parameter(f"{CONFIG_MEMBER[kind]}.{member}")


async def create_robot(storage: Storage, project: Project, document: dict[str, Any]) -> Robot:
    check_config(int(document["app_type"]), document)
    now = datetime.now(UTC)
    robot = Robot(
        robot_id=uuid.uuid4().hex,
        project_id=project.project_id,
        name=str(document["name"]),
        app_type=int(document["app_type"]),
        create_time=now,
        update_time=now,
        document=document,
    )
    async with storage.transaction() as repos:
        if await repos.robots.name_taken(project.project_id, robot.name):
            raise MetaStudioError(MsErr.ROBOT_NAME_EXISTS, f"'{robot.name}'.")
        await repos.robots.add(robot)
    return robot


async def get_robot(storage: Storage, project: Project, robot_id: str) -> Robot:
    async with storage.reader() as repos:
        robot = await repos.robots.get(project.project_id, robot_id)
    if robot is None:
        raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
    return robot


async def update_robot(
    storage: Storage, project: Project, robot_id: str, changes: dict[str, Any]
) -> Robot:
    async with storage.transaction() as repos:
        robot = await repos.robots.get(project.project_id, robot_id)
        if robot is None:
            raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
        document = merged(robot.document, changes)
        updated = replace(
            robot,
            name=str(document["name"]),
            app_type=int(document["app_type"]),
            document=document,
            update_time=datetime.now(UTC),
        )
        check_config(updated.app_type, document)
        if await repos.robots.name_taken(project.project_id, updated.name, but=robot_id):
            raise MetaStudioError(MsErr.ROBOT_NAME_EXISTS, f"'{updated.name}'.")
        await repos.robots.save(updated)
    return updated


async def delete_robots(storage: Storage, project: Project, robot_ids: list[str]) -> None:
    """Deleting IDs that do not exist (or belong elsewhere) is not an error, as for a set.

    The activation codes of a deleted application go with it."""
    async with storage.transaction() as repos:
        await repos.robots.delete(project.project_id, robot_ids)
        await repos.active_codes.delete_bound(project.project_id, robot_ids=robot_ids)


async def list_robots(
    storage: Storage,
    project: Project,
    offset: int,
    limit: int,
    room_id: str | None,
    robot_type: str | None,
) -> tuple[int, list[Robot]]:
    async with storage.reader() as repos:
        return await repos.robots.page(project.project_id, offset, limit, room_id, robot_type)


async def access_code_bound(repos: Repositories, project: Project, access_code: str) -> bool:
    """Whether ``access_code`` is one of the project's tenant's OIAP access codes."""
    found = await repos.bots.list_access_codes(project.tenant_id, access_code=access_code)
    return bool(found)


async def validate_robot(
    storage: Storage, project: Project, document: dict[str, Any], probe: LanguageModelProbe
) -> None:
    """What ``check_config`` checks, then the back end itself: a third-party model is called
    once (through the egress policy; any failure → ``MSS.47010134`` "unreachable", never why,
    so that validation cannot map which addresses and ports answer), an access code must be
    bound in the tenant."""
    app_type = int(document["app_type"])
    check_config(app_type, document)
    kind = known_type(app_type)
    if kind is AppType.THIRD_PARTY_LLM:
        problem = await probe(dict(document["third_party_model_config"]))
        if problem is not None:
            raise MetaStudioError(MsErr.LLM_URL_INVALID, UNREACHABLE)
    elif kind is AppType.OIAP_ACCESS_CODE:
        code = str(document["oiap_config"]["access_code"])
        async with storage.reader() as repos:
            if not await access_code_bound(repos, project, code):
                raise invalid_parameter(
                    "oiap_config.access_code", f"'{code}' is not bound in the tenant"
                )
