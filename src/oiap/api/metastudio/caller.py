"""The project a MetaStudio request speaks for, from its token or its AK/SK signature."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from oiap.adapters.server_key import load_server_key
from oiap.api.platform import Platform, platform_of
from oiap.domain.projects import Project
from oiap.errors import MetaStudioError, MsErr, invalid_parameter
from oiap.services import metastudio_auth
from oiap.services.metastudio_auth import SignedRequest


def server_key_of(request: Request) -> bytes:
    state = request.app.state
    key: bytes | None = getattr(state, "metastudio_server_key", None)
    if key is None:
        key = load_server_key(platform_of(request).settings.database_url)
        state.metastudio_server_key = key
    return key


async def signed_request(request: Request) -> SignedRequest:
    raw_path = request.scope.get("raw_path")
    path = raw_path.decode("latin-1") if raw_path else request.url.path
    query = parse_qsl(
        request.scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True
    )
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.scope["headers"]
    }
    return SignedRequest(request.method, path, query, headers, await request.body())


async def caller(request: Request, project_id: str) -> Project:
    """Authenticates, then insists the path names the caller's own project."""
    platform = platform_of(request)
    token = request.headers.get("x-auth-token")
    if token:
        project = await metastudio_auth.verify_token(platform.storage, platform.sessions, token)
    elif request.headers.get("authorization"):
        project = await metastudio_auth.verify_signature(
            platform.storage,
            platform.sessions,
            server_key_of(request),
            await signed_request(request),
            datetime.now(UTC),
        )
    else:
        raise MetaStudioError(MsErr.GATEWAY_AUTH, "x-auth-token not found.")
    if project.project_id != project_id:
        raise MetaStudioError(MsErr.PROJECT_MISMATCH)
    refuse_nul_in_path(request)
    return project


def refuse_nul_in_path(request: Request) -> None:
    for name, value in request.path_params.items():
        if "\x00" in str(value):
            raise invalid_parameter(name, "must not contain the NUL character")


CallerProject = Annotated[Project, Depends(caller)]
PlatformDep = Annotated[Platform, Depends(platform_of)]
