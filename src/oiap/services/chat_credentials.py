"""The end user's credential for a job's chat: the ``END_USER`` signature of a start answer.

The end user never holds the project's AK/SK; this token, shown in ``X-Chat-Token``, lets
them chat with one job for ``CREDENTIAL_LIFETIME``. Only its hash is kept, in the session
store, so every worker sharing Redis accepts it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from oiap.domain.jobs import Job
from oiap.domain.projects import Project
from oiap.errors import MetaStudioError, MsErr
from oiap.services.ports import SessionStore, Storage

CREDENTIAL_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class ChatCredential:
    """What the job's end user presents instead of the project's AK/SK (``X-Chat-Token``)."""

    user_id: str
    token: str
    expires_at: datetime


def _credential_key(token: str) -> str:
    return "ms:chattok:" + hashlib.sha256(token.encode()).hexdigest()


def _code_credentials(active_code_id: str) -> str:
    return f"ms:chattoks:{active_code_id}"


async def issue_credential(
    sessions: SessionStore, job: Job, now: datetime, *, active_code_id: str | None = None
) -> ChatCredential:
    """A credential for the job's end user; one minted for an activation code is revoked
    when that code is reset with ``clean_auth_credential``."""
    token = secrets.token_urlsafe(32)
    record = json.dumps({"project_id": job.project_id, "job_id": job.job_id}).encode()
    lifetime = CREDENTIAL_LIFETIME.total_seconds()
    await sessions.set(_credential_key(token), record, lifetime)
    if active_code_id is not None:
        group = _code_credentials(active_code_id)
        await sessions.add_member(group, _credential_key(token), lifetime)
    return ChatCredential(f"end-user-{job.job_id[:8]}", token, now + CREDENTIAL_LIFETIME)


async def credential_job(sessions: SessionStore, token: str) -> tuple[str, str] | None:
    """The project and job a chat token speaks for, while it lives."""
    raw = await sessions.get(_credential_key(token))
    if raw is None:
        return None
    data = json.loads(raw)
    return str(data["project_id"]), str(data["job_id"])


async def end_user_project(
    storage: Storage, sessions: SessionStore, token: str, project_id: str, job_id: str
) -> Project:
    """The project of the job a chat token was minted for; any other job is refused."""
    if await credential_job(sessions, token) != (project_id, job_id):
        raise MetaStudioError(
            MsErr.GATEWAY_AUTH, "The chat token is unknown, expired or for another job."
        )
    async with storage.reader() as repos:
        project = await repos.projects.get(project_id)
    if project is None:
        raise MetaStudioError(MsErr.GATEWAY_AUTH, "The chat token's project no longer exists.")
    return project


async def revoke_code_credentials(sessions: SessionStore, active_code_id: str) -> None:
    keys = await sessions.take_members(_code_credentials(active_code_id))
    if keys:
        await sessions.delete(*keys)
