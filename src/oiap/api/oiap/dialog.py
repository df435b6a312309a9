"""The dialog interface ``crs/process`` (spec §7), V1 and V2.

Errors are answered in the dialog envelope: ``ret`` carries the catalogue's code (never 0),
with ``errorCode``/``errorMsg`` beside it and the catalogue's HTTP status (a session store
that cannot be reached: 10000001, HTTP 503, ``userid`` echoed like every error); see
docs/dialog-protocol.md for this and every other choice on the spec's open points.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from oiap.api.oiap.auth import authorize
from oiap.api.oiap.dialog_wire import error_body, parse_request, render, side_response
from oiap.api.platform import platform_of
from oiap.api.wire import MalformedBody, read_json_object, request_schema
from oiap.domain.tenants import PrincipalKind
from oiap.errors import Err, OiapError
from oiap.services.ports import StoreUnavailable, unavailable_error

router = APIRouter(tags=["OIAP dialog"])
DEBUG_HEADER = "X-OIAP-Debug"  # "1": add a ``debug`` object (path, variables) to the response


class DialogRequest(BaseModel):
    """Documentation of the request; parsing is done by ``dialog_wire.parse_request``."""

    model_config = ConfigDict(extra="allow")

    userid: str = Field(max_length=64)
    inaction: int | str = Field(description="8 initialise, 9, 11, 12 continue; 7, 13 side")
    seat: str | None = None
    inparams: dict[str, Any]
    extparams: dict[str, Any] | None = None


class DialogResponse(BaseModel):
    ret: int
    userid: str
    outaction: int
    outparams: dict[str, str]


_DOC: dict[str, Any] = request_schema(DialogRequest)


async def _process(request: Request) -> JSONResponse:
    userid: object = None
    try:
        try:
            body = await read_json_object(request)
        except MalformedBody as exc:
            detail = f"'{exc.field}': {exc.problem}" if exc.field else exc.problem
            raise OiapError(Err.PARAMETER, detail) from exc
        userid = body.get("userid")
        turn = parse_request(body)
        principal = await authorize(
            request, tenant_id=None, body_token=turn.inparams.get("auth_token")
        )
        if turn.inaction in (7, 13):
            return JSONResponse(side_response(turn))
        dialogs = platform_of(request).dialogs
        # Bot authors' tools ask for the node path and variables; a dialog is kept per
        # tenant, so a tenant's token only ever sees the dialogs of its own tenant.
        debug = request.headers.get(DEBUG_HEADER) == "1"
        if principal.kind is PrincipalKind.SYSTEM:
            # The AICC/CEC (spec §3.2) acts for every tenant: the access code names the
            # tenant whose dialog this is (docs/dialog-protocol.md, "System accounts").
            response = await dialogs.process_for_system(turn, render, debug=debug)
        else:
            response = await dialogs.process(principal.account_id, turn, render, debug=debug)
        return JSONResponse(response)
    except OiapError as exc:
        return JSONResponse(error_body(userid, exc), status_code=exc.error.http_status)
    except StoreUnavailable as exc:
        # Logged (rate-limited) by the store; the IVR retries and the dialog continues.
        unavailable = OiapError(unavailable_error(exc))
        return JSONResponse(error_body(userid, unavailable), status_code=503)


@router.post(
    "/oifde/rest/crs/process",
    response_model=DialogResponse,
    openapi_extra=_DOC,
    summary="Dialog interface (V1): initialise, interact, transfer, hang up",
)
async def process_v1(request: Request) -> JSONResponse:
    return await _process(request)


@router.post(
    "/oifde/rest/v2/crs/process/{vdnId}",
    response_model=DialogResponse,
    openapi_extra=_DOC,
    summary="Dialog interface (V2): same contract; the vdnId routes gray releases upstream",
)
async def process_v2(vdnId: str, request: Request) -> JSONResponse:
    return await _process(request)
