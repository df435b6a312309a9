"""Q&A (FAQ) configuration interfaces (spec §9): groups and their questions and answers.

This family answers ``errorCode`` as a string, ``"0"`` on success. Its routes use
``TextCodeRoute``, which renders every failure of this router, malformed bodies and token
errors included, with the code as a string; the other OIAP routes keep integer codes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from oiap.api.oiap.auth import authorize
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import BodyTooLarge, MalformedBody, json_body, request_schema
from oiap.domain.faq import (
    FAQ_LANGUAGES,
    GROUP_DESCRIPTION_MAX,
    GROUP_NAME_MAX,
    KEYWORDS_MAX,
    SIMILAR_MAX,
    STATEMENT_MAX,
    Faq,
    FaqGroup,
)
from oiap.errors import Err, OiapError, parameter_error
from oiap.services import faq_management
from oiap.services.bot_ports import StoredFaq, StoredFaqGroup
from oiap.services.faq_management import GroupChange

log = logging.getLogger("oiap")

ID_MAX = 2**31 - 1  # ids are 32-bit integer columns; larger ones cannot exist
PAGE_SIZE_MAX = 100
KEYWORD_MAX = 64
DEFAULT_LANGUAGE = "en_US"


class TextCodeRoute(APIRoute):
    """Renders a failure of this family with ``errorCode`` as a string (spec §9)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def with_text_codes(request: Request) -> Response:
            try:
                return await handle(request)
            except OiapError as exc:
                error = exc
            except MalformedBody as exc:
                detail = f"'{exc.field}': {exc.problem}" if exc.field else exc.problem
                error = OiapError(Err.PARAMETER, detail)
            except BodyTooLarge:
                error = OiapError(Err.BODY_TOO_LARGE)
            except Exception:
                log.exception("unhandled error on %s %s", request.method, request.url.path)
                error = OiapError(Err.INTERNAL)
            return JSONResponse(error.text_code_body(), status_code=error.error.http_status)

        return with_text_codes


router = APIRouter(tags=["OIAP Q&A (FAQ)"], route_class=TextCodeRoute)

PATH_PREFIXES = ("/oifde/rest/api/faqGroup/", "/oifde/rest/api/faq/")


def too_large(fallback: ASGIApp) -> ASGIApp:
    """The body-limit refusal, which comes before routing, with this family's string code."""

    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        if not str(scope.get("path", "")).startswith(PATH_PREFIXES):
            await fallback(scope, receive, send)
            return
        error = OiapError(Err.BODY_TOO_LARGE)
        response = JSONResponse(error.text_code_body(), status_code=error.error.http_status)
        await response(scope, receive, send)

    return respond


def _not_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    return value


ObjectId = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=ID_MAX)]
PageNum = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=ID_MAX)]
PageSize = Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=PAGE_SIZE_MAX)]
TenantId = Annotated[str, Field(min_length=1, max_length=64)]
Statement = Annotated[str, Field(min_length=1, max_length=STATEMENT_MAX)]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


def _faq_language(value: str | None) -> str | None:
    if value is not None and value not in FAQ_LANGUAGES:
        raise ValueError(f"must be one of {', '.join(sorted(FAQ_LANGUAGES))}")
    return value


def _new_id(value: int | None) -> int | None:
    if value is not None and value != -1:
        raise ValueError("must be -1 or absent when creating")
    return value


# --- request bodies -----------------------------------------------------------------------


class FaqRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    authToken: str | None = Field(default=None, max_length=512)


class TenantRequest(FaqRequest):
    tenantId: TenantId


