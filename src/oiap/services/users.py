"""Console users: creating and changing them, signing in and out, and their sessions.

A session lives in the session store under a digest of its id (a stolen store gives no
usable cookie), so any worker sharing the store accepts it; each request it authenticates
restarts its idle timer. The user is read from the database on every request too: a user
disabled, or whose password changed, is signed out everywhere at the next request, even
when the change came from a command that cannot reach the server's in-process store.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from oiap.domain.credentials import token_digest
from oiap.domain.tenants import Tenant
from oiap.domain.users import ConsoleUser, Role, name_problem, password_problem
from oiap.errors import Err, OiapError
from oiap.services import lockout
from oiap.services.auth import WORKER_SECRET_CHECKS, AuthPolicy, SecretChecks
from oiap.services.ports import SessionStore, Storage

SESSION_ID_MAX = 128  # a cookie longer than any id we issue is not looked up
_dummy_hash: str | None = None


def _session_key(digest: str) -> str:
    return f"console:{digest}"


def _sessions_of(name: str) -> str:
    return f"consoles:{name}"


def failures_key(name: str) -> str:
    """The sign-in lock-out counter of a console user (apart from the machine accounts')."""
    return f"consolefail:{name}"


def _stamp(moment: datetime) -> float:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return round(aware.timestamp(), 6)


@dataclass(frozen=True)
class ConsoleSession:
    user: ConsoleUser
    csrf_token: str

    def csrf_matches(self, sent: str | None) -> bool:
        return sent is not None and hmac.compare_digest(sent.encode(), self.csrf_token.encode())


@dataclass(frozen=True)
class SignedIn:
    session_id: str  # the cookie's value; the store keeps only its digest
    session: ConsoleSession


def _checked_name(name: str) -> str:
    problem = name_problem(name)
    if problem:
        raise OiapError(Err.PARAMETER, f"'name' {problem}.")
    return name


def _checked_password(password: str) -> str:
    problem = password_problem(password)
    if problem:
        raise OiapError(Err.PARAMETER, f"The password {problem}.")
    return password


# -- managing users ---------------------------------------------------------------------


async def create_user(
    storage: Storage,
    name: str,
    *,
    tenant_id: str | None,
    role: Role | None,
    password: str,
    checks: SecretChecks = WORKER_SECRET_CHECKS,
) -> ConsoleUser:
    """A user of ``tenant_id`` with ``role``, or (both None) a platform operator."""
    _checked_name(name)
    _checked_password(password)
    if (tenant_id is None) != (role is None):
        raise OiapError(Err.PARAMETER, "A tenant user has a role; a platform operator has none.")
    # Hashed before the transaction opens, so no database connection waits on scrypt.
    password_hash = await checks.hash(password)
    now = datetime.now(UTC)
    async with storage.transaction() as repos:
        if tenant_id is not None and await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        if await repos.users.get(name) is not None:
            raise OiapError(Err.ALREADY_EXISTS, f"The user name '{name}' is taken.")
        user = ConsoleUser(name, tenant_id, role, False, now, now)
        await repos.users.add(user, password_hash)
    return user


async def list_users(storage: Storage, tenant_id: str | None = None) -> list[ConsoleUser]:
    async with storage.reader() as repos:
        if tenant_id is not None and await repos.accounts.get_tenant(tenant_id) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{tenant_id}'.")
        return await repos.users.list_users(tenant_id)


async def get_user(storage: Storage, name: str) -> ConsoleUser | None:
    async with storage.reader() as repos:
        return await repos.users.get(name)


async def set_password(
    storage: Storage,
    sessions: SessionStore,
    name: str,
    password: str,
    *,
    checks: SecretChecks = WORKER_SECRET_CHECKS,
) -> ConsoleUser:
    """A new password; every session of the user ends (they sign in with the new one)."""
    _checked_password(password)
    password_hash = await checks.hash(password)
    async with storage.transaction() as repos:
        if await repos.users.get(name) is None:
            raise OiapError(Err.NOT_FOUND, f"No user '{name}'.")
        user = await repos.users.set_password(name, password_hash)
    await end_sessions(sessions, name)
    return user


async def set_disabled(
    storage: Storage, sessions: SessionStore, name: str, disabled: bool
) -> ConsoleUser:
    """Disable (every session ends, sign-in is refused) or enable a user."""
    async with storage.transaction() as repos:
        if await repos.users.get(name) is None:
            raise OiapError(Err.NOT_FOUND, f"No user '{name}'.")
        await repos.users.set_disabled(name, disabled)
        user = await repos.users.get(name)
    if disabled:
        await end_sessions(sessions, name)
    assert user is not None
    return user


async def put_user(
    storage: Storage,
    sessions: SessionStore,
    tenant_id: str,
    name: str,
    *,
    role: Role,
    password: str | None,
    disabled: bool | None,
    actor: str,
    checks: SecretChecks = WORKER_SECRET_CHECKS,
) -> tuple[ConsoleUser, bool]:
    """Create or change a user of ``tenant_id`` (its admins' page); True when created.

    An admin cannot lower their own role or disable themselves: another admin must, so a
    tenant is never left without one by a slip.
    """
    _checked_name(name)
    if password is not None:
        _checked_password(password)
    password_hash = await checks.hash(password) if password is not None else None
    now = datetime.now(UTC)
    async with storage.transaction() as repos:
        user = await repos.users.get(name)
        if user is None:
            if password_hash is None:
                raise OiapError(Err.PARAMETER, "'password' is needed to create a user.")
            user = ConsoleUser(name, tenant_id, role, bool(disabled), now, now)
            await repos.users.add(user, password_hash)
            return user, True
        if user.tenant_id != tenant_id:
            raise OiapError(Err.ALREADY_EXISTS, f"The user name '{name}' is taken.")
        if name == actor and (role is not user.role or disabled):
            raise OiapError(Err.PARAMETER, "You cannot change your own role or disable yourself.")
        if role is not user.role:
            await repos.users.set_role(name, role)
        if disabled is not None and disabled != user.disabled:
            await repos.users.set_disabled(name, disabled)
        if password_hash is not None:
            await repos.users.set_password(name, password_hash)
        changed = await repos.users.get(name)
    assert changed is not None
    if password_hash is not None or changed.disabled:
        await end_sessions(sessions, name)
    return changed, False


async def tenants_of(storage: Storage, user: ConsoleUser) -> list[Tenant]:
    """The tenants a user may act for: every one for a platform operator."""
    async with storage.reader() as repos:
        if user.tenant_id is None:
            return await repos.accounts.list_tenants()
        tenant = await repos.accounts.get_tenant(user.tenant_id)
    return [tenant] if tenant is not None else []


# -- signing in and out -----------------------------------------------------------------


async def _password_hash_of(
    storage: Storage, name: str, checks: SecretChecks
) -> tuple[ConsoleUser | None, str]:
    """The user and their hash; for an unknown name a stand-in hash, so that checking it
    takes as long and an unknown name cannot be told apart from a wrong password."""
    global _dummy_hash
    async with storage.reader() as repos:
        user = await repos.users.get(name)
        stored = await repos.users.password_hash(name) if user is not None else None
    if user is not None and stored is not None:
        return user, stored
    if _dummy_hash is None:
        _dummy_hash = await checks.hash(secrets.token_urlsafe(16))
    return None, _dummy_hash


async def sign_in(
    storage: Storage,
    sessions: SessionStore,
    policy: AuthPolicy,
    name: str,
    password: str,
    *,
    idle_timeout: int,
) -> SignedIn:
    """Check the password (with the same lock-out as tokens) and open a session.

    Wrong name, wrong password and a disabled user answer alike (SIGN_IN_FAILED).
    """
    if name_problem(name) is not None or len(password) > 1024:
        raise OiapError(Err.SIGN_IN_FAILED)
    counter = failures_key(name)
    attempt = await lockout.reserve(sessions, counter, policy.lockout_rule)
    if attempt is None:
        raise OiapError(Err.ACCOUNT_LOCKED, await lockout.locked_detail(sessions, counter))
    user, stored = await _password_hash_of(storage, name, policy.secret_checks)
    right = await policy.secret_checks.verify(password, stored)
    if user is None or user.disabled or not right:
        if await attempt.wrong():
            raise OiapError(Err.ACCOUNT_LOCKED, await lockout.locked_detail(sessions, counter))
        raise OiapError(Err.SIGN_IN_FAILED)
    await attempt.right()
    session_id = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    record = {"u": user.name, "c": csrf_token, "p": _stamp(user.password_set_at)}
    digest = token_digest(session_id)
    await sessions.set(_session_key(digest), json.dumps(record).encode(), idle_timeout)
    await sessions.add_member(_sessions_of(user.name), digest, idle_timeout)
    return SignedIn(session_id, ConsoleSession(user, csrf_token))


async def session_of(
    storage: Storage, sessions: SessionStore, session_id: str, *, idle_timeout: int
) -> ConsoleSession:
    """The session a cookie names, its idle timer restarted; SIGNED_OUT when there is none
    (expired, signed out, or its user disabled or given a new password since)."""
    if not 0 < len(session_id) <= SESSION_ID_MAX:
        raise OiapError(Err.SIGNED_OUT)
    digest = token_digest(session_id)
    key = _session_key(digest)
    raw = await sessions.get(key)
    if raw is None:
        raise OiapError(Err.SIGNED_OUT)
    record = json.loads(raw)
    async with storage.reader() as repos:
        user = await repos.users.get(record["u"])
    if user is None or user.disabled or _stamp(user.password_set_at) != record["p"]:
        await sessions.delete(key)
        raise OiapError(Err.SIGNED_OUT)
    await sessions.set(key, raw, idle_timeout)
    await sessions.add_member(_sessions_of(user.name), digest, idle_timeout)
    return ConsoleSession(user, record["c"])


async def sign_out(sessions: SessionStore, session_id: str) -> None:
    if 0 < len(session_id) <= SESSION_ID_MAX:
        await sessions.delete(_session_key(token_digest(session_id)))


async def end_sessions(sessions: SessionStore, name: str) -> None:
    """Forget every session of ``name`` the store holds (the database check on each request
    refuses them anyway; this frees them at once)."""
    digests = await sessions.take_members(_sessions_of(name))
    if digests:
        await sessions.delete(*[_session_key(d) for d in digests])
