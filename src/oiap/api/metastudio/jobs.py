"""Dialog jobs (spec §6): start (current and legacy paths), stop, state, list."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from oiap.api.metastudio import parsing, views
from oiap.api.metastudio.caller import CallerProject, PlatformDep
from oiap.api.platform import platform_of
from oiap.api.wire import MalformedBody, RefusedValue, read_json_value
from oiap.domain.jobs import Job, parse_states
from oiap.domain.projects import Project
from oiap.domain.rooms import Room
from oiap.errors import MetaStudioError, MsErr, invalid_parameter
from oiap.services import chat_credentials, job_chat, jobs
from oiap.services.chat_credentials import ChatCredential
from oiap.services.jobs import JobKeeper, JobPolicy

router = APIRouter(tags=["MetaStudio jobs"])
_BASE = "/v1/{project_id}/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs"


def keeper_of(request: Request) -> JobKeeper:
    state = request.app.state
    keeper: JobKeeper | None = getattr(state, "metastudio_job_keeper", None)
    if keeper is None:
        platform = platform_of(request)

        async def hang_up(job: Job) -> None:
            await job_chat.hang_up_ended(platform.dialogs, platform.storage, platform.sessions, job)

        keeper = JobKeeper(platform.storage, platform.sessions, job_policy(request), hang_up)
        state.metastudio_job_keeper = keeper
    return keeper


def job_policy(request: Request) -> JobPolicy:
    policy: JobPolicy = getattr(request.app.state, "metastudio_job_policy", JobPolicy())
    return policy


def _base_url(request: Request) -> str:
    return str(request.base_url)


def _extend_param(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 4096:
        raise MetaStudioError(MsErr.EXTEND_PARAM_INVALID, "It must be JSON text.")
    try:
        # JSON inside JSON: the same limits as a body, as it is read the same way.
        parsed = read_json_value(value.encode("utf-8", "surrogatepass"))
    except RefusedValue as exc:
        raise invalid_parameter(f"extend_param.{exc.field}", exc.problem) from None
    except MalformedBody:
        raise MetaStudioError(MsErr.EXTEND_PARAM_INVALID, "It must be JSON text.") from None
    if not isinstance(parsed, dict):
        raise MetaStudioError(MsErr.EXTEND_PARAM_INVALID, "It must be a JSON object.")
    return value


async def start_and_hold(
    request: Request,
    project: Project,
    room_id: str,
    robot_id: str | None,
    client_id: str | None,
    extend_param: str | None,
    *,
    active_code_id: str | None = None,
) -> tuple[Job, Room, ChatCredential]:
    """Start a job, keep its unit renewed by this worker, mint its end user's credential."""
    platform = platform_of(request)
    job, room = await jobs.start_job(
        platform.storage,
        platform.sessions,
        job_policy(request),
        project,
        room_id,
        robot_id,
        client_id=client_id,
        extend_param=extend_param,
    )
    keeper_of(request).hold(job, room)
    credential = await chat_credentials.issue_credential(
        platform.sessions, job, datetime.now(UTC), active_code_id=active_code_id
    )
    return job, room, credential


@router.post(_BASE, summary="Start an intelligent interaction job")
async def start(room_id: str, request: Request, project: CallerProject) -> JSONResponse:
    robot_id = parsing.text_query(request, "robot_id", 64)
    if robot_id is None:
        raise invalid_parameter("robot_id")
    body = await parsing.json_object(request, optional=True)
    extend = _extend_param(body.get("extend_param"))
    # Already read and checked by ``_extend_param``.
    client_id = orjson.loads(extend).get("client_id") if extend else None
    if isinstance(client_id, int) and not isinstance(client_id, bool):
        client_id = str(client_id)
    if client_id is not None and (not isinstance(client_id, str) or len(client_id) > 256):
        raise MetaStudioError(
            MsErr.EXTEND_PARAM_INVALID, "Its 'client_id' must be text of at most 256 characters."
        )
    job, room, credential = await start_and_hold(
        request, project, room_id, robot_id, client_id or None, extend
    )
    return JSONResponse(views.job_started(job, room, _base_url(request), credential))


@router.post(
    "/v1/{project_id}/smart-chat-rooms/{room_id}/smart-chat-jobs",
    status_code=202,
    summary="Start a job (legacy path; the dialog's own application answers)",
)
async def start_legacy(room_id: str, request: Request, project: CallerProject) -> JSONResponse:
    body = await parsing.json_object(request, optional=True)
    region = body.get("region")
    if region is not None and region not in ("cn-north-4", "cn-southwest-2"):
        raise invalid_parameter("region", "must be cn-north-4 or cn-southwest-2")
    if body.get("room_type") not in (None, "RTC", "METALINK"):
        raise invalid_parameter("room_type", "must be RTC or METALINK")
    client_id = body.get("client_id")
    if client_id is not None and (not isinstance(client_id, str) or len(client_id) > 256):
        raise invalid_parameter("client_id", "must be text of at most 256 characters")
    job, room, credential = await start_and_hold(
        request, project, room_id, None, client_id or None, None
    )
    started = views.job_started(job, room, _base_url(request), credential)
    started["region"] = region or started["region"]
    return JSONResponse(started, status_code=202)


@router.post(_BASE + "/{job_id}/stop", summary="End a job")
async def stop(
    room_id: str, job_id: str, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    await job_chat.stop(
        platform.dialogs, platform.storage, platform.sessions, project, room_id, job_id
    )
    return JSONResponse({})


@router.get(_BASE + "/{job_id}/state", summary="Query a job")
async def state(
    room_id: str, job_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    now = datetime.now(UTC)
    job, room = await jobs.show_job(platform.storage, platform.sessions, project, room_id, job_id)
    return JSONResponse(views.job_state(job, room, now, _base_url(request)))


@router.get(_BASE, summary="Query the jobs of a dialog")
async def list_(
    room_id: str, request: Request, platform: PlatformDep, project: CallerProject
) -> JSONResponse:
    states = None
    raw = parsing.text_query(request, "state", 512)
    if raw is not None:
        states = parse_states(raw)
        if states is None:
            raise invalid_parameter("state", "names an unknown job state")
    offset = parsing.int_query(request, "offset", 0, 2147483647, 0)
    limit = parsing.int_query(request, "limit", 1, 100, 10)
    now = datetime.now(UTC)
    count, page, room = await jobs.list_jobs(
        platform.storage, platform.sessions, project, room_id, states, offset, limit, now
    )
    return JSONResponse(
        {"count": count, "smart_chat_jobs": [views.job_base_info(j, room, now) for j in page]}
    )
