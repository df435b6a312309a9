"""Management API: publishing a flow's draft, its immutable versions, and the routing that
chooses a version per calling number (default version and gray rules; rollback)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr, model_validator

from oiap.api.access import Admin, Editor, Viewer
from oiap.api.manage.flows import FlowDefinition, definition_out
from oiap.api.manage.resource import (
    NUMBER_MAX,
    PRINTABLE,
    Body,
    CodeInPath,
    PageAsked,
    PageOut,
    Store,
    VersionInPath,
    body_of,
    created_or_replaced,
    timestamp,
)
from oiap.api.wire import parse_model, read_json_object, request_schema
from oiap.domain.flow_versions import GrayRule
from oiap.domain.flows import flow_from_data
from oiap.services import bot_management as manage
from oiap.services import flow_publishing
from oiap.services.bot_ports import FlowVersion

router = APIRouter(prefix="/oiap/v1/flows/{code}", tags=["Management: flow versions"])

NUMBER_LENGTH_MAX = 32
RULE_ENTRIES_MAX = 10_000

CallingNumber = Annotated[
    StrictStr, Field(min_length=1, max_length=NUMBER_LENGTH_MAX, pattern=PRINTABLE)
]
VersionNumber = Annotated[StrictInt, Field(ge=1, le=NUMBER_MAX)]


class GrayOut(BaseModel):
    numbers: list[str]
    prefixes: list[str]


class VersionOut(BaseModel):
    number: int
    default: bool
    gray: GrayOut | None
    published_at: str
    published_by: str | None = Field(
        default=None, description="Who published it: a console user, the account, or 'cli'"
    )
    note: str | None = Field(default=None, description="What the publisher wrote about it")


class VersionDetail(VersionOut):
    flow: FlowDefinition = Field(description="The published flow; never changes")


class VersionPage(PageOut[VersionOut]):
    pass


class PublishData(Body):
    """Optional: a publish without a body records no note."""

    note: Annotated[StrictStr, Field(max_length=flow_publishing.NOTE_MAX)] | None = None


async def publish_data(request: Request) -> PublishData:
    if not (await request.body()).strip():
        return PublishData()
    return parse_model(PublishData, await read_json_object(request))


def _optional_body(model: type[BaseModel]) -> dict[str, object]:
    schema = request_schema(model)
    schema["requestBody"]["required"] = False
    return schema


class GrayData(Body):
    """Calling numbers sent to ``version``: exact ``numbers`` or ``prefixes``; the most
    specific match wins."""

    version: VersionNumber
    numbers: Annotated[list[CallingNumber], Field(max_length=RULE_ENTRIES_MAX)] = Field(
        default_factory=list
    )
    prefixes: Annotated[list[CallingNumber], Field(max_length=RULE_ENTRIES_MAX)] = Field(
        default_factory=list
    )


class RoutingData(Body):
    READ_ONLY = frozenset({"selected"})

    default: VersionNumber = Field(description="Takes every call no gray rule names")
    gray: list[GrayData] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_rule_per_version(self) -> RoutingData:
        seen: set[int] = set()
        for rule in self.gray:
            if rule.version in seen:
                raise ValueError(f"version {rule.version} has more than one gray rule")
            seen.add(rule.version)
        return self


class GrayRuleOut(GrayOut):
    version: int


class RoutingOut(BaseModel):
    default: int | None
    gray: list[GrayRuleOut]
    selected: int | None = Field(
        default=None, description="With ?calling_number=: the version that number gets"
    )


def _gray(rule: GrayRule | None) -> GrayOut | None:
    return GrayOut(numbers=list(rule.numbers), prefixes=list(rule.prefixes)) if rule else None


def _summary(version: FlowVersion) -> VersionOut:
    return VersionOut(
        number=version.number,
        default=version.is_default,
        gray=_gray(version.gray),
        published_at=timestamp(version.published_at),
        published_by=version.published_by,
        note=version.note,
    )


def _detail(version: FlowVersion) -> VersionDetail:
    flow = flow_from_data(json.loads(version.definition))
    return VersionDetail(**_summary(version).model_dump(), flow=definition_out(flow))


def _routing(routing: manage.Routing) -> RoutingOut:
    return RoutingOut(
        default=routing.default,
        gray=[
            GrayRuleOut(version=n, numbers=list(r.numbers), prefixes=list(r.prefixes))
            for n, r in sorted(routing.gray.items())
        ],
        selected=routing.selected,
    )


@router.post(
    "/publish",
    response_model=VersionDetail,
    response_model_exclude_none=True,
    openapi_extra=_optional_body(PublishData),
    responses={
        201: {"description": "A new version"},
        200: {"description": "The draft equals the latest version; nothing new"},
        422: {"description": "The draft does not pass the publishing checks; see 'problems'"},
    },
    summary="Publish the draft as a new immutable version",
)
async def publish(
    access: Admin,
    storage: Store,
    code: CodeInPath,
    response: Response,
    data: Annotated[PublishData, Depends(publish_data)],
) -> VersionDetail:
    version, created = await flow_publishing.publish_draft(
        storage, access.tenant_id, code, published_by=access.actor, note=data.note
    )
    created_or_replaced(response, created)
    return _detail(version)


@router.get(
    "/versions",
    response_model=VersionPage,
    response_model_exclude_none=True,
    summary="List published versions",
)
async def list_versions(
    access: Viewer, storage: Store, code: CodeInPath, asked: PageAsked
) -> VersionPage:
    page = await manage.list_versions(storage, access.tenant_id, code, *asked)
    return VersionPage.of(page, _summary)


@router.get(
    "/versions/{number}",
    response_model=VersionDetail,
    response_model_exclude_none=True,
    summary="Show a published version",
)
async def get_version(
    access: Viewer, storage: Store, code: CodeInPath, number: VersionInPath
) -> VersionDetail:
    return _detail(await manage.get_version(storage, access.tenant_id, code, number))


@router.put(
    "/versions/{number}",
    responses={409: {"description": "Always 20000001: published versions are immutable"}},
    summary="Refused: a published version cannot be modified (20000001)",
)
@router.delete(
    "/versions/{number}",
    responses={409: {"description": "Always 20000001: published versions are immutable"}},
    summary="Refused: a published version cannot be deleted (20000001)",
)
async def change_version(
    access: Editor, storage: Store, code: CodeInPath, number: VersionInPath
) -> None:
    await manage.change_version(storage, access.tenant_id, code, number)


@router.get(
    "/routing",
    response_model=RoutingOut,
    response_model_exclude_none=True,
    summary="The default version and gray rules; optionally the version a number gets",
)
async def get_routing(
    access: Viewer,
    storage: Store,
    code: CodeInPath,
    calling_number: Annotated[
        str | None,
        Query(min_length=1, max_length=NUMBER_LENGTH_MAX, pattern=PRINTABLE),
    ] = None,
) -> RoutingOut:
    return _routing(await manage.get_routing(storage, access.tenant_id, code, calling_number))


@router.put(
    "/routing",
    response_model=RoutingOut,
    response_model_exclude_none=True,
    openapi_extra=request_schema(RoutingData),
    summary="Set the default version (an older one rolls back) and the gray rules",
)
async def put_routing(
    access: Admin,
    storage: Store,
    code: CodeInPath,
    data: Annotated[RoutingData, body_of(RoutingData)],
) -> RoutingOut:
    gray = {g.version: GrayRule(tuple(g.numbers), tuple(g.prefixes)) for g in data.gray}
    return _routing(
        await manage.put_routing(storage, access.tenant_id, code, default=data.default, gray=gray)
    )
