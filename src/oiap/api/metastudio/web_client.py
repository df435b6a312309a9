"""The hosted dialog page (``GET /icswebclient``) and the redemption of its codes (spec §7, §9).

The page is one self-contained HTML file. It sends the end user's code to
``POST /v1/{project_id}/digital-human-chat/web-client/jobs``, which needs no AK/SK (the
code is the credential), starts a job and answers as a job start does; the page then chats
through the job's ``chat_access_address`` with the ``END_USER`` signature.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from oiap.api.metastudio import parsing, views
from oiap.api.metastudio.caller import PlatformDep, refuse_nul_in_path
from oiap.api.metastudio.jobs import start_and_hold
from oiap.errors import invalid_parameter
from oiap.services import web_client
from oiap.services.dialog_codes import WEB_CLIENT_PATH

router = APIRouter(tags=["MetaStudio hosted dialog page"])

Id = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Code = Annotated[StrictStr, Field(min_length=1, max_length=64)]
_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)


class RedeemBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    robot_id: Id
    room_id: Id | None = None
    active_code: Code | None = None
    once_code: Code | None = None


@cache
def _page() -> str:
    return resources.files("oiap.api.metastudio").joinpath("web_client.html").read_text("utf-8")


@router.get(f"/{WEB_CLIENT_PATH}", response_class=HTMLResponse, summary="The hosted dialog page")
async def page() -> HTMLResponse:
    # Nothing of the request is written into the page: it reads its own query string.
    return HTMLResponse(
        _page(), headers={"Content-Security-Policy": _POLICY, "Cache-Control": "no-cache"}
    )


@router.post(
    "/v1/{project_id}/digital-human-chat/web-client/jobs",
    summary="Redeem an activation code or a one-time code and start a job",
)
async def redeem(project_id: str, request: Request, platform: PlatformDep) -> JSONResponse:
    refuse_nul_in_path(request)
    body = parsing.parse(RedeemBody, await parsing.json_object(request))
    if (body.active_code is None) == (body.once_code is None):
        raise invalid_parameter("active_code", "or 'once_code' must be given, not both")
    client = request.client.host if request.client else "unknown"
    if body.active_code is not None:
        entry = await web_client.redeem_active_code(
            platform.storage, platform.sessions, project_id, body.robot_id, body.active_code, client
        )
        return await _start(request, entry)
    # A one-time code is spent only by a start that succeeds.
    async with web_client.redeeming_once_code(
        platform.storage,
        platform.sessions,
        project_id,
        body.room_id,
        body.robot_id,
        body.once_code or "",
        client,
    ) as entry:
        return await _start(request, entry)


async def _start(request: Request, entry: web_client.PageEntry) -> JSONResponse:
    job, room, credential = await start_and_hold(
        request,
        entry.project,
        entry.room_id,
        entry.robot_id,
        None,
        None,
        active_code_id=entry.active_code_id,
    )
    started = views.job_started(job, room, str(request.base_url), credential)
    return JSONResponse({**started, "room_id": room.room_id})
