"""Console: signing in and out, who is signed in, and the tenants they may open.

The session is an HttpOnly, SameSite=Strict cookie (Secure when the request came over
https, as uvicorn reads it: behind a proxy, from X-Forwarded-Proto of the addresses in
``--forwarded-allow-ips``). See docs/console.md "Users, roles and sessions".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from oiap.api.access import COOKIE, check_csrf, console_session
from oiap.api.platform import platform_of
from oiap.api.wire import json_body, request_schema
from oiap.errors import OiapError
from oiap.services import audit, users
from oiap.services.users import ConsoleSession

router = APIRouter(prefix="/oiap/v1/console", tags=["Console: sign-in"])


class SignInData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: StrictStr = Field(min_length=1, max_length=64)
    password: StrictStr = Field(min_length=1, max_length=1024)


class UserOut(BaseModel):
    name: str
    tenantId: str | None
    role: str = Field(description="viewer, editor, admin, or platform (any tenant)")


class SessionOut(BaseModel):
    user: UserOut
    csrfToken: str = Field(description="Send as X-CSRF-Token with every POST/PUT/PATCH/DELETE")
    idleTimeout: int = Field(description="Seconds without a request before the session ends")


class TenantOut(BaseModel):
    tenantId: str
    name: str


class TenantList(BaseModel):
    items: list[TenantOut]


def _out(request: Request, session: ConsoleSession) -> SessionOut:
    user = session.user
    return SessionOut(
        user=UserOut(name=user.name, tenantId=user.tenant_id, role=user.role_label),
        csrfToken=session.csrf_token,
        idleTimeout=platform_of(request).settings.console_idle_timeout,
    )


def _set_cookie(request: Request, response: Response, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


async def _audit_sign_in(request: Request, name: str, action: str) -> None:
    """An audit entry for the user's tenant (none for a name no tenant has)."""
    client = request.client
    audit.acting_as(name, client.host if client else None)
    async with platform_of(request).storage.transaction() as repos:
        user = await repos.users.get(name)
        tenant = user.tenant_id if user is not None else None
        await repos.audit.add(audit.entry(tenant, "session", name, action))


@router.post(
    "/session",
    response_model=SessionOut,
    openapi_extra=request_schema(SignInData),
    responses={
        401: {"description": "200800002: wrong name or password, or a disabled user"},
        403: {"description": "200800003: locked after repeated failures; says how long"},
    },
    summary="Sign in to the console",
)
async def sign_in(
    request: Request,
    response: Response,
    body: Annotated[SignInData, Depends(json_body(SignInData))],
) -> SessionOut:
    platform = platform_of(request)
    old = request.cookies.get(COOKIE)
    if old:  # a new sign-in never keeps the session id the browser came with
        await users.sign_out(platform.sessions, old)
    try:
        signed = await users.sign_in(
            platform.storage,
            platform.sessions,
            platform.auth_policy,
            body.name,
            body.password,
            idle_timeout=platform.settings.console_idle_timeout,
        )
    except OiapError:
        await _audit_sign_in(request, body.name, "sign-in failed")
        raise
    await _audit_sign_in(request, body.name, "sign-in")
    _set_cookie(request, response, signed.session_id)
    return _out(request, signed.session)


@router.get(
    "/session",
    response_model=SessionOut,
    responses={401: {"description": "900001: not signed in, or the session ended"}},
    summary="Who is signed in (restarts the idle timer)",
)
async def who(
    request: Request, session: Annotated[ConsoleSession, Depends(console_session)]
) -> SessionOut:
    return _out(request, session)


@router.delete(
    "/session",
    status_code=204,
    responses={403: {"description": "900004: the X-CSRF-Token header is missing or wrong"}},
    summary="Sign out: the server forgets the session",
)
async def sign_out(request: Request) -> Response:
    platform = platform_of(request)
    cookie = request.cookies.get(COOKIE)
    if cookie:
        try:
            session = await console_session(request)
        except OiapError:
            session = None  # already ended: signing out again is no error
        if session is not None:
            check_csrf(request, session)
        await users.sign_out(platform.sessions, cookie)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


@router.get(
    "/tenants",
    response_model=TenantList,
    responses={401: {"description": "900001: not signed in"}},
    summary="The tenants the signed-in user may open (every one for a platform operator)",
)
async def tenants(
    request: Request, session: Annotated[ConsoleSession, Depends(console_session)]
) -> TenantList:
    found = await users.tenants_of(platform_of(request).storage, session.user)
    return TenantList(items=[TenantOut(tenantId=t.tenant_id, name=t.name) for t in found])
