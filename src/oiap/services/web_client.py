"""Unlocking the hosted dialog page: an end user's activation code or one-time code (§9).

A wrong code counts against the client address that sent it, per application for
activation codes and per project for one-time codes; ``CODE_ATTEMPTS`` wrong codes in a row
lock that address out for ``CODE_LOCK_SECONDS``, even for a right code. The counters live
in the session store, so every worker sharing Redis counts together, and each answer takes
an atomic reservation first, so a burst learns no more than the allowance (services/lockout.py).
Input that no code ever looks like (wrong length or characters, such as the OIAP access code
4001) is refused as such and never counts: it cannot be a guess at a code.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from oiap.domain.dialog_codes import (
    ACTIVE_CODE_FORM,
    ONCE_CODE_FORM,
    is_active_code_form,
    is_once_code_form,
)
from oiap.domain.projects import Project
from oiap.errors import MetaStudioError, MsErr, invalid_parameter
from oiap.services import dialog_codes, lockout
from oiap.services.dialog_codes import OnceClaim
from oiap.services.ports import SessionStore, Storage

CODE_ATTEMPTS = 5
"""Wrong codes in a row from one address; the last of them locks it out."""
CODE_LOCK_SECONDS = 600.0
"""How long a lock-out lasts, and how long a run of wrong codes is remembered."""
_CODE_LOCKOUT = lockout.LockoutRule(CODE_ATTEMPTS, CODE_LOCK_SECONDS, CODE_LOCK_SECONDS)


@dataclass(frozen=True)
class PageEntry:
    """What a redeemed code opens: a dialog, the application answering in it."""

    project: Project
    room_id: str
    robot_id: str
    active_code_id: str | None = None


@dataclass(frozen=True)
class _Kind:
    wrong: MsErr
    locked: MsErr
    name: str


_ACTIVE = _Kind(MsErr.ACTIVE_CODE_NOT_FOUND, MsErr.ACTIVE_CODE_LOCKED, "active")
_ONCE = _Kind(MsErr.ONCE_CODE_INVALID, MsErr.ONCE_CODE_LOCKED, "once")


def _failures_key(kind: _Kind, scope: str, client: str) -> str:
    who = hashlib.sha256(f"{scope}\n{client}".encode()).hexdigest()
    return f"ms:codefail:{kind.name}:{who}"


class _Attempts:
    """The wrong-code counter of one client address for one application or project.

    A code is a lookup, not a slow hash, so it is looked up first; but no answer (wrong or
    right) is given before an attempt is reserved, so a burst learns no more than the
    allowance. An expired code is answered without a reservation: it does not count."""

    def __init__(self, sessions: SessionStore, kind: _Kind, scope: str, client: str) -> None:
        self.sessions = sessions
        self.kind = kind
        self.failures_key = _failures_key(kind, scope, client)

    def _locked(self) -> MetaStudioError:
        minutes = round(CODE_LOCK_SECONDS / 60)
        return MetaStudioError(self.kind.locked, f"Try again in up to {minutes} minutes.")

    async def refuse_if_locked(self) -> None:
        count = await self.sessions.get(self.failures_key)
        if count is not None and int(count) >= lockout.LOCKED:
            raise self._locked()

    async def wrong(self, detail: str) -> MetaStudioError:
        attempt = await lockout.reserve(self.sessions, self.failures_key, _CODE_LOCKOUT)
        if attempt is None:
            return self._locked()
        if not await attempt.wrong():
            return MetaStudioError(self.kind.wrong, detail)
        minutes = round(CODE_LOCK_SECONDS / 60)
        return MetaStudioError(self.kind.locked, f"Too many wrong codes; wait {minutes} minutes.")

    async def right(self) -> None:
        attempt = await lockout.reserve(self.sessions, self.failures_key, _CODE_LOCKOUT)
        if attempt is None:
            raise self._locked()
        await attempt.right()


async def _project(storage: Storage, project_id: str, robot_id: str) -> Project:
    async with storage.reader() as repos:
        project = await repos.projects.get(project_id)
    if project is None:
        raise MetaStudioError(MsErr.ROBOT_NOT_FOUND, f"'robot_id' {robot_id}.")
    return project


def _refuse_malformed_active_code(value: str) -> None:
    # Not a guess at any code: every activation code has this form. Answered before the
    # lock-out is looked at, so a typing slip (or an OIAP access code) never counts.
    if not is_active_code_form(value):
        raise invalid_parameter(
            "active_code",
            f"is not an activation code: an activation code is {ACTIVE_CODE_FORM} "
            "(an OIAP access code such as 4001 does not open this page)",
        )


def _refuse_malformed_once_code(value: str) -> None:
    if not is_once_code_form(value):
        raise invalid_parameter(
            "once_code", f"is not a one-time code: a one-time code is {ONCE_CODE_FORM}"
        )


async def redeem_active_code(
    storage: Storage,
    sessions: SessionStore,
    project_id: str,
    robot_id: str,
    value: str,
    client: str,
    now: datetime | None = None,
) -> PageEntry:
    """The dialog an activation code opens; codes are read without regard to case.

    An activation code is good for its whole validity, so a start that fails uses up
    nothing; only a one-time code is spent (``redeeming_once_code``)."""
    value = value.strip().upper()
    _refuse_malformed_active_code(value)
    attempts = _Attempts(sessions, _ACTIVE, f"{project_id}\n{robot_id}", client)
    await attempts.refuse_if_locked()
    project = await _project(storage, project_id, robot_id)
    async with storage.reader() as repos:
        code = await repos.active_codes.find(project_id, robot_id, value)
        if code is not None:
            await dialog_codes.robot_for_page(repos, project_id, code.room_id, robot_id)
    if code is None:
        raise await attempts.wrong("No such activation code for this application.")
    if code.expired(now or datetime.now(UTC)):
        raise MetaStudioError(MsErr.ACTIVE_CODE_EXPIRED)
    await attempts.right()
    return PageEntry(project, code.room_id, robot_id, code.active_code_id)


@asynccontextmanager
async def redeeming_once_code(
    storage: Storage,
    sessions: SessionStore,
    project_id: str,
    room_id: str | None,
    robot_id: str,
    value: str,
    client: str,
) -> AsyncIterator[PageEntry]:
    """The dialog a one-time code opens (the page URL names it), for the block that starts
    its job: the code is spent only when the block ends without an exception, and is good
    again when it fails (the dialog full, ...). While the block runs no other start can
    use the code."""
    if room_id is None:
        raise invalid_parameter("room_id", "is needed with a one-time code")
    value = value.strip().lower()
    _refuse_malformed_once_code(value)
    attempts = _Attempts(sessions, _ONCE, project_id, client)
    await attempts.refuse_if_locked()
    project = await _project(storage, project_id, robot_id)
    async with storage.reader() as repos:
        await dialog_codes.robot_for_page(repos, project_id, room_id, robot_id)
    outcome, claimed = await dialog_codes.claim_once_code(sessions, project_id, value)
    if outcome is OnceClaim.BUSY:
        raise MetaStudioError(
            MsErr.TOO_FREQUENT, "A start with this one-time code is still running; try again."
        )
    if claimed is None:
        raise await attempts.wrong("The code is wrong, expired or already used.")
    try:
        await attempts.right()
        yield PageEntry(project, room_id, robot_id)
    except BaseException:
        await dialog_codes.give_back_once_code(sessions, claimed)
        raise
    await dialog_codes.spend_once_code(sessions, claimed)
