"""Token interfaces (spec §3) and the token check the other OIAP routers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.tenants import Principal
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
            platform.sessions, token=header_token, tenant_id=tenant_id, system_user=header_user
        )
    return await auth.authenticate(platform.sessions, token=body_token, tenant_id=tenant_id)
