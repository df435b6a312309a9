"""MetaStudio projects: creating them, their AK/SK pair and the operator's quota."""

from __future__ import annotations

from datetime import UTC, datetime

from oiap.domain.projects import KeyPair, Project, new_access_key, new_project_id, new_secret_key
from oiap.domain.sealed_keys import seal
from oiap.errors import Err, OiapError
from oiap.services import accounts
from oiap.services.metastudio_auth import revoke_project_tokens
from oiap.services.ports import SessionStore, Storage


async def create_project(
    storage: Storage, server_key: bytes, name: str, *, tenant_id: str | None = None
) -> tuple[KeyPair, accounts.Credentials | None]:
    """A project with a fresh AK/SK pair; without ``tenant_id`` a tenant of the same name is
    created too, and its OIAP credentials are returned alongside."""
    if not name.strip() or len(name) > 128:
        raise OiapError(Err.PARAMETER, "'name' must be 1-128 characters.")
    tenant_creds = None
    if tenant_id is None:
        tenant_creds = await accounts.create_tenant(storage, name)
        tenant_id = tenant_creds.tenant_id
    secret_key = new_secret_key()
    project = Project(
        project_id=new_project_id(),
        tenant_id=tenant_id,
        name=name,
        access_key=new_access_key(),
        created_at=datetime.now(UTC),
    )
    async with storage.transaction() as repos:
        if await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        await repos.projects.add(project, seal(server_key, secret_key))
    keys = KeyPair(project.project_id, project.access_key, secret_key)
    return keys, tenant_creds


async def rotate_key(
    storage: Storage, sessions: SessionStore, server_key: bytes, project_id: str
) -> KeyPair:
    """A new AK/SK pair; the old pair and tokens issued under it stop working at once."""
    access_key, secret_key = new_access_key(), new_secret_key()
    async with storage.transaction() as repos:
        if await repos.projects.get(project_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No project '{project_id}'.")
        await repos.projects.set_key(project_id, access_key, seal(server_key, secret_key))
    await revoke_project_tokens(sessions, project_id)
    return KeyPair(project_id, access_key, secret_key)


async def set_quota(storage: Storage, project_id: str, quota: int | None) -> Project:
    if quota is not None and not 0 <= quota <= 1024000:
        raise OiapError(Err.PARAMETER, "'quota' must be 0-1024000.")
    async with storage.transaction() as repos:
        if await repos.projects.get(project_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No project '{project_id}'.")
        await repos.projects.set_quota(project_id, quota)
        project = await repos.projects.get(project_id)
    assert project is not None
    return project


async def list_projects(storage: Storage, tenant_id: str | None = None) -> list[Project]:
    async with storage.reader() as repos:
        return await repos.projects.list(tenant_id)
