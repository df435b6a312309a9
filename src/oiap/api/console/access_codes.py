"""Management API: access codes, the numbers and robot codes callers reach and the flow each
one starts (docs/api.md "Console: access codes and trying the model").

Writes go through the same use cases as the OIAP binding interfaces (spec §5), so both paths
keep the same rules and a change reaches the next new call as soon as the request answers.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr

from oiap.api.access import Admin, Viewer
from oiap.api.manage.resource import (
    WRITE_RESPONSES,
    Body,
    Code,
    PageAsked,
    PageOut,
    Store,
    body_of,
    created_or_replaced,
)
from oiap.api.wire import request_schema
from oiap.domain.bots import ACCESS_CODE_MAX, DialogType
from oiap.errors import Err, OiapError
from oiap.services import navigation
from oiap.services.bot_management import page_of
from oiap.services.bot_ports import StoredAccessCode
from oiap.services.navigation import BindingInput
from oiap.services.ports import Storage

router = APIRouter(prefix="/oiap/v1/access-codes", tags=["Management: access codes"])

# The bot folder's bindings are intelligent (OIFDE) ones; a code bound here is too, so that
# `oiap bot pull` and `push` carry it unchanged.
NEW_BINDING_SOURCE = "OIFDE"
DESCRIPTION_MAX = 1024

AccessCodeInPath = Annotated[
    str, Path(min_length=1, max_length=ACCESS_CODE_MAX, description="The access code")
]


class AccessCodeData(Body):
    flow: Code = Field(description="The flow a new call on this code starts")
    dialogType: Annotated[StrictInt, Field(ge=1, le=4)] = Field(
        description="1 voice navigation, 2 outbound, 3 chatbot, 4 IVR flow"
    )
    description: Annotated[StrictStr, Field(max_length=DESCRIPTION_MAX)] | None = Field(
        default=None, description="Absent: a new binding has none, a rebinding keeps its own"
    )


class AccessCodeOut(BaseModel):
    code: str
    flow: str
    dialogType: int
    description: str
    source: str


class AccessCodePage(PageOut[AccessCodeOut]):
    pass


def _out(stored: StoredAccessCode) -> AccessCodeOut:
    b = stored.binding
    return AccessCodeOut(
        code=b.access_code,
        flow=b.flow_code,
        dialogType=int(b.dialog_type),
        description=b.description,
        source=b.source,
    )


async def _bindings(storage: Storage, tenant_id: str, code: str | None) -> list[StoredAccessCode]:
    # Every source: the OIAP query shows one source at a time, the console shows them all.
    async with storage.reader() as repos:
        found = await repos.bots.list_access_codes(tenant_id, access_code=code)
    return sorted(found, key=lambda s: (s.binding.access_code, s.access_id))


@router.get("", response_model=AccessCodePage, summary="List access codes and their flows")
async def list_access_codes(access: Viewer, storage: Store, asked: PageAsked) -> AccessCodePage:
    found = await _bindings(storage, access.tenant_id, None)
    return AccessCodePage.of(page_of(found, *asked), _out)


@router.get("/{code}", response_model=AccessCodeOut, summary="Show an access code's binding")
async def get_access_code(access: Viewer, storage: Store, code: AccessCodeInPath) -> AccessCodeOut:
    found = await _bindings(storage, access.tenant_id, code)
    if not found:
        raise OiapError(Err.NOT_FOUND, f"Access code '{code}' is not bound.")
    return _out(found[0])


async def _bind(storage: Storage, tenant_id: str, code: str, data: AccessCodeData) -> bool:
    """Bind or rebind ``code``; True when the binding is new."""
    wanted = BindingInput(
        dialog_type=DialogType(data.dialogType),
        access_code=code,
        flow_code=data.flow,
        description=data.description,
        source=NEW_BINDING_SOURCE,
    )
    for _ in range(2):  # a concurrent first binding of the same code: then rebind it
        existing = await _bindings(storage, tenant_id, code)
        if existing:
            # A rebinding keeps the code, its source and its domain; no access code is
            # passed, so a code stored before today's rules stays rebindable.
            rebind = BindingInput(
                dialog_type=wanted.dialog_type,
                flow_code=wanted.flow_code,
                description=wanted.description,
            )
            await navigation.update_binding(storage, tenant_id, str(existing[0].access_id), rebind)
            return False
        try:
            await navigation.create_binding(storage, tenant_id, wanted, overwrite=False)
        except OiapError as exc:
            if exc.error is not Err.ALREADY_EXISTS:
                raise
            continue
        return True
    raise OiapError(Err.ALREADY_EXISTS, f"Access code '{code}' is being bound; retry.")


@router.put(
    "/{code}",
    response_model=AccessCodeOut,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(AccessCodeData),
    summary="Bind an access code to a flow, or rebind it (the next new call runs the flow)",
)
async def put_access_code(
    access: Admin,
    storage: Store,
    code: AccessCodeInPath,
    response: Response,
    data: Annotated[AccessCodeData, body_of(AccessCodeData)],
) -> AccessCodeOut:
    created = await _bind(storage, access.tenant_id, code, data)
    created_or_replaced(response, created)
    found = await _bindings(storage, access.tenant_id, code)
    if not found:  # unbound again by a concurrent request
        raise OiapError(Err.NOT_FOUND, f"Access code '{code}' is not bound.")
    return _out(found[0])


@router.delete(
    "/{code}",
    status_code=204,
    summary="Unbind an access code (new calls on it are refused: 10000003)",
)
async def delete_access_code(access: Admin, storage: Store, code: AccessCodeInPath) -> Response:
    await navigation.delete_bindings(storage, access.tenant_id, [], [code])
    return Response(status_code=204)
