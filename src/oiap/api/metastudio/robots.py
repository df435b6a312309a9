"""``/v1/{project_id}/digital-human-chat/robot``: applications (spec §8)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from oiap.api.metastudio import parsing, views
from oiap.api.metastudio.caller import CallerProject, PlatformDep
from oiap.api.metastudio.robot_wire import CreateRobot, UpdateRobot, ValidateRobot
from oiap.services import robots

router = APIRouter(
    prefix="/v1/{project_id}/digital-human-chat/robot", tags=["MetaStudio applications"]
)


@router.post("", summary="Create an application")
async def create(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    body = parsing.parse(CreateRobot, await parsing.json_object(request))
    robot = await robots.create_robot(
        platform.storage, project, body.model_dump(mode="json", exclude_unset=True)
    )
    return JSONResponse({"robot_id": robot.robot_id})


@router.get("", summary="Query applications")
async def list_(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    offset = parsing.int_query(request, "offset", 0, 2147483647, 0)
    limit = parsing.int_query(request, "limit", 1, 100, 10)
    count, page = await robots.list_robots(
        platform.storage,
        project,
        offset,
        limit,
        parsing.text_query(request, "room_id"),
        parsing.choice_query(request, "robot_type", ("LIVE", "CHAT")),
    )
    return JSONResponse(
        {
            "offset": offset,
            "limit": limit,
            "count": count,
            "data": [views.robot_info(r) for r in page],
        }
    )


@router.post("/delete", summary="Delete applications")
async def delete(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    ids = await parsing.json_string_list(request, "body")
    await robots.delete_robots(platform.storage, project, ids)
    return JSONResponse({})


@router.post("/validate", summary="Verify an application's configuration")
async def validate(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    body = parsing.parse(ValidateRobot, await parsing.json_object(request))
    await robots.validate_robot(
        platform.storage,
        project,
        body.model_dump(mode="json", exclude_unset=True),
        platform.language_model.probe,
    )
    return JSONResponse({})


@router.get("/{robot_id}", summary="Query application details")
async def show(robot_id: str, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    robot = await robots.get_robot(platform.storage, project, robot_id)
    return JSONResponse(views.robot_info(robot))


@router.put("/{robot_id}", summary="Modify an application")
async def update(
    robot_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(UpdateRobot, await parsing.json_object(request))
    await robots.update_robot(
        platform.storage, project, robot_id, body.model_dump(mode="json", exclude_unset=True)
    )
    return JSONResponse({})
