"""Replaying recorded calls on a draft or a version (``services.replay``), run in a throwaway
platform (``api.sandbox``) while the request waits, with a bound on the number of calls."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import Field, StrictInt, StrictStr

from oiap.api.access import Editor
from oiap.api.manage.resource import NUMBER_MAX, PRINTABLE, Body, Code, Store, body_of
from oiap.api.sandbox import Sandbox
from oiap.api.wire import request_schema
from oiap.domain.bot_definition import Bot
from oiap.errors import parameter_error
from oiap.services.replay import (
    DEFAULT_CALLS,
    MAX_CALLS,
    ReplayFilters,
    ReplayTarget,
    replay_calls,
    report_data,
)

router = APIRouter(prefix="/oiap/v1/replays", tags=["Console replay"])

Version = Annotated[StrictInt, Field(ge=1, le=NUMBER_MAX)]
AccessCodeText = Annotated[StrictStr, Field(min_length=1, max_length=20, pattern=PRINTABLE)]
CallingText = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=PRINTABLE)]


async def open_stage(bot: Bot, on_unstubbed: Callable[[str], None]) -> Sandbox:
    sandbox = Sandbox(bot, on_unstubbed)
    await sandbox.__aenter__()
    return sandbox


class TargetData(Body):
    flow: Code
    version: Version | Literal["draft"] = "draft"


class FiltersData(Body):
    since: datetime | None = Field(default=None, description="Calls started at or after")
    until: datetime | None = Field(default=None, description="Calls started before")
    access_code: AccessCodeText | None = Field(default=None, alias="accessCode")
    flow: Code | None = Field(default=None, description="Must be the target's flow")
    version: Version | None = Field(default=None, description="The version the calls ran on")
    calling_number: CallingText | None = Field(default=None, alias="callingNumber")
    outcome: Literal["contained", "transferred", "abandoned", "unfinished"] | None = None
    limit: Annotated[StrictInt, Field(ge=1, le=MAX_CALLS)] = DEFAULT_CALLS


class ReplayData(Body):
    target: TargetData
    filters: FiltersData = Field(default_factory=FiltersData)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.post(
    "",
    openapi_extra=request_schema(ReplayData),
    summary="Replay recorded calls on a draft or a version; report the calls that changed",
)
async def replay(
    access: Editor, storage: Store, data: Annotated[ReplayData, body_of(ReplayData)]
) -> dict[str, Any]:
    f = data.filters
    since, until = _utc(f.since), _utc(f.until)
    if since is not None and until is not None and until <= since:
        raise parameter_error("filters.until", "must be later than 'since'")
    filters = ReplayFilters(
        since=since,
        until=until,
        access_code=f.access_code,
        flow=f.flow,
        version=f.version,
        calling=f.calling_number,
        outcome=f.outcome,
        limit=f.limit,
    )
    version = None if data.target.version == "draft" else data.target.version
    target = ReplayTarget(data.target.flow, version)
    report = await replay_calls(storage, open_stage, access.tenant_id, filters, target)
    return report_data(report)
