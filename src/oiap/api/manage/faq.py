"""Q&A groups and their questions, read through the management API: the console's view of
what the §9 interfaces (api/oiap/faq.py) write, in the same shapes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from oiap.api.access import Viewer
from oiap.api.manage.resource import NUMBER_MAX, PageAsked, PageOut, Store
from oiap.api.oiap.faq import FaqElementModel, FaqModel, faq_model, group_model
from oiap.services import faq_management
from oiap.services.bot_management import Page

router = APIRouter(prefix="/oiap/v1/faq-groups", tags=["Management: Q&A"])

GroupInPath = Annotated[int, Path(ge=1, le=NUMBER_MAX, description="Q&A group ID")]


@router.get("", summary="List the tenant's Q&A groups")
async def list_groups(access: Viewer, storage: Store, asked: PageAsked) -> PageOut[FaqModel]:
    total, groups = await faq_management.query_groups(
        storage, access.tenant_id, language=None, name=None, page=asked
    )
    page = Page(total=total, number=asked[0], size=asked[1], items=groups)
    return PageOut.of(page, group_model)


@router.get("/{group_id}/faqs", summary="List one Q&A group's questions")
async def list_faqs(
    access: Viewer, storage: Store, group_id: GroupInPath, asked: PageAsked
) -> PageOut[FaqElementModel]:
    total, faqs = await faq_management.query_faqs(
        storage, access.tenant_id, group_id, question=None, page=asked
    )
    page = Page(total=total, number=asked[0], size=asked[1], items=faqs)
    return PageOut.of(page, faq_model)
