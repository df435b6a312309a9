"""Intent list query (spec §10) at ``/oifde/rest/api/intentions/query``.

The spec leaves the URL open; Huawei's page for this interface ("Intention List Query
Interface") publishes this one, and it sits beside the Q&A family's ``faqGroup/query``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from oiap.api.oiap.auth import authorize
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.bots import Language
from oiap.errors import parameter_error
from oiap.services.intent_queries import IntentView, query_intents

router = APIRouter(tags=["OIAP intents"])

PAGE_SIZES = (5, 10, 20, 50, 100)
ID_MAX = 2**31 - 1
# The documented values, and every language a domain can have.
LANGUAGES = frozenset({"en_US", "zh_CN", "pt_BR", "th_TH", "fr_FR", "ar", *Language})


def _not_bool(value: object) -> object:
    if isinstance(value, bool):
        raise ValueError("must be an integer")
    return value


class DomainInfoIn(BaseModel):
    """Narrows the query to one domain; ``domainName`` and ``language`` are descriptive."""

    model_config = ConfigDict(extra="ignore")

    domainName: str | None = Field(default=None, max_length=128)
    domainId: Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=ID_MAX)]
    language: str | None = Field(default=None, max_length=16)
    tenantId: str | None = Field(default=None, max_length=64)


class IntentQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: str = Field(min_length=1, max_length=64)
    language: str
    pageNum: Annotated[int, BeforeValidator(_not_bool), Field(ge=1, le=ID_MAX)]
    pageSize: Annotated[int, BeforeValidator(_not_bool)]
    domainInfo: DomainInfoIn | None = None
    authToken: str | None = Field(default=None, max_length=512)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(sorted(LANGUAGES))}")
        return value

    @field_validator("pageSize")
    @classmethod
    def _known_page_size(cls, value: int) -> int:
        if value not in PAGE_SIZES:
            raise ValueError(f"must be one of {', '.join(map(str, PAGE_SIZES))}")
        return value


class Intention(BaseModel):
    intentCmd: str
    intentName: str  # "domain name/intent name-command word", as documented
    intentDesc: str
    domainId: int
    domainName: str
    exampleCount: int


class IntentQueryResponse(BaseModel):
    errorCode: int = 0
    errorMsg: str = ""
    intentions: list[Intention]
    total: int


def _intention(view: IntentView) -> Intention:
    domain, intent = view.domain, view.intent
    return Intention(
        intentCmd=intent.code,
        intentName=f"{domain.name}/{intent.name}-{intent.code}",
        intentDesc=intent.name,
        domainId=domain.domain_id,
        domainName=domain.name,
        exampleCount=len(intent.examples),
    )


@router.post(
    "/oifde/rest/api/intentions/query",
    response_model=IntentQueryResponse,
    openapi_extra=request_schema(IntentQuery),
    summary="List the intents of a tenant's activated domains of one language, by page",
)
async def query_intentions(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[IntentQuery, Depends(json_body(IntentQuery))],
) -> IntentQueryResponse:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    domain = body.domainInfo
    if domain is not None and domain.tenantId not in (None, "", body.tenantId):
        raise parameter_error("domainInfo.tenantId", "differs from 'tenantId'")
    total, views = await query_intents(
        platform.storage,
        body.tenantId,
        language=body.language,
        domain_id=domain.domainId if domain else None,
        page=(body.pageNum, body.pageSize),
    )
    return IntentQueryResponse(intentions=[_intention(v) for v in views], total=total)
