"""Tenants and machine accounts: creating them and rotating their secrets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from oiap.domain.bots import Domain, Language, NewDomain
from oiap.domain.credentials import new_secret
from oiap.domain.sealed_keys import seal
from oiap.domain.tenants import PrincipalKind, SystemUser, Tenant, is_valid_account_id
from oiap.errors import Err, OiapError
from oiap.services.auth import WORKER_SECRET_CHECKS, revoke_tokens
from oiap.services.ports import SessionStore, Storage
from oiap.services.server_auth import ACCOUNT_MAX as LOGIN_ACCOUNT_MAX
from oiap.services.server_auth import new_login_key


@dataclass(frozen=True)
class Credentials:
    """Shown once, at creation or rotation; only the hash is kept."""

    tenant_id: str
    app_key: str
    app_secret: str


def _new_tenant_id() -> str:
    return "t" + secrets.token_hex(8)


async def create_tenant(
    storage: Storage, name: str, *, tenant_id: str | None = None
) -> Credentials:
    tenant_id = tenant_id or _new_tenant_id()
    if not is_valid_account_id(tenant_id):
        raise OiapError(Err.PARAMETER, "'tenantId' must be 1-64 letters, digits, '_', '.', '-'.")
    if not name.strip() or len(name) > 128:
        raise OiapError(Err.PARAMETER, "'name' must be 1-128 characters.")
    secret = new_secret()
    # Hashed before the transaction opens, so no database connection waits on scrypt.
    secret_hash = await WORKER_SECRET_CHECKS.hash(secret)
    async with storage.transaction() as repos:
        taken = await repos.accounts.get_tenant(tenant_id) or await repos.accounts.get_system_user(
            tenant_id
        )
        if taken:
            raise OiapError(Err.ALREADY_EXISTS, f"'{tenant_id}' is taken.")
        tenant = Tenant(tenant_id=tenant_id, name=name, created_at=datetime.now(UTC))
        await repos.accounts.add_tenant(tenant, secret_hash)
    return Credentials(tenant_id=tenant_id, app_key=tenant_id, app_secret=secret)


async def rotate_tenant_secret(
    storage: Storage, sessions: SessionStore, tenant_id: str, *, secret: str | None = None
) -> Credentials:
    """A new secret; tokens issued under the old one stop working at once."""
    secret = secret or new_secret()
    secret_hash = await WORKER_SECRET_CHECKS.hash(secret)
    async with storage.transaction() as repos:
        if await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.KEY_NOT_FOUND, f"No tenant '{tenant_id}'.")
        await repos.accounts.set_tenant_secret(tenant_id, secret_hash)
    await revoke_tokens(sessions, PrincipalKind.TENANT, tenant_id)
    return Credentials(tenant_id=tenant_id, app_key=tenant_id, app_secret=secret)


async def list_tenants(storage: Storage) -> list[Tenant]:
    async with storage.reader() as repos:
        return await repos.accounts.list_tenants()


async def create_system_user(storage: Storage, name: str) -> tuple[SystemUser, str]:
    if not is_valid_account_id(name):
        raise OiapError(Err.PARAMETER, "'name' must be 1-64 letters, digits, '_', '.', '-'.")
    secret = new_secret()
    secret_hash = await WORKER_SECRET_CHECKS.hash(secret)
    async with storage.transaction() as repos:
        if await repos.accounts.get_system_user(name) or await repos.accounts.get_tenant(name):
            raise OiapError(Err.ALREADY_EXISTS, f"'{name}' is taken.")
        user = SystemUser(name=name, created_at=datetime.now(UTC))
        await repos.accounts.add_system_user(user, secret_hash)
    return user, secret


@dataclass(frozen=True)
class LoginKey:
    """Shown once, when issued; the server keeps it sealed under its server key."""

    account: str
    kind: PrincipalKind
    login_key: str


async def issue_login_key(
    storage: Storage,
    sessions: SessionStore,
    server_key: bytes,
    kind: PrincipalKind,
    account_id: str,
) -> LoginKey:
    """A (new) key for the authorization interface's challenge login (docs/api.md).

    It replaces any earlier one, and every token of the account ends with it, as when a
    secret is rotated: the account's tokens cannot be told apart by how they were got.
    """
    if len(account_id) > LOGIN_ACCOUNT_MAX:
        raise OiapError(
            Err.PARAMETER,
            f"The login's 'account' is at most {LOGIN_ACCOUNT_MAX} characters (spec §10).",
        )
    key = new_login_key()
    async with storage.transaction() as repos:
        if not await repos.accounts.set_login_key(kind, account_id, seal(server_key, key)):
            raise OiapError(Err.KEY_NOT_FOUND, f"No {kind.value} '{account_id}'.")
    await revoke_tokens(sessions, kind, account_id)
    return LoginKey(account=account_id, kind=kind, login_key=key)


async def ensure_domain(storage: Storage, tenant_id: str, name: str, language: Language) -> Domain:
    async with storage.transaction() as repos:
        existing = await repos.domains.get_domain_by_name(tenant_id, name)
        if existing:
            return existing
        return await repos.domains.add_domain(
            NewDomain(tenant_id=tenant_id, name=name, language=language)
        )
