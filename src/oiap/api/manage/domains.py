"""Management API: semantic domains with their intents."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, StrictBool, StrictFloat, model_validator

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import (
    WRITE_RESPONSES,
    Body,
    Code,
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
from oiap.domain.bots import DomainSpec, Intent, Language, Slot
from oiap.services import bot_management as manage

router = APIRouter(prefix="/oiap/v1/domains", tags=["Management: domains"])


class SlotData(Body):
    """Recognised by a pattern (``regex``) or from canonical values and their synonyms."""

    name: Name
    regex: Annotated[str, Field(min_length=1, max_length=1024)] | None = None
    values: dict[str, list[Text]] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> SlotData:
        if (self.regex is None) == (not self.values):
            raise ValueError("a slot has either 'regex' or 'values'")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"'regex' does not compile: {exc}") from exc
        return self


class IntentData(Body):
    code: Code
    name: Name
    examples: list[Text] = Field(default_factory=list)
    slots: list[SlotData] = Field(default_factory=list)
    reply: Text = ""


class DomainData(Body):
    READ_ONLY = frozenset({"domain_id"})

    name: Name | None = Field(default=None, description="Optional; the path names the domain.")
    language: Language = Language.EN_US
    threshold: Annotated[StrictFloat, Field(ge=0, le=1)] = 0.5
    active: StrictBool = True
    intents: list[IntentData] = Field(default_factory=list)


class SlotOut(BaseModel):
    name: str
    regex: str | None = None
    values: dict[str, list[str]] | None = None


class IntentOut(BaseModel):
    code: str
    name: str
    examples: list[str]
    slots: list[SlotOut]
    reply: str


class DomainOut(BaseModel):
    domain_id: int
    name: str
    language: str
    threshold: float
    active: bool
    intents: list[IntentOut]


def _spec(name: str, data: DomainData) -> DomainSpec:
    return DomainSpec(
        name=name,
        language=data.language,
        threshold=data.threshold,
        active=data.active,
        intents=tuple(
            Intent(
                code=i.code,
                name=i.name,
                examples=tuple(i.examples),
                slots=tuple(
                    Slot(
                        s.name,
                        s.regex,
                        tuple((k, tuple(v)) for k, v in (s.values or {}).items()),
                    )
                    for s in i.slots
                ),
                reply=i.reply,
            )
            for i in data.intents
        ),
    )


def _out(stored: manage.StoredDomain) -> DomainOut:
    spec = stored.spec
    return DomainOut(
        domain_id=stored.domain_id,
        name=spec.name,
        language=spec.language.value,
        threshold=spec.threshold,
        active=spec.active,
        intents=[
            IntentOut(
                code=i.code,
                name=i.name,
                examples=list(i.examples),
                slots=[
                    SlotOut(
                        name=s.name,
                        regex=s.regex,
                        values={k: list(v) for k, v in s.values} if s.values else None,
                    )
                    for s in i.slots
                ],
                reply=i.reply,
            )
            for i in spec.intents
        ],
    )


class DomainPage(PageOut[DomainOut]):
    pass


@router.get("", response_model=DomainPage, response_model_exclude_none=True, summary="List domains")
async def list_domains(access: Viewer, storage: Store, asked: PageAsked) -> DomainPage:
    page = await manage.list_domains(storage, access.tenant_id, *asked)
    return DomainPage.of(page, _out)


@router.get(
    "/{name}",
    response_model=DomainOut,
    response_model_exclude_none=True,
    summary="Show a domain with its intents",
)
async def get_domain(access: Viewer, storage: Store, name: NameInPath) -> DomainOut:
    return _out(await manage.get_domain(storage, access.tenant_id, name))


@router.put(
    "/{name}",
    response_model=DomainOut,
    response_model_exclude_none=True,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(DomainData),
    summary="Create or replace a domain and its intents",
)
async def put_domain(
    access: Editor,
    storage: Store,
    name: NameInPath,
    response: Response,
    data: Annotated[DomainData, body_of(DomainData)],
) -> DomainOut:
    spec = _spec(named_as_path(name, data.name, "name"), data)
    stored, created = await manage.put_domain(storage, access.tenant_id, spec)
    created_or_replaced(response, created)
    return _out(stored)


@router.delete(
    "/{name}",
    status_code=204,
    summary="Delete a domain (refused while a flow recognises its intents: 20000003)",
)
async def delete_domain(access: Editor, storage: Store, name: NameInPath) -> Response:
    await manage.delete_domain(storage, access.tenant_id, name)
    return Response(status_code=204)
