"""Flow Query Interface (spec §6)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from oiap.api.oiap.auth import authorize
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.flows import NodeKind, Scenario
from oiap.services.flow_queries import FlowFilter, FlowSource, FlowView, query_flows

router = APIRouter(tags=["OIAP flows"])

PAGE_SIZE_MAX = 100


class FlowQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: str = Field(min_length=1, max_length=64)
    flowId: str | None = Field(default=None, max_length=64)
    flowName: str | None = Field(default=None, max_length=128)
    flowCode: str | None = Field(default=None, max_length=64)
    # absent (or null) means IVR, as documented; see flow_queries.flow_source for the kinds
    source: Literal["IVR", "OIFDE"] | None = None
    pageNum: int | None = Field(default=None, ge=1)
    pageSize: int | None = Field(default=None, ge=1, le=PAGE_SIZE_MAX)
    authToken: str | None = Field(default=None, max_length=512)

    @model_validator(mode="after")
    def _paging_together(self) -> FlowQuery:
        if (self.pageNum is None) != (self.pageSize is None):
            raise ValueError("'pageNum' and 'pageSize' are given together")
        return self


class FlowInfo(BaseModel):
    tenantId: str
    flowId: int
    flowCode: str
    flowName: str
    flowDesc: str
    scenarioType: str
    createDate: int
    status: str
    statusDate: int
    flowStartNode: str | None = None
    flowEndNode: str | None = None
    ext01: str = ""
    logSwitch: str = "0"
    isDefault: str
    version: str | None = None


class FlowQueryResponse(BaseModel):
    total: int
    flowList: list[FlowInfo]


def _millis(moment: datetime) -> int:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp() * 1000)


def _flow_info(view: FlowView) -> FlowInfo:
    stored = view.stored
    flow = stored.flow
    first = {kind: next((n.id for n in flow.nodes if n.kind == kind), None) for kind in NodeKind}
    return FlowInfo(
        tenantId=stored.tenant_id,
        flowId=stored.flow_id,
        flowCode=flow.code,
        flowName=flow.name,
        flowDesc=flow.description,
        scenarioType=flow.scenario.value,
        createDate=_millis(stored.created_at),
        status=stored.status,
        statusDate=_millis(stored.updated_at),
        flowStartNode=first[NodeKind.START],
        flowEndNode=first[NodeKind.END],
        # The main flow is the one an access code starts; sub-flows are only called.
        isDefault="1" if flow.scenario is Scenario.MAIN else "0",
        version=str(view.default_version) if view.default_version is not None else None,
    )


@router.post(
    "/oifde/rest/api/queryflows",
    response_model=FlowQueryResponse,
    response_model_exclude_none=True,
    openapi_extra=request_schema(FlowQuery),
    summary="List a tenant's flows with their state and default version",
)
async def queryflows(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[FlowQuery, Depends(json_body(FlowQuery))],
) -> FlowQueryResponse:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    wanted = FlowFilter(
        flow_id=body.flowId,
        name=body.flowName,
        code=body.flowCode,
        source=FlowSource(body.source or FlowSource.IVR),
    )
    page = (body.pageNum, body.pageSize) if body.pageNum and body.pageSize else None
    total, views = await query_flows(platform.storage, body.tenantId, wanted, page)
    return FlowQueryResponse(total=total, flowList=[_flow_info(v) for v in views])
