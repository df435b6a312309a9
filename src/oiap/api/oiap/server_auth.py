"""Authorization interface (spec §10): ``POST /chatbot/serverauth/login``, a challenge login."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from oiap.api.metastudio.caller import server_key_of
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import parse_model, read_json_object, request_schema
from oiap.services import server_auth
from oiap.services.auth import GrantedToken

router = APIRouter(tags=["OIAP authentication"])


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    account: str | None = Field(default=None, max_length=server_auth.ACCOUNT_MAX)
    nonce: str | None = Field(default=None, max_length=server_auth.NONCE_MAX)
    checksum: str | None = Field(
        default=None,
        max_length=server_auth.CHECKSUM_MAX,
        description="HMAC-SHA256 of 'nonce' under the account's login key, hex or Base64.",
    )


class LoginGranted(BaseModel):
    token: str = Field(description="A token of the account, as gettoken's 'authToken'.")
    duration: int = Field(description="Seconds the token is valid.")


class LoginChallenge(BaseModel):
    error: str
    errorCode: int
    nonce: str = Field(description="Sign this one next; it is good for one answer.")


async def _login_body(request: Request) -> LoginRequest:
    # A client asking for its first nonce may send nothing at all.
    if not await request.body():
        return LoginRequest()
    return parse_model(LoginRequest, await read_json_object(request))


@router.post(
    "/chatbot/serverauth/login",
    response_model=LoginGranted,
    responses={401: {"model": LoginChallenge, "description": "Sign the nonce given and retry."}},
    openapi_extra=request_schema(LoginRequest),
    summary="Challenge login: a token for the HMAC of a nonce under the account's login key",
)
async def login(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[LoginRequest, Depends(_login_body)],
) -> LoginGranted | JSONResponse:
    outcome = await server_auth.login(
        platform.storage,
        platform.sessions,
        platform.auth_policy,
        server_key_of(request),
        account=body.account,
        nonce=body.nonce,
        checksum=body.checksum,
        nonce_ttl=platform.settings.serverauth_nonce_ttl,
    )
    if isinstance(outcome, GrantedToken):
        return LoginGranted(token=outcome.auth_token, duration=outcome.expire_time)
    refusal = LoginChallenge(
        error=outcome.text, errorCode=outcome.error.value.code, nonce=outcome.nonce
    )
    return JSONResponse(refusal.model_dump(), status_code=outcome.error.http_status)
