"""The audit log, read-only: ``GET /oiap/v1/audit`` (admins of the tenant; no route edits or
deletes an entry). See docs/operations.md "Audit log and record retention"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from oiap.api.access import Admin
from oiap.api.manage.resource import PageAsked, PageOut, Store, timestamp
from oiap.services.audit import AuditEntry, AuditQuery

router = APIRouter(prefix="/oiap/v1/audit", tags=["Audit log"])


class AuditEntryOut(BaseModel):
    id: int
    at: str = Field(description="ISO time, UTC")
    principal: str = Field(description="A console user, a machine account or tenant, or 'cli'")
    address: str | None = Field(description="The client's address, where known")
    objectKind: str
    objectName: str
    action: str = Field(
        description="create, update, delete, publish, route, sign-in or sign-in failed"
    )
    version: int | None = Field(description="The version a publish made")
    before: str | None = Field(description="SHA-256 of the object's canonical JSON before")
    after: str | None = Field(description="SHA-256 of the object's canonical JSON after")


class AuditPage(PageOut[AuditEntryOut]):
    pass


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _out(entry: AuditEntry) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.entry_id or 0,
        at=timestamp(entry.at),
        principal=entry.principal,
        address=entry.address,
        objectKind=entry.object_kind,
        objectName=entry.object_name,
        action=entry.action,
        version=entry.version,
        before=entry.before_digest,
        after=entry.after_digest,
    )


@router.get("", response_model=AuditPage, summary="Read the audit log, newest first")
async def read_audit(
    access: Admin,
    storage: Store,
    asked: PageAsked,
    object_name: Annotated[
        str | None, Query(alias="object", max_length=256, description="Code or name")
    ] = None,
    kind: Annotated[str | None, Query(max_length=32, description="e.g. flow, session")] = None,
    user: Annotated[str | None, Query(max_length=128, description="The principal")] = None,
    start: Annotated[datetime | None, Query(alias="from", description="ISO time")] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO time, exclusive")] = None,
) -> AuditPage:
    page, size = asked
    query = AuditQuery(
        tenant_id=access.tenant_id,
        object_name=object_name,
        object_kind=kind,
        principal=user,
        since=_utc(start),
        until=_utc(end),
        offset=(page - 1) * size,
        limit=size,
    )
    async with storage.reader() as repos:
        total, entries = await repos.audit.query(query)
    return AuditPage(total=total, page=page, page_size=size, items=[_out(e) for e in entries])
