"""``POST /v3/auth/tokens``: IAM-style tokens for a project (spec §2.1).

The password method identifies a project: user name = the project's AK, password = its SK,
``scope.project.id`` (or ``.name``) = the project ID.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from oiap.api.metastudio import parsing
from oiap.api.metastudio.caller import PlatformDep, server_key_of
from oiap.api.metastudio.views import rfc3339
from oiap.errors import invalid_parameter
from oiap.services import metastudio_auth

router = APIRouter(tags=["MetaStudio authentication"])


def _member(data: Any, *path: str) -> Any:
    for name in path:
        if not isinstance(data, dict) or name not in data:
            raise invalid_parameter(".".join(path))
        data = data[name]
    return data


@router.post("/v3/auth/tokens", status_code=201, summary="Obtain a token for a project")
async def create_token(request: Request, platform: PlatformDep) -> JSONResponse:
    body = await parsing.json_object(request)
    methods = _member(body, "auth", "identity", "methods")
    if not isinstance(methods, list) or "password" not in methods:
        raise invalid_parameter("auth.identity.methods", "must contain 'password'")
    user = _member(body, "auth", "identity", "password", "user")
    scope = _member(body, "auth", "scope", "project")
    project_id = scope.get("id") or scope.get("name") if isinstance(scope, dict) else None
    issued = await metastudio_auth.issue_token(
        platform.storage,
        platform.sessions,
        server_key_of(request),
        user_name=str(_member(user, "name")),
        password=str(_member(user, "password")),
        project_id=str(project_id) if project_id else None,
        now=datetime.now(UTC),
    )
    project = issued.project
    token = {
        "methods": ["password"],
        "issued_at": rfc3339(issued.issued_at),
        "expires_at": rfc3339(issued.expires_at),
        "project": {"id": project.project_id, "name": project.name},
        "user": {"id": project.access_key, "name": project.access_key},
    }
    return JSONResponse(
        {"token": token}, status_code=201, headers={"X-Subject-Token": issued.token}
    )
