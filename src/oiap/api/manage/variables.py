"""Management API: GLOBAL variables (``GLOBAL.x`` in flows and templates)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import (
    WRITE_RESPONSES,
    Body,
    Identifier,
    PageAsked,
    PageOut,
    Store,
    Text,
    VariableInPath,
    body_of,
    created_or_replaced,
    named_as_path,
)
from oiap.api.wire import request_schema
from oiap.domain.flows import Variable, VariableType
from oiap.services import bot_management as manage

router = APIRouter(prefix="/oiap/v1/variables", tags=["Management: global variables"])


class VariableData(Body):
    name: Identifier | None = Field(default=None, description="Optional; the path names it.")
    type: VariableType = VariableType.STRING
    default: Any = Field(default=None, description="Of the declared type, or null")
    description: Text = ""


class VariableOut(BaseModel):
    name: str
    type: str
    default: Any = None
    description: str


class VariablePage(PageOut[VariableOut]):
    pass


def _out(variable: Variable) -> VariableOut:
    return VariableOut(
        name=variable.name,
        type=variable.type.value,
        default=variable.default,
        description=variable.description,
    )


@router.get("", response_model=VariablePage, summary="List global variables")
async def list_variables(access: Viewer, storage: Store, asked: PageAsked) -> VariablePage:
    page = await manage.list_variables(storage, access.tenant_id, *asked)
    return VariablePage.of(page, _out)


@router.get("/{name}", response_model=VariableOut, summary="Show a global variable")
async def get_variable(access: Viewer, storage: Store, name: VariableInPath) -> VariableOut:
    return _out(await manage.get_variable(storage, access.tenant_id, name))


@router.put(
    "/{name}",
    response_model=VariableOut,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(VariableData),
    summary="Create or replace a global variable (its type is fixed while used: 20000005)",
)
async def put_variable(
    access: Editor,
    storage: Store,
    name: VariableInPath,
    response: Response,
    data: Annotated[VariableData, body_of(VariableData)],
) -> VariableOut:
    variable = Variable(
        named_as_path(name, data.name, "name"), data.type, data.default, data.description
    )
    stored, created = await manage.put_variable(storage, access.tenant_id, variable)
    created_or_replaced(response, created)
    return _out(stored)


@router.delete(
    "/{name}",
    status_code=204,
    summary="Delete a global variable (refused while a flow or template uses it: 20000004)",
)
async def delete_variable(access: Editor, storage: Store, name: VariableInPath) -> Response:
    await manage.delete_variable(storage, access.tenant_id, name)
    return Response(status_code=204)
