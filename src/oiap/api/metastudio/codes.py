"""Dialog URL, one-time codes and activation codes (spec §7, §9)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from oiap.api.metastudio import parsing, views
from oiap.api.metastudio.caller import CallerProject, PlatformDep
from oiap.domain.dialog_codes import MAX_VALID_PERIOD
from oiap.errors import invalid_parameter
from oiap.services import chat_credentials, dialog_codes

router = APIRouter(
    prefix="/v1/{project_id}/digital-human-chat", tags=["MetaStudio dialog URL and codes"]
)

Id = Annotated[StrictStr, Field(min_length=1, max_length=64)]
ValidPeriod = Annotated[StrictInt, Field(ge=0, le=MAX_VALID_PERIOD)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DialogUrlBody(Wire):
    room_id: Id
    robot_id: Id


class CreateActiveCodeBody(Wire):
    robot_id: Id
    room_id: Id
    valid_period: ValidPeriod


class UpdateActiveCodeBody(Wire):
    valid_period: ValidPeriod


class ResetActiveCodeBody(Wire):
    clean_auth_credential: StrictBool | None = None
    """Also revoke the chat credentials the hosted page got with the old code."""


@router.post("/create-dialog-url", summary="Create a dialog URL")
async def create_dialog_url(
    request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(DialogUrlBody, await parsing.json_object(request))
    url = await dialog_codes.create_dialog_url(
        platform.storage, project, body.room_id, body.robot_id, str(request.base_url)
    )
    return JSONResponse({"url": url})


@router.post("/once-code", summary="Create a one-time authentication code")
async def create_once_code(platform: PlatformDep, project: CallerProject) -> JSONResponse:
    code = await dialog_codes.create_once_code(platform.sessions, project)
    return JSONResponse({"once_code": code})


@router.post("/active-code", summary="Create an activation code")
async def create_active_code(
    request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(CreateActiveCodeBody, await parsing.json_object(request))
    code = await dialog_codes.create_active_code(
        platform.storage, project, body.robot_id, body.room_id, body.valid_period
    )
    return JSONResponse(views.active_code_info(code))


@router.get("/active-code", summary="Query the activation codes of an application")
async def list_active_codes(
    request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    robot_id = parsing.text_query(request, "robot_id", 64)
    if robot_id is None:
        raise invalid_parameter("robot_id")
    offset = parsing.int_query(request, "offset", 0, 2147483647, 0)
    limit = parsing.int_query(request, "limit", 1, 100, 10)
    count, page = await dialog_codes.list_active_codes(
        platform.storage, project, robot_id, offset, limit
    )
    return JSONResponse(
        {
            "offset": offset,
            "limit": limit,
            "count": count,
            "data": [views.active_code_info(c) for c in page],
        }
    )


@router.post("/active-code/delete", summary="Delete activation codes")
async def delete_active_codes(
    request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    ids = await parsing.json_string_list(request, "body")
    await dialog_codes.delete_active_codes(platform.storage, project, ids)
    return JSONResponse({})


@router.get("/active-code/{active_code_id}", summary="Query an activation code")
async def show_active_code(
    active_code_id: str, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    code = await dialog_codes.get_active_code(platform.storage, project, active_code_id)
    return JSONResponse(views.active_code_info(code))


@router.put("/active-code/{active_code_id}", summary="Modify an activation code")
async def update_active_code(
    active_code_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(UpdateActiveCodeBody, await parsing.json_object(request))
    code = await dialog_codes.update_active_code(
        platform.storage, project, active_code_id, body.valid_period
    )
    return JSONResponse(views.active_code_info(code))


@router.put("/active-code/{active_code_id}/reset", summary="Reset an activation code")
async def reset_active_code(
    active_code_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(ResetActiveCodeBody, await parsing.json_object(request, optional=True))
    code = await dialog_codes.reset_active_code(platform.storage, project, active_code_id)
    if body.clean_auth_credential:
        await chat_credentials.revoke_code_credentials(platform.sessions, code.active_code_id)
    return JSONResponse(views.active_code_info(code))
