"""``POST {chat_access_address}``: the end user's turns in a running job (docs/metastudio.md).

The caller is either the project itself (AK/SK or token) or the job's end user, who shows
the ``END_USER`` signature of the start answer in ``X-Chat-Token``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from oiap.api.metastudio import parsing
from oiap.api.metastudio.caller import PlatformDep, caller, refuse_nul_in_path
from oiap.api.platform import platform_of
from oiap.domain.projects import Project
from oiap.services import chat_credentials, job_chat
from oiap.services.job_chat import ChatReply

router = APIRouter(tags=["MetaStudio job chat"])
CHAT_TOKEN_HEADER = "X-Chat-Token"
MAX_TEXT = 1024
"""Characters of one typed turn, as the dialog interface's ``input``."""


class ChatBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    text: Annotated[StrictStr, Field(min_length=1, max_length=MAX_TEXT)] | None = None
    hangup: StrictBool = False


async def chat_caller(request: Request, project_id: str, job_id: str) -> Project:
    token = request.headers.get(CHAT_TOKEN_HEADER)
    if token is None:
        return await caller(request, project_id)
    refuse_nul_in_path(request)
    platform = platform_of(request)
    return await chat_credentials.end_user_project(
        platform.storage, platform.sessions, token, project_id, job_id
    )


def chat_reply(reply: ChatReply) -> dict[str, Any]:
    last = reply.last
    return {
        "job_id": reply.job.job_id,
        "state": reply.job.state.value,
        "job_finish_reason": (
            reply.job.finish_reason.value if reply.job.finish_reason is not None else None
        ),
        "messages": reply.messages,
        "expects": last.get("expects") if last["kind"] == "prompt" else None,
        "dialog_end": reply.ending,
    }


@router.post(
    "/v1/{project_id}/digital-human-chat/smart-chat-rooms/{room_id}/smart-chat-jobs/{job_id}/chat",
    summary="Send the end user's turn to a running job",
)
async def chat(
    room_id: str,
    job_id: str,
    request: Request,
    platform: PlatformDep,
    project: Annotated[Project, Depends(chat_caller)],
) -> JSONResponse:
    body = parsing.parse(ChatBody, await parsing.json_object(request, optional=True))
    reply = await job_chat.chat(
        platform.dialogs,
        platform.storage,
        platform.sessions,
        project,
        room_id,
        job_id,
        body.text,
        model=platform.language_model,
        hang_up=body.hangup,
    )
    return JSONResponse(chat_reply(reply))
