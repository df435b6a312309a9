"""Token interfaces (spec §3) and the token check the other OIAP routers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.tenants import Principal, PrincipalKind, is_valid_account_id
from oiap.errors import Err, OiapError
from oiap.services import auth

router = APIRouter(tags=["OIAP authentication"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    appKey: str = Field(min_length=1, max_length=64)
    appSecret: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    errorCode: int = 0
    errorMsg: str = ""
    authToken: str
    expireTime: int


@router.post(
    "/oifde/rest/api/gettoken",
    response_model=TokenResponse,
    openapi_extra=request_schema(TokenRequest),
    summary="Obtain a token (tenant appKey = tenant ID, or a machine account)",
)
@router.post(
    "/oifde/rest/appcube/api/getAppCubeToken",
    response_model=TokenResponse,
    openapi_extra=request_schema(TokenRequest),
    summary="Obtain a token (AppCube variant, same contract)",
)
async def gettoken(
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[TokenRequest, Depends(json_body(TokenRequest))],
) -> TokenResponse:
    granted = await auth.get_token(
        platform.storage, platform.sessions, platform.auth_policy, body.appKey, body.appSecret
    )
    return TokenResponse(authToken=granted.auth_token, expireTime=granted.expire_time)


async def authorize(
    request: Request, *, tenant_id: str | None, body_token: str | None
) -> Principal:
    """Check the token of a management or dialog request for ``tenant_id``.

    Machine accounts send ``username`` and ``token`` headers; tenants put the token in the
    body. When both are present the headers win, as a system caller acting for a tenant
    would not hold that tenant's token.
    """
    platform = platform_of(request)
    header_user = request.headers.get("username")
    header_token = request.headers.get("token")
    if header_user and header_token:
        return await auth.authenticate(
            platform.sessions,
            token=header_token,
            tenant_id=tenant_id,
            system_user=header_user,
            cache=platform.tokens,
        )
    return await auth.authenticate(
        platform.sessions, token=body_token, tenant_id=tenant_id, cache=platform.tokens
    )


_bearer = HTTPBearer(auto_error=False, description="A tenant's token: `Bearer <authToken>`.")
_token_header = APIKeyHeader(
    name="authToken", auto_error=False, description="A tenant's token, as a header."
)
_machine_user = APIKeyHeader(
    name="username", auto_error=False, description="Machine account name (with `token`)."
)
_machine_token = APIKeyHeader(
    name="token", auto_error=False, description="Machine account token (with `username`)."
)


async def authorize_tenant(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    token_header: Annotated[str | None, Depends(_token_header)],
    _user: Annotated[str | None, Depends(_machine_user)],
    _token: Annotated[str | None, Depends(_machine_token)],
    tenant_header: Annotated[
        str | None,
        Header(
            alias="tenantId",
            description="The tenant a machine account acts for; a tenant's own token implies it.",
        ),
    ] = None,
) -> str:
    """The tenant a management API request (``/oiap/v1/...``) acts for.

    The token travels in headers, never in the body: a tenant's as ``Authorization: Bearer``
    or ``authToken``, a machine account's as ``username``/``token`` (which then names the
    tenant in ``tenantId``). The check itself is ``authorize``'s.
    """
    wanted = tenant_header or None
    if wanted is not None and not is_valid_account_id(wanted):
        raise OiapError(Err.PARAMETER, "'tenantId' header is not a tenant ID.")
    token = bearer.credentials if bearer is not None else token_header
    principal = await authorize(request, tenant_id=wanted, body_token=token)
    if principal.kind is PrincipalKind.TENANT:
        return principal.account_id
    if wanted is None:
        raise OiapError(Err.PARAMETER, "A machine account names the tenant in a 'tenantId' header.")
    async with platform_of(request).storage.reader() as repos:
        if await repos.accounts.get_tenant(wanted) is None:
            raise OiapError(Err.NOT_FOUND, f"No tenant '{wanted}'.")
    return wanted
