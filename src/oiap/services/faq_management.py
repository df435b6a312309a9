"""Q&A groups and their questions managed over the OIAP interfaces (spec §9).

One function per call. Every group lookup is filtered by tenant, and a Q&A is only reached
through a group of the caller's tenant, so ids of another tenant read as unknown (10000003).
Deletions are all or none: one unknown id deletes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from oiap.domain.faq import Faq, FaqGroup, faq_problems, group_problems
from oiap.errors import Err, OiapError
from oiap.services.bot_ports import StoredFaq, StoredFaqGroup
from oiap.services.ports import Repositories, Storage

Page = tuple[int, int]  # page number (from 1), page size
T = TypeVar("T")


@dataclass(frozen=True)
class GroupChange:
    """What an update call asks for; ``None`` means "keep"."""

    name: str
    description: str | None = None
    language: str | None = None
    active: bool | None = None


def _page(items: list[T], page: Page) -> list[T]:
    number, size = page
    return items[(number - 1) * size : number * size]


def _check_group(group: FaqGroup) -> None:
    problems = group_problems(group)
    if problems:
        raise OiapError(Err.PARAMETER, problems[0] + ".")


def _check_faq(faq: Faq) -> None:
    problems = faq_problems(faq)
    if problems:
        raise OiapError(Err.PARAMETER, problems[0] + ".")


async def _group(repos: Repositories, tenant_id: str, group_id: int) -> StoredFaqGroup:
    found = await repos.bots.get_faq_group(tenant_id, group_id)
    if found is None:
        raise OiapError(Err.NOT_FOUND, f"No FAQ group {group_id}.")
    return found


async def _require_free_name(
    repos: Repositories, tenant_id: str, name: str, *, owner: int | None = None
) -> None:
    for stored in await repos.bots.list_faq_groups(tenant_id):
        if stored.group.name == name and stored.group_id != owner:
            raise OiapError(Err.ALREADY_EXISTS, f"FAQ group name '{name}' is taken.")


def _require_free_question(found: list[StoredFaq], question: str, *, owner: int | None) -> None:
    for stored in found:
        if stored.faq.question == question and stored.faq_id != owner:
            raise OiapError(Err.ALREADY_EXISTS, "The group already has this question.")


# --- groups -------------------------------------------------------------------------------


async def query_groups(
    storage: Storage, tenant_id: str, *, language: str | None, name: str | None, page: Page
) -> tuple[int, list[StoredFaqGroup]]:
    """The total of matching groups and one page of them, oldest first.

    ``name`` matches any group whose name contains it, ignoring case.
    """
    async with storage.reader() as repos:
        groups = await repos.bots.list_faq_groups(tenant_id)
    needle = name.casefold() if name else None
    found = [
        g
        for g in groups
        if (language is None or g.group.language == language)
        and (needle is None or needle in g.group.name.casefold())
    ]
    return len(found), _page(found, page)


async def create_group(storage: Storage, tenant_id: str, group: FaqGroup) -> StoredFaqGroup:
    _check_group(group)
    async with storage.transaction() as repos:
        await _require_free_name(repos, tenant_id, group.name)
        return await repos.bots.save_faq_group(tenant_id, replace(group, questions=()))


async def update_group(
    storage: Storage, tenant_id: str, group_id: int, change: GroupChange
) -> StoredFaqGroup:
    """Rename or describe a group; its language cannot be changed (spec §9)."""
    async with storage.transaction() as repos:
        current = await _group(repos, tenant_id, group_id)
        if change.language is not None and change.language != current.group.language:
            raise OiapError(Err.PARAMETER, "'language' of a FAQ group cannot be changed.")
        group = replace(current.group, name=change.name)
        if change.description is not None:
            group = replace(group, description=change.description)
        if change.active is not None:
            group = replace(group, active=change.active)
        _check_group(group)
        await _require_free_name(repos, tenant_id, group.name, owner=group_id)
        return await repos.bots.save_faq_group(tenant_id, group, group_id)


async def delete_groups(storage: Storage, tenant_id: str, group_ids: list[int]) -> int:
    """Delete the groups with their Q&As."""
    async with storage.transaction() as repos:
        present = {g.group_id for g in await repos.bots.list_faq_groups(tenant_id)}
        missing = [i for i in group_ids if i not in present]
        if missing:
            raise OiapError(Err.NOT_FOUND, f"No FAQ group {missing[0]}.")
        doomed = set(group_ids)
        for group_id in sorted(doomed):
            await repos.bots.delete_faq_group(tenant_id, group_id)
        return len(doomed)


async def change_group_status(
    storage: Storage, tenant_id: str, group_id: int, *, active: bool
) -> StoredFaqGroup:
    async with storage.transaction() as repos:
        current = await _group(repos, tenant_id, group_id)
        return await repos.bots.save_faq_group(
            tenant_id, replace(current.group, active=active), group_id
        )


# --- questions and answers ---------------------------------------------------------------


async def query_faqs(
    storage: Storage, tenant_id: str, group_id: int, *, question: str | None, page: Page
) -> tuple[int, list[StoredFaq]]:
    """The total of a group's matching Q&As and one page of them, oldest first.

    ``question`` matches any Q&A whose question contains it, ignoring case.
    """
    async with storage.reader() as repos:
        await _group(repos, tenant_id, group_id)
        faqs = await repos.bots.list_faqs(group_id)
    needle = question.casefold() if question else None
    found = [f for f in faqs if needle is None or needle in f.faq.question.casefold()]
    return len(found), _page(found, page)


async def create_faq(
    storage: Storage, tenant_id: str, group_id: int, faq: Faq
) -> tuple[StoredFaqGroup, StoredFaq]:
    """Add a Q&A to a group; answers the group as it is now, and the new Q&A."""
    _check_faq(faq)
    async with storage.transaction() as repos:
        await _group(repos, tenant_id, group_id)
        _require_free_question(await repos.bots.list_faqs(group_id), faq.question, owner=None)
        stored = await repos.bots.save_faq(group_id, faq)
        return await _group(repos, tenant_id, group_id), stored


async def update_faq(
    storage: Storage, tenant_id: str, group_id: int, faq_id: int, faq: Faq
) -> tuple[StoredFaqGroup, StoredFaq]:
    """Replace a Q&A of a group with ``faq``."""
    _check_faq(faq)
    async with storage.transaction() as repos:
        await _group(repos, tenant_id, group_id)
        found = await repos.bots.list_faqs(group_id)
        if all(f.faq_id != faq_id for f in found):
            raise OiapError(Err.NOT_FOUND, f"No Q&A {faq_id} in FAQ group {group_id}.")
        _require_free_question(found, faq.question, owner=faq_id)
        stored = await repos.bots.save_faq(group_id, faq, faq_id)
        return await _group(repos, tenant_id, group_id), stored


async def delete_faqs(storage: Storage, tenant_id: str, group_id: int, faq_ids: list[int]) -> int:
    async with storage.transaction() as repos:
        await _group(repos, tenant_id, group_id)
        present = {f.faq_id for f in await repos.bots.list_faqs(group_id)}
        missing = [i for i in faq_ids if i not in present]
        if missing:
            raise OiapError(Err.NOT_FOUND, f"No Q&A {missing[0]} in FAQ group {group_id}.")
        for faq_id in sorted(set(faq_ids)):
            await repos.bots.delete_faq(group_id, faq_id)
        return len(set(faq_ids))
