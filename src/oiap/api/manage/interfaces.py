"""Management API: business interfaces (third-party HTTP calls made by invoke nodes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr, field_validator

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import (
    WRITE_RESPONSES,
    Body,
    Name,
    NameInPath,
    PageAsked,
    PageOut,
    Store,
    Text,
    body_of,
    created_or_replaced,
    named_as_path,
)
from oiap.api.wire import request_schema
from oiap.domain.flows import BusinessInterface, InterfaceParameter
from oiap.services import bot_management as manage

router = APIRouter(prefix="/oiap/v1/interfaces", tags=["Management: business interfaces"])

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "TUC")
PARAMETERS_MAX = 200


class ValueParameter(Body):
    name: Name
    value: Text = Field(default="", description="A constant or ${FLOW.x} / ${GLOBAL.y}")
    description: Text = ""


class PathParameter(Body):
    name: Name
    path: Text = Field(default="", description="JSON path into the response, e.g. result.name")
    description: Text = ""


class InterfaceData(Body):
    name: Name | None = Field(default=None, description="Optional; the path names it.")
    method: StrictStr = Field(default="POST", description=", ".join(METHODS))
    url: Annotated[
        StrictStr, Field(min_length=1, max_length=2048, pattern=r"^(https?://|/)[^\x00-\x20]*$")
    ]
    timeout: Annotated[StrictInt, Field(ge=1, le=60, description="Seconds")] = 5
    inputs: Annotated[list[ValueParameter], Field(max_length=PARAMETERS_MAX)] = Field(
        default_factory=list
    )
    outputs: Annotated[list[PathParameter], Field(max_length=PARAMETERS_MAX)] = Field(
        default_factory=list
    )
    headers: Annotated[list[ValueParameter], Field(max_length=PARAMETERS_MAX)] = Field(
        default_factory=list
    )
    description: Text = ""

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if value.upper() not in METHODS:
            raise ValueError(f"must be one of {', '.join(METHODS)}")
        return value


class ParameterOut(BaseModel):
    name: str
    value: str
    description: str


class OutputOut(BaseModel):
    name: str
    path: str
    description: str


class InterfaceOut(BaseModel):
    name: str
    method: str
    url: str
    timeout: int
    inputs: list[ParameterOut]
    outputs: list[OutputOut]
    headers: list[ParameterOut]
    description: str


class InterfacePage(PageOut[InterfaceOut]):
    pass


def _interface(name: str, data: InterfaceData) -> BusinessInterface:
    def values(items: list[ValueParameter]) -> tuple[InterfaceParameter, ...]:
        return tuple(InterfaceParameter(p.name, p.value, p.description) for p in items)

    return BusinessInterface(
        name=name,
        method=data.method,
        url=data.url,
        timeout=data.timeout,
        inputs=values(data.inputs),
        outputs=tuple(InterfaceParameter(p.name, p.path, p.description) for p in data.outputs),
        headers=values(data.headers),
        description=data.description,
    )


def _out(i: BusinessInterface) -> InterfaceOut:
    def values(items: tuple[InterfaceParameter, ...]) -> list[ParameterOut]:
        return [ParameterOut(name=p.name, value=p.value, description=p.description) for p in items]

    return InterfaceOut(
        name=i.name,
        method=i.method,
        url=i.url,
        timeout=i.timeout,
        inputs=values(i.inputs),
        outputs=[
            OutputOut(name=p.name, path=p.value, description=p.description) for p in i.outputs
        ],
        headers=values(i.headers),
        description=i.description,
    )


@router.get("", response_model=InterfacePage, summary="List business interfaces")
async def list_interfaces(access: Viewer, storage: Store, asked: PageAsked) -> InterfacePage:
    page = await manage.list_interfaces(storage, access.tenant_id, *asked)
    return InterfacePage.of(page, _out)


@router.get("/{name}", response_model=InterfaceOut, summary="Show a business interface")
async def get_interface(access: Viewer, storage: Store, name: NameInPath) -> InterfaceOut:
    return _out(await manage.get_interface(storage, access.tenant_id, name))


@router.put(
    "/{name}",
    response_model=InterfaceOut,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(InterfaceData),
    summary="Create or replace a business interface (10000006/7/8: a repeated parameter name)",
)
async def put_interface(
    access: Editor,
    storage: Store,
    name: NameInPath,
    response: Response,
    data: Annotated[InterfaceData, body_of(InterfaceData)],
) -> InterfaceOut:
    interface = _interface(named_as_path(name, data.name, "name"), data)
    stored, created = await manage.put_interface(storage, access.tenant_id, interface)
    created_or_replaced(response, created)
    return _out(stored)


@router.delete(
    "/{name}",
    status_code=204,
    summary="Delete a business interface (refused while a flow invokes it: 20000003)",
)
async def delete_interface(access: Editor, storage: Store, name: NameInPath) -> Response:
    await manage.delete_interface(storage, access.tenant_id, name)
    return Response(status_code=204)
