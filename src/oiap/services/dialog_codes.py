"""The hosted dialog page's way in: dialog URLs, one-time codes, activation codes (spec §7, §9).

A dialog URL names the dialog and the application that answers in it. End users unlock the
page with an activation code (stored, per application); a one-time code is a short-lived,
single-use secret kept in the session store, so every worker sharing it can redeem it once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from urllib.parse import urlencode

from oiap.domain.dialog_codes import ONCE_CODE_SECONDS, ActiveCode, new_active_code, new_once_code
from oiap.domain.projects import Project
from oiap.domain.robots import AppType, Robot, known_type
from oiap.errors import MetaStudioError, MsErr
from oiap.services.ports import Repositories, SessionStore, Storage

WEB_CLIENT_PATH = "icswebclient"
"""Where the hosted dialog page is served, under the server's base URL."""


async def robot_for_page(
    repos: Repositories, project_id: str, room_id: str, robot_id: str
) -> Robot:
    """The dialog and application a page opens; both must be the project's own."""
    if await repos.rooms.get(project_id, room_id) is None:
        raise MetaStudioError(MsErr.ROOM_NOT_FOUND, f"'room_id' {room_id}.")
    robot = await repos.robots.get(project_id, robot_id)
    if robot is None:
        raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
    if known_type(robot.app_type) is AppType.THIRD_PARTY_DRIVING:
        # Nobody answers an end user on the page: the customer's own program drives.
        raise MetaStudioError(MsErr.DRIVING_NO_WEB_CLIENT, f"'robot_id' {robot_id}.")
    return robot


async def create_dialog_url(
    storage: Storage, project: Project, room_id: str, robot_id: str, base_url: str
) -> str:
    async with storage.reader() as repos:
        await robot_for_page(repos, project.project_id, room_id, robot_id)
    query = urlencode({"project_id": project.project_id, "room_id": room_id, "robot_id": robot_id})
    return f"{base_url.rstrip('/')}/{WEB_CLIENT_PATH}?{query}"


def _once_key(code: str) -> str:
    return f"ms:once:{code}"


async def create_once_code(sessions: SessionStore, project: Project) -> str:
    code = new_once_code()
    await sessions.add_member(_once_key(code), project.project_id, ONCE_CODE_SECONDS)
    return code


def _claim_key(code: str) -> str:
    return f"ms:once-claim:{code}"


CLAIM_SECONDS = 120.0
"""How long a claimed one-time code waits for its job start to succeed or fail; a worker
that dies meanwhile leaves the code spent (it cannot tell whether the job started)."""


class OnceClaim(Enum):
    TAKEN = "taken"
    """The code is this caller's until it is spent or given back."""
    BUSY = "busy"
    """Another start holds the code right now; it may come back if that start fails."""
    WRONG = "wrong"
    """No such live code of this project."""


@dataclass(frozen=True)
class ClaimedCode:
    code: str
    project_id: str
    ttl_seconds: float
    """What was left of the code's life when it was claimed."""


async def claim_once_code(
    sessions: SessionStore, project_id: str, code: str
) -> tuple[OnceClaim, ClaimedCode | None]:
    """Take a live code of ``project_id`` out of circulation, on any worker, for one start.

    The claim marker comes first, so a second start with the same code while the first is
    still running learns that it is busy (and is not counted as a wrong code); the code is
    then removed atomically, so at most one caller ever holds it."""
    left = await sessions.ttl(_once_key(code))
    if left is None or left <= 0:
        return OnceClaim.WRONG, None
    if not await sessions.set_if_absent(_claim_key(code), project_id.encode(), CLAIM_SECONDS):
        return OnceClaim.BUSY, None
    members = await sessions.take_members(_once_key(code))
    others = [m for m in members if m != project_id]
    for member in others:  # another project's code of the same value: not ours to spend
        await sessions.add_member(_once_key(code), member, left)
    if project_id not in members:
        await sessions.delete(_claim_key(code))
        return OnceClaim.WRONG, None
    return OnceClaim.TAKEN, ClaimedCode(code, project_id, left)


async def redeem_once_code(sessions: SessionStore, project_id: str, code: str) -> bool:
    """True the first time a live code of ``project_id`` is presented, on any worker
    (claimed and spent at once: for a use that cannot fail after the check)."""
    _, claimed = await claim_once_code(sessions, project_id, code)
    if claimed is None:
        return False
    await spend_once_code(sessions, claimed)
    return True


async def spend_once_code(sessions: SessionStore, claimed: ClaimedCode) -> None:
    """The start succeeded: the code stays used up."""
    await sessions.delete(_claim_key(claimed.code))


async def give_back_once_code(sessions: SessionStore, claimed: ClaimedCode) -> None:
    """The start failed: the code is good again for the rest of its life."""
    await sessions.add_member(_once_key(claimed.code), claimed.project_id, claimed.ttl_seconds)
    await sessions.delete(_claim_key(claimed.code))


async def create_active_code(
    storage: Storage,
    project: Project,
    robot_id: str,
    room_id: str,
    valid_period: int,
    now: datetime | None = None,
) -> ActiveCode:
    now = now or datetime.now(UTC)
    code = ActiveCode(
        active_code_id=uuid.uuid4().hex,
        project_id=project.project_id,
        robot_id=robot_id,
        room_id=room_id,
        active_code=new_active_code(),
        valid_period=valid_period,
        create_time=now,
        update_time=now,
    )
    async with storage.transaction() as repos:
        await robot_for_page(repos, project.project_id, room_id, robot_id)
        await repos.active_codes.add(code)
    return code


async def list_active_codes(
    storage: Storage, project: Project, robot_id: str, offset: int, limit: int
) -> tuple[int, list[ActiveCode]]:
    async with storage.reader() as repos:
        if await repos.robots.get(project.project_id, robot_id) is None:
            raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
        return await repos.active_codes.page(project.project_id, robot_id, offset, limit)


async def _existing(repos: Repositories, project: Project, active_code_id: str) -> ActiveCode:
    code = await repos.active_codes.get(project.project_id, active_code_id)
    if code is None:
        raise MetaStudioError(MsErr.ACTIVE_CODE_NOT_FOUND, f"'active_code_id' {active_code_id}.")
    return code


async def get_active_code(storage: Storage, project: Project, active_code_id: str) -> ActiveCode:
    async with storage.reader() as repos:
        return await _existing(repos, project, active_code_id)


async def update_active_code(
    storage: Storage, project: Project, active_code_id: str, valid_period: int
) -> ActiveCode:
    async with storage.transaction() as repos:
        code = await _existing(repos, project, active_code_id)
        updated = code.with_period(valid_period, datetime.now(UTC))
        await repos.active_codes.save(updated)
    return updated


async def reset_active_code(storage: Storage, project: Project, active_code_id: str) -> ActiveCode:
    """A new code value; the old value stops unlocking the page at once."""
    async with storage.transaction() as repos:
        code = await _existing(repos, project, active_code_id)
        fresh = code.reset(datetime.now(UTC))
        await repos.active_codes.save(fresh)
    return fresh


async def delete_active_codes(storage: Storage, project: Project, ids: list[str]) -> None:
    """Unknown IDs (or another project's) are not an error, as for applications."""
    async with storage.transaction() as repos:
        await repos.active_codes.delete(project.project_id, ids)
