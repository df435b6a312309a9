"""Domain Query Interface (spec §4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from oiap.api.oiap.auth import authorize
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.bots import Language

router = APIRouter(tags=["OIAP domains"])


class DomainQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: str = Field(min_length=1, max_length=64)
    language: Language | None = None
    authToken: str | None = Field(default=None, max_length=512)

    @field_validator("language", mode="before")
    @classmethod
    def _blank_language_is_all(cls, value: object) -> object:
        return None if value == "" else value


class DomainInfo(BaseModel):
    tenantId: str
    domainId: int
    domainName: str
    language: str


class DomainQueryResponse(BaseModel):
    errorCode: int = 0
    errorMsg: str = ""
    domains: list[DomainInfo]


@router.post(
    "/oifde/rest/api/querydomaininfo",
    response_model=DomainQueryResponse,
    openapi_extra=request_schema(DomainQuery),
    summary="List a tenant's activated domains, optionally of one language",
)
async def querydomaininfo(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[DomainQuery, Depends(json_body(DomainQuery))],
) -> DomainQueryResponse:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    async with platform.storage.reader() as repos:
        domains = await repos.domains.list_domains(
            body.tenantId,
            language=body.language.value if body.language else None,
            active_only=True,
        )
    return DomainQueryResponse(
        domains=[
            DomainInfo(
                tenantId=d.tenant_id,
                domainId=d.domain_id,
                domainName=d.name,
                language=d.language.value,
            )
            for d in domains
        ]
    )