class FaqGroupIn(BaseModel):
    """``FaqModel`` as a client sends it; ``updateTime`` and ``amount`` are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[int, BeforeValidator(_not_bool)] | None = None
    tenantId: TenantId | None = None
    name: str = Field(min_length=1, max_length=GROUP_NAME_MAX)
    description: str | None = Field(default=None, max_length=GROUP_DESCRIPTION_MAX)
    language: str | None = None
    on: bool | None = None

    _language = field_validator("language")(_faq_language)


class NewFaqGroupIn(FaqGroupIn):
    _id = field_validator("id")(_new_id)


class ChangedFaqGroupIn(FaqGroupIn):
    id: ObjectId


class GroupCreate(FaqRequest):
    tenantId: TenantId | None = None  # the documented body carries it in the model only
    model: NewFaqGroupIn


class GroupUpdate(FaqRequest):
    tenantId: TenantId | None = None
    model: ChangedFaqGroupIn


class GroupQuery(TenantRequest):
    language: str | None = None
    name: str | None = Field(default=None, max_length=GROUP_NAME_MAX)
    pageNum: PageNum
    pageSize: PageSize

    _blank = field_validator("language", "name", mode="before")(_blank_is_none)
    _language = field_validator("language")(_faq_language)


class GroupDelete(TenantRequest):
    faqGroupIds: list[ObjectId] = Field(min_length=1)


class GroupStatus(TenantRequest):
    faqGroupId: ObjectId
    on: bool | None = None  # absent or null: deactivate, as documented


class SimStatementUnit(BaseModel):
    """A similar question or answer; ``id`` and ``elementId`` are ours to assign."""

    model_config = ConfigDict(extra="ignore")

    id: int | None = None
    elementId: int | None = None
    statement: Statement
    type: Literal["Q", "A"] | None = None


class KeywordUnit(BaseModel):
    model_config = ConfigDict(extra="ignore")

    w: str = Field(min_length=1, max_length=KEYWORD_MAX)

    @field_validator("w")
    @classmethod
    def _no_bar(cls, value: str) -> str:
        if "|" in value or not value.strip():
            raise ValueError("must be non-blank and may not contain '|'")
        return value


def _of_type(kind: str) -> Callable[[list[SimStatementUnit] | None], list[SimStatementUnit]]:
    def check(units: list[SimStatementUnit] | None) -> list[SimStatementUnit]:
        for unit in units or []:
            if unit.type not in (None, kind):
                raise ValueError(f"statements here have type '{kind}'")
        return units or []

    return check


class FaqElementIn(BaseModel):
    """``FaqElementModel`` as a client sends it."""

    model_config = ConfigDict(extra="ignore")

    id: Annotated[int, BeforeValidator(_not_bool)] | None = None
    faqGroupId: ObjectId
    question: Statement
    simQuestions: list[SimStatementUnit] | None = Field(default=None, max_length=SIMILAR_MAX)
    answer: Statement
    simAnswers: list[SimStatementUnit] | None = Field(default=None, max_length=SIMILAR_MAX)
    keywords: list[KeywordUnit] | None = Field(default=None, max_length=KEYWORDS_MAX)

    _questions = field_validator("simQuestions")(_of_type("Q"))
    _answers = field_validator("simAnswers")(_of_type("A"))

    def faq(self) -> Faq:
        return Faq(
            question=self.question,
            answer=self.answer,
            similar=tuple(u.statement for u in self.simQuestions or []),
            keywords=tuple(k.w for k in self.keywords or []),
            similar_answers=tuple(u.statement for u in self.simAnswers or []),
        )


class NewFaqElementIn(FaqElementIn):
    _id = field_validator("id")(_new_id)


class ChangedFaqElementIn(FaqElementIn):
    id: ObjectId


class FaqCreate(TenantRequest):
    model: NewFaqElementIn


class FaqUpdate(TenantRequest):
    model: ChangedFaqElementIn


class FaqQuery(TenantRequest):
    faqGroupId: ObjectId
    name: str | None = Field(default=None, max_length=STATEMENT_MAX)
    pageNum: PageNum
    pageSize: PageSize


class FaqDelete(TenantRequest):
    faqGroupId: ObjectId
    faqIds: list[ObjectId] = Field(min_length=1)


# --- response bodies ----------------------------------------------------------------------


class FaqModel(BaseModel):
    id: int
    tenantId: str
    name: str
    description: str
    language: str
    updateTime: int
    on: bool
    amount: int


class SimStatementOut(BaseModel):
    id: int
    elementId: int
    statement: str
    type: str


class KeywordOut(BaseModel):
    w: str


class FaqElementModel(BaseModel):
    id: int
    faqGroupId: int
    question: str
    simQuestions: list[SimStatementOut]
    answer: str
    simAnswers: list[SimStatementOut]
    keywords: list[KeywordOut]


class FaqResult(BaseModel):
    errorCode: str = "0"
    errorMsg: str = ""
    faqGroupModel: FaqModel | None = None
    faqModel: FaqElementModel | None = None


class FaqGroupPage(BaseModel):
    errorCode: str = "0"
    errorMsg: str = ""
    data: list[FaqModel]
    totalSize: int


class FaqPage(BaseModel):
    errorCode: str = "0"
    errorMsg: str = ""
    data: list[FaqElementModel]
    totalSize: int


def _millis(moment: datetime) -> int:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


def group_model(stored: StoredFaqGroup) -> FaqModel:
    g = stored.group
    return FaqModel(
        id=stored.group_id,
        tenantId=stored.tenant_id,
        name=g.name,
        description=g.description,
        language=g.language,
        updateTime=_millis(stored.updated_at),
        on=g.active,
        amount=stored.amount,
    )


def _statements(stored: StoredFaq, texts: tuple[str, ...], kind: str) -> list[SimStatementOut]:
    # Statements are kept in order with their Q&A; their id is their position in it.
    return [
        SimStatementOut(id=n, elementId=stored.faq_id, statement=text, type=kind)
        for n, text in enumerate(texts, start=1)
    ]


def faq_model(stored: StoredFaq) -> FaqElementModel:
    f = stored.faq
    return FaqElementModel(
        id=stored.faq_id,
        faqGroupId=stored.group_id,
        question=f.question,
        simQuestions=_statements(stored, f.similar, "Q"),
        answer=f.answer,
        simAnswers=_statements(stored, f.similar_answers, "A"),
        keywords=[KeywordOut(w=k) for k in f.keywords],
    )


def _tenant_of(body: GroupCreate | GroupUpdate) -> str:
    """The tenant a group call acts for: ``model.tenantId``, or ``tenantId`` beside it."""
    inner, outer = body.model.tenantId, body.tenantId
    if inner is None and outer is None:
        raise parameter_error("model.tenantId", "is missing")
    if inner is not None and outer is not None and inner != outer:
        raise parameter_error("model.tenantId", "differs from 'tenantId'")
    tenant = inner or outer
    assert tenant is not None
    return tenant


# --- groups -------------------------------------------------------------------------------


@router.post(
    "/oifde/rest/api/faqGroup/query",
    response_model=FaqGroupPage,
    openapi_extra=request_schema(GroupQuery),
    summary="List a tenant's Q&A groups by page, optionally by language and name",
)
async def query_groups(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[GroupQuery, Depends(json_body(GroupQuery))],
) -> FaqGroupPage:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    total, groups = await faq_management.query_groups(
        platform.storage,
        body.tenantId,
        language=body.language,
        name=body.name,
        page=(body.pageNum, body.pageSize),
    )
    return FaqGroupPage(data=[group_model(g) for g in groups], totalSize=total)


@router.post(
    "/oifde/rest/api/faqGroup/create",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(GroupCreate),
    summary="Create a Q&A group (inactive unless 'on' is true)",
)
async def create_group(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[GroupCreate, Depends(json_body(GroupCreate))],
) -> FaqResult:
    tenant_id = _tenant_of(body)
    await authorize(request, tenant_id=tenant_id, body_token=body.authToken)
    m = body.model
    group = FaqGroup(
        name=m.name,
        language=m.language or DEFAULT_LANGUAGE,
        description=m.description or "",
        active=bool(m.on),
    )
    stored = await faq_management.create_group(platform.storage, tenant_id, group)
    return FaqResult(faqGroupModel=group_model(stored))


@router.post(
    "/oifde/rest/api/faqGroup/update",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(GroupUpdate),
    summary="Rename or describe a Q&A group (its language cannot change)",
)
async def update_group(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[GroupUpdate, Depends(json_body(GroupUpdate))],
) -> FaqResult:
    tenant_id = _tenant_of(body)
    await authorize(request, tenant_id=tenant_id, body_token=body.authToken)
    m = body.model
    change = GroupChange(name=m.name, description=m.description, language=m.language, active=m.on)
    stored = await faq_management.update_group(platform.storage, tenant_id, m.id, change)
    return FaqResult(faqGroupModel=group_model(stored))


@router.post(
    "/oifde/rest/api/faqGroup/delete",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(GroupDelete),
    summary="Delete Q&A groups with their Q&As, all or none",
)
async def delete_groups(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[GroupDelete, Depends(json_body(GroupDelete))],
) -> FaqResult:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    await faq_management.delete_groups(platform.storage, body.tenantId, body.faqGroupIds)
    return FaqResult()


@router.post(
    "/oifde/rest/api/faqGroup/changeStatus",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(GroupStatus),
    summary="Activate (on=true) or deactivate a Q&A group",
)
async def change_group_status(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[GroupStatus, Depends(json_body(GroupStatus))],
) -> FaqResult:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    stored = await faq_management.change_group_status(
        platform.storage, body.tenantId, body.faqGroupId, active=bool(body.on)
    )
    return FaqResult(faqGroupModel=group_model(stored))


# --- questions and answers ---------------------------------------------------------------


@router.post(
    "/oifde/rest/api/faq/query",
    response_model=FaqPage,
    openapi_extra=request_schema(FaqQuery),
    summary="List the Q&As of a group by page, optionally filtered by question text",
)
async def query_faqs(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[FaqQuery, Depends(json_body(FaqQuery))],
) -> FaqPage:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    total, faqs = await faq_management.query_faqs(
        platform.storage,
        body.tenantId,
        body.faqGroupId,
        question=body.name or None,
        page=(body.pageNum, body.pageSize),
    )
    return FaqPage(data=[faq_model(f) for f in faqs], totalSize=total)


@router.post(
    "/oifde/rest/api/faq/create",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(FaqCreate),
    summary="Add a Q&A to a group",
)
async def create_faq(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[FaqCreate, Depends(json_body(FaqCreate))],
) -> FaqResult:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    group, stored = await faq_management.create_faq(
        platform.storage, body.tenantId, body.model.faqGroupId, body.model.faq()
    )
    return FaqResult(faqGroupModel=group_model(group), faqModel=faq_model(stored))


@router.post(
    "/oifde/rest/api/faq/update",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(FaqUpdate),
    summary="Replace a Q&A of a group",
)
async def update_faq(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[FaqUpdate, Depends(json_body(FaqUpdate))],
) -> FaqResult:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    m = body.model
    group, stored = await faq_management.update_faq(
        platform.storage, body.tenantId, m.faqGroupId, m.id, m.faq()
    )
    return FaqResult(faqGroupModel=group_model(group), faqModel=faq_model(stored))


@router.post(
    "/oifde/rest/api/faq/delete",
    response_model=FaqResult,
    response_model_exclude_none=True,
    openapi_extra=request_schema(FaqDelete),
    summary="Delete Q&As of a group, all or none",
)
async def delete_faqs(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[FaqDelete, Depends(json_body(FaqDelete))],
) -> FaqResult:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    await faq_management.delete_faqs(platform.storage, body.tenantId, body.faqGroupId, body.faqIds)
    return FaqResult()
