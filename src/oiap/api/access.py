"""Who a management request acts as, for which tenant, and whether their role allows it.

Machine credentials (a tenant's token, a machine account's) act with every right of the
tenant, as they always have. Console users act with their role (docs/console.md): they
are known by the session cookie, and every write they send carries the session's CSRF
token, so another site's page cannot make a signed-in browser change anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials

from oiap.api.oiap.auth import _bearer, _machine_token, _machine_user, _token_header
from oiap.api.oiap.auth import authorize_tenant as _authorize_machine
from oiap.api.platform import platform_of
from oiap.domain.tenants import is_valid_account_id
from oiap.domain.users import ConsoleUser, Role
from oiap.errors import Err, OiapError
from oiap.services import audit, users
from oiap.services.users import ConsoleSession

COOKIE = "oiap_console"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_console_cookie = APIKeyCookie(
    name=COOKIE,
    scheme_name="ConsoleSession",
    auto_error=False,
    description="A console sign-in (POST /oiap/v1/console/session); writes also send "
    "the session's csrfToken in the X-CSRF-Token header.",
)


@dataclass(frozen=True)
class Access:
    tenant_id: str
    role: Role
    actor: str  # who to name as the author of a change: a user's name, or the account


async def console_session(request: Request) -> ConsoleSession:
    """The console session the request's cookie names (its idle timer restarted)."""
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise OiapError(Err.SIGNED_OUT)
    platform = platform_of(request)
    return await users.session_of(
        platform.storage,
        platform.sessions,
        cookie,
        idle_timeout=platform.settings.console_idle_timeout,
    )


def check_csrf(request: Request, session: ConsoleSession) -> None:
    """A cookie-authenticated write must carry the session's CSRF token."""
    if request.method in UNSAFE_METHODS and not session.csrf_matches(
        request.headers.get(CSRF_HEADER)
    ):
        raise OiapError(Err.CSRF_REFUSED)


async def _tenant_for(request: Request, user: ConsoleUser, named: str | None) -> str:
    if named is not None and not is_valid_account_id(named):
        raise OiapError(Err.PARAMETER, "'tenantId' header is not a tenant ID.")
    if user.tenant_id is not None:
        if named is not None and named != user.tenant_id:
            raise OiapError(Err.ROLE_FORBIDDEN, f"You act for tenant '{user.tenant_id}' only.")
        return user.tenant_id
    if named is None:
        raise OiapError(
            Err.PARAMETER, "A platform operator names the tenant in a 'tenantId' header."
        )
    async with platform_of(request).storage.reader() as repos:
        if await repos.accounts.get_tenant(named) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{named}'.")
    return named


@audit.notes_actor  # the request's changes are audited as the actor resolved here
async def access_of(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    token_header: Annotated[str | None, Depends(_token_header)],
    machine_user: Annotated[str | None, Depends(_machine_user)],
    machine_token: Annotated[str | None, Depends(_machine_token)],
    cookie: Annotated[str | None, Depends(_console_cookie)],
    tenant_header: Annotated[
        str | None,
        Header(
            alias="tenantId",
            description="The tenant a machine account or platform operator acts for; a "
            "tenant's own token or user implies it.",
        ),
    ] = None,
) -> Access:
    """Machine credentials win when sent; otherwise the console cookie; with neither, the
    token check answers 900001 as it always has."""
    machine = bearer is not None or bool(token_header) or bool(machine_user and machine_token)
    if machine or not cookie:
        tenant = await _authorize_machine(
            request, bearer, token_header, machine_user, machine_token, tenant_header
        )
        actor = machine_user if machine_user and machine_token else tenant
        return Access(tenant_id=tenant, role=Role.ADMIN, actor=actor)
    session = await console_session(request)
    check_csrf(request, session)
    tenant = await _tenant_for(request, session.user, tenant_header or None)
    return Access(tenant_id=tenant, role=session.user.acting_role, actor=session.user.name)


def _needs(role: Role) -> Callable[[Access], Awaitable[Access]]:
    async def check(access: Annotated[Access, Depends(access_of)]) -> Access:
        if not access.role.allows(role):
            raise OiapError(Err.ROLE_FORBIDDEN, f"This needs the {role} role.")
        return access

    return check


Viewer = Annotated[Access, Depends(_needs(Role.VIEWER))]
Editor = Annotated[Access, Depends(_needs(Role.EDITOR))]
Admin = Annotated[Access, Depends(_needs(Role.ADMIN))]
