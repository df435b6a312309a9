"""Q&A groups and their questions through the management API: read in the shapes of the §9
interfaces (api/oiap/faq.py), written with the bot folder's field names (faq/<group>.yaml).

Writes go through the same use cases as §9 (services/faq_management), so the rules and the
effect are the same: a change answers the next caller's question, with no publish.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import Field, StrictBool, StrictStr, field_validator

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import NUMBER_MAX, PRINTABLE, Body, PageAsked, PageOut, Store, body_of
from oiap.api.oiap.faq import FaqElementModel, FaqModel, faq_model, group_model
from oiap.api.wire import request_schema
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
from oiap.errors import Err, OiapError
from oiap.services import faq_management
from oiap.services.bot_management import Page
from oiap.services.faq_management import GroupChange

router = APIRouter(prefix="/oiap/v1/faq-groups", tags=["Management: Q&A"])

GroupInPath = Annotated[int, Path(ge=1, le=NUMBER_MAX, description="Q&A group ID")]
FaqInPath = Annotated[int, Path(ge=1, le=NUMBER_MAX, description="Q&A (question) ID")]

KEYWORD_MAX = 64  # as the §9 interfaces take them
DEFAULT_LANGUAGE = "en_US"
EVERY = (1, NUMBER_MAX)  # one page holding everything

GroupName = Annotated[StrictStr, Field(min_length=1, max_length=GROUP_NAME_MAX, pattern=PRINTABLE)]
Statement = Annotated[StrictStr, Field(min_length=1, max_length=STATEMENT_MAX)]
Keyword = Annotated[StrictStr, Field(min_length=1, max_length=KEYWORD_MAX)]


def _language(value: str | None) -> str | None:
    if value is not None and value not in FAQ_LANGUAGES:
        raise ValueError(f"must be one of {', '.join(sorted(FAQ_LANGUAGES))}")
    return value


class GroupData(Body):
    """A group as faq/<group>.yaml names its fields, without its questions."""

    group: GroupName = Field(description="The group's name, unique in the tenant")
    language: StrictStr | None = Field(
        default=None, description="Fixed once created; default en_US"
    )
    description: Annotated[StrictStr, Field(max_length=GROUP_DESCRIPTION_MAX)] | None = None
    active: StrictBool | None = Field(
        default=None, description="Whether callers are answered from it; new groups: true"
    )

    _language = field_validator("language")(_language)


class QuestionData(Body):
    """One entry of ``questions`` in faq/<group>.yaml; it replaces the Q&A as a whole."""

    question: Statement
    answer: Statement
    similar: list[Statement] = Field(default_factory=list, max_length=SIMILAR_MAX)
    keywords: list[Keyword] = Field(default_factory=list, max_length=KEYWORDS_MAX)
    similar_answers: list[Statement] = Field(default_factory=list, max_length=SIMILAR_MAX)

    @field_validator("keywords")
    @classmethod
    def _plain_keywords(cls, value: list[str]) -> list[str]:
        if any("|" in k or not k.strip() for k in value):
            raise ValueError("keywords are non-blank and may not contain '|'")
        return value

    def faq(self) -> Faq:
        return Faq(
            question=self.question,
            answer=self.answer,
            similar=tuple(self.similar),
            keywords=tuple(self.keywords),
            similar_answers=tuple(self.similar_answers),
        )


# --- groups -------------------------------------------------------------------------------


@router.get("", summary="List the tenant's Q&A groups")
async def list_groups(access: Viewer, storage: Store, asked: PageAsked) -> PageOut[FaqModel]:
    total, groups = await faq_management.query_groups(
        storage, access.tenant_id, language=None, name=None, page=asked
    )
    page = Page(total=total, number=asked[0], size=asked[1], items=groups)
    return PageOut.of(page, group_model)


@router.get("/{group_id}", summary="Show a Q&A group")
async def get_group(access: Viewer, storage: Store, group_id: GroupInPath) -> FaqModel:
    _, groups = await faq_management.query_groups(
        storage, access.tenant_id, language=None, name=None, page=EVERY
    )
    for stored in groups:
        if stored.group_id == group_id:
            return group_model(stored)
    raise OiapError(Err.NOT_FOUND, f"No FAQ group {group_id}.")


@router.post(
    "",
    status_code=201,
    openapi_extra=request_schema(GroupData),
    summary="Create a Q&A group (active unless 'active' is false)",
)
async def create_group(
    access: Editor, storage: Store, data: Annotated[GroupData, body_of(GroupData)]
) -> FaqModel:
    group = FaqGroup(
        name=data.group,
        language=data.language or DEFAULT_LANGUAGE,
        description=data.description or "",
        active=True if data.active is None else data.active,
    )
    return group_model(await faq_management.create_group(storage, access.tenant_id, group))


@router.put(
    "/{group_id}",
    openapi_extra=request_schema(GroupData),
    summary="Rename, describe, activate or deactivate a Q&A group (its language is fixed)",
)
async def update_group(
    access: Editor,
    storage: Store,
    group_id: GroupInPath,
    data: Annotated[GroupData, body_of(GroupData)],
) -> FaqModel:
    change = GroupChange(
        name=data.group, description=data.description, language=data.language, active=data.active
    )
    stored = await faq_management.update_group(storage, access.tenant_id, group_id, change)
    return group_model(stored)


@router.delete("/{group_id}", status_code=204, summary="Delete a Q&A group with its questions")
async def delete_group(access: Editor, storage: Store, group_id: GroupInPath) -> Response:
    await faq_management.delete_groups(storage, access.tenant_id, [group_id])
    return Response(status_code=204)


# --- questions and answers ---------------------------------------------------------------


@router.get("/{group_id}/faqs", summary="List one Q&A group's questions")
async def list_faqs(
    access: Viewer, storage: Store, group_id: GroupInPath, asked: PageAsked
) -> PageOut[FaqElementModel]:
    total, faqs = await faq_management.query_faqs(
        storage, access.tenant_id, group_id, question=None, page=asked
    )
    page = Page(total=total, number=asked[0], size=asked[1], items=faqs)
    return PageOut.of(page, faq_model)


@router.post(
    "/{group_id}/faqs",
    status_code=201,
    openapi_extra=request_schema(QuestionData),
    summary="Add a question with its answer to a Q&A group",
)
async def create_faq(
    access: Editor,
    storage: Store,
    group_id: GroupInPath,
    data: Annotated[QuestionData, body_of(QuestionData)],
) -> FaqElementModel:
    _, stored = await faq_management.create_faq(storage, access.tenant_id, group_id, data.faq())
    return faq_model(stored)


@router.put(
    "/{group_id}/faqs/{faq_id}",
    openapi_extra=request_schema(QuestionData),
    summary="Replace a question of a Q&A group (lists left out become empty)",
)
async def update_faq(
    access: Editor,
    storage: Store,
    group_id: GroupInPath,
    faq_id: FaqInPath,
    data: Annotated[QuestionData, body_of(QuestionData)],
) -> FaqElementModel:
    _, stored = await faq_management.update_faq(
        storage, access.tenant_id, group_id, faq_id, data.faq()
    )
    return faq_model(stored)


@router.delete(
    "/{group_id}/faqs/{faq_id}", status_code=204, summary="Delete a question of a Q&A group"
)
async def delete_faq(
    access: Editor, storage: Store, group_id: GroupInPath, faq_id: FaqInPath
) -> Response:
    await faq_management.delete_faqs(storage, access.tenant_id, group_id, [faq_id])
    return Response(status_code=204)
