"""Interaction record query (spec §10): ``POST /oifde/rest/api/queryHistory``.

As documented, it answers the turns of the caller's latest call, with ``rtnCode`` 0 on
success; failures carry the catalogue's code in ``rtnCode`` and its HTTP status.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oiap.api.oiap.auth import authorize
from oiap.api.platform import platform_of
from oiap.api.wire import MalformedBody, first_problem, read_json_object, request_schema
from oiap.errors import Err, OiapError
from oiap.services.dialog_records import latest_call

router = APIRouter(tags=["OIAP dialog records"])
OUTACTION_TYPE = {9: "TTS", 10: "RELEASE", 11: "TRANSFER", 12: "QUERY"}


class HistoryParams(BaseModel):
    model_config = ConfigDict(extra="ignore")

    userMobile: Annotated[str, Field(min_length=1, max_length=64)]


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: Annotated[str, Field(min_length=1, max_length=64)]
    params: HistoryParams
    authToken: str | None = Field(default=None, max_length=512)


class HistoryBean(BaseModel):
    interNo: str
    userSaying: str
    intention: str
    systemReply: str
    type: str
    timestamp: str
    responseSource: str


class HistoryResponse(BaseModel):
    rtnCode: int = 0
    rtnMsg: str = ""
    beans: list[HistoryBean]
    object: Any = None
    bean: Any = None
    callId: str
    callSorId: str


def _failure(error: OiapError) -> JSONResponse:
    return JSONResponse(
        {"rtnCode": error.error.code, "rtnMsg": error.text}, status_code=error.error.http_status
    )


@router.post(
    "/oifde/rest/api/queryHistory",
    response_model=HistoryResponse,
    openapi_extra=request_schema(HistoryQuery),
    summary="Interaction records of a caller's latest call",
)
async def query_history(request: Request) -> JSONResponse:
    try:
        try:
            query = HistoryQuery.model_validate(await read_json_object(request))
        except ValidationError as exc:
            problem = first_problem(exc)
            raise OiapError(Err.PARAMETER, f"'{problem.field}': {problem.problem}") from exc
        except MalformedBody as exc:
            detail = f"'{exc.field}': {exc.problem}" if exc.field else exc.problem
            raise OiapError(Err.PARAMETER, detail) from exc
        await authorize(request, tenant_id=query.tenantId, body_token=query.authToken)
        platform = platform_of(request)
        await platform.dialogs.recorder.flush()  # this worker's last turns are readable now
        history = await latest_call(platform.storage, query.tenantId, query.params.userMobile)
    except OiapError as exc:
        return _failure(exc)
    if history is None:
        return JSONResponse(
            HistoryResponse(beans=[], callId="", callSorId=query.params.userMobile).model_dump()
        )
    beans = [
        HistoryBean(
            interNo=str(n),
            userSaying=t.input,
            intention=t.intent or "",
            systemReply=t.reply,
            type=OUTACTION_TYPE.get(t.outaction, "TTS"),
            timestamp=t.at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-5],
            responseSource="0",
        )
        for n, t in enumerate(history.turns, start=1)
    ]
    body = HistoryResponse(beans=beans, callId=history.call_id, callSorId=history.calling)
    return JSONResponse(body.model_dump())
