"""``/v1/{project_id}/smart-chat-rooms``: interactive dialogs (spec §5)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from oiap.api.metastudio import parsing, views
from oiap.api.metastudio.caller import CallerProject, PlatformDep
from oiap.api.metastudio.room_wire import RoomBody
from oiap.domain.rooms import RoomFilter
from oiap.services import rooms

router = APIRouter(prefix="/v1/{project_id}/smart-chat-rooms", tags=["MetaStudio dialogs"])


@router.post("", summary="Create an interactive dialog")
async def create(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    body = parsing.parse(RoomBody, await parsing.json_object(request))
    room = await rooms.create_room(
        platform.storage, project, body.model_dump(mode="json", exclude_unset=True)
    )
    return JSONResponse({"room_id": room.room_id})


@router.get("", summary="Query interactive dialogs")
async def list_(request: Request, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    query = RoomFilter(
        offset=parsing.int_query(request, "offset", 0, 2147483647, 0),
        limit=parsing.int_query(request, "limit", 1, 100, 10),
        room_name=parsing.text_query(request, "room_name"),
        model_name=parsing.text_query(request, "model_name"),
        start_time=parsing.time_query(request, "start_time"),
        end_time=parsing.time_query(request, "end_time"),
    )
    found, page = await rooms.list_rooms(platform.storage, project, query)
    return JSONResponse(
        {
            "count": found.count,
            "count_concurrency": found.count_concurrency,
            "count_client_nums": found.count_client_nums,
            "count_client_nums_token": found.count_client_nums_token,
            "smart_chat_rooms": [views.room_base_info(r) for r in page],
        }
    )


@router.get("/{room_id}", summary="Query interactive dialog details")
async def show(room_id: str, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    room = await rooms.get_room(platform.storage, project, room_id)
    return JSONResponse(views.room_detail(room))


@router.put("/{room_id}", summary="Update an interactive dialog")
async def update(
    room_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    body = parsing.parse(RoomBody, await parsing.json_object(request))
    room = await rooms.update_room(
        platform.storage, project, room_id, body.model_dump(mode="json", exclude_unset=True)
    )
    return JSONResponse(views.room_detail(room))


@router.delete("/{room_id}", summary="Delete an interactive dialog")
async def delete(room_id: str, platform: PlatformDep, project: CallerProject) -> JSONResponse:
    await rooms.delete_room(platform.storage, project, room_id)
    return JSONResponse({})
