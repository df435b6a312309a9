"""Management API: reply templates (texts that may use ``${FLOW.x}``, ``${GLOBAL.y}``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

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
from oiap.domain.flows import Template
from oiap.services import bot_management as manage

router = APIRouter(prefix="/oiap/v1/templates", tags=["Management: templates"])


class TemplateData(Body):
    name: Name | None = Field(default=None, description="Optional; the path names it.")
    text: Text
    description: Text = ""


class TemplateOut(BaseModel):
    name: str
    text: str
    description: str


class TemplatePage(PageOut[TemplateOut]):
    pass


def _out(template: Template) -> TemplateOut:
    return TemplateOut(name=template.name, text=template.text, description=template.description)


@router.get("", response_model=TemplatePage, summary="List templates")
async def list_templates(access: Viewer, storage: Store, asked: PageAsked) -> TemplatePage:
    page = await manage.list_templates(storage, access.tenant_id, *asked)
    return TemplatePage.of(page, _out)


@router.get("/{name}", response_model=TemplateOut, summary="Show a template")
async def get_template(access: Viewer, storage: Store, name: NameInPath) -> TemplateOut:
    return _out(await manage.get_template(storage, access.tenant_id, name))


@router.put(
    "/{name}",
    response_model=TemplateOut,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(TemplateData),
    summary="Create or replace a template (every ${GLOBAL.x} it uses must exist)",
)
async def put_template(
    access: Editor,
    storage: Store,
    name: NameInPath,
    response: Response,
    data: Annotated[TemplateData, body_of(TemplateData)],
) -> TemplateOut:
    template = Template(named_as_path(name, data.name, "name"), data.text, data.description)
    stored, created = await manage.put_template(storage, access.tenant_id, template)
    created_or_replaced(response, created)
    return _out(stored)


@router.delete(
    "/{name}",
    status_code=204,
    summary="Delete a template (refused while a flow replies with it: 20000003)",
)
async def delete_template(access: Editor, storage: Store, name: NameInPath) -> Response:
    await manage.delete_template(storage, access.tenant_id, name)
    return Response(status_code=204)
