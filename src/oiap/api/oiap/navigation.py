"""Dialog ID binding interfaces (spec §5): access codes bound to flows.

Create, update and delete answer HTTP 200 with no body on success, as documented.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from oiap.api.oiap.auth import authorize
from oiap.api.platform import Platform, platform_of
from oiap.api.wire import json_body, request_schema
from oiap.domain.bots import ACCESS_CODE_MAX, DialogType
from oiap.services import navigation
from oiap.services.navigation import BindingInput, BindingView

router = APIRouter(tags=["OIAP dialog ID bindings"])

PAGE_SIZES = (5, 10, 20, 50, 100)
Source = Literal["IVR", "OIFDE"]
AccessCodeText = Annotated[str, Field(min_length=1, max_length=ACCESS_CODE_MAX)]


class TenantRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tenantId: str = Field(min_length=1, max_length=64)
    authToken: str | None = Field(default=None, max_length=512)


class NavigationQuery(TenantRequest):
    accessCode: AccessCodeText | None = None
    # Documented as strings; numbers are accepted too, as clients send both.
    pageNum: int | None = Field(default=None, ge=1)
    pageSize: int | None = None
    source: Source = "IVR"

    @field_validator("pageSize")
    @classmethod
    def _known_page_size(cls, value: int | None) -> int | None:
        if value is not None and value not in PAGE_SIZES:
            raise ValueError(f"must be one of {', '.join(map(str, PAGE_SIZES))}")
        return value

    @model_validator(mode="after")
    def _paging_with_access_code(self) -> NavigationQuery:
        # Without an access code every binding is listed; paging then is optional.
        if (self.pageNum is None) != (self.pageSize is None) or (
            self.accessCode is not None and self.pageNum is None
        ):
            raise ValueError("'pageNum' and 'pageSize' are given together")
        return self


class AccessInfo(BaseModel):
    accessId: str
    tenantId: str
    accessCode: str
    domainId: int | None = None
    dialogType: int
    flowCode: str
    flowName: str | None = None
    description: str
    source: str
    chatBotName: str
    usingRecordService: int


class NavigationQueryResponse(BaseModel):
    total: int
    accessInfoList: list[AccessInfo]


class NavigationCreate(TenantRequest):
    accessCode: AccessCodeText | None = None
    domainId: int | None = None
    dialogType: DialogType
    flowCode: str = Field(min_length=1, max_length=64)
    description: str | None = Field(default=None, max_length=1024)
    source: Source | None = None
    createFlag: Literal["0", "1"] | None = None

    @model_validator(mode="after")
    def _description_or_flag(self) -> NavigationCreate:
        if self.description is None and self.createFlag is None:
            raise ValueError("one of 'description' and 'createFlag' is given")
        return self


class NavigationUpdate(TenantRequest):
    accessId: str = Field(min_length=1, max_length=32)
    accessCode: AccessCodeText | None = None
    domainId: int | None = None
    dialogType: DialogType
    flowCode: str | None = Field(default=None, min_length=1, max_length=64)
    description: str = Field(max_length=1024)
    source: Source | None = None


class NavigationDelete(TenantRequest):
    accessIdList: list[Annotated[str, Field(min_length=1, max_length=32)]]
    accessCodeList: list[AccessCodeText] | None = None

    @model_validator(mode="after")
    def _something_to_delete(self) -> NavigationDelete:
        if not self.accessIdList and not self.accessCodeList:
            raise ValueError("'accessIdList' names at least one binding")
        return self


def _access_info(view: BindingView) -> AccessInfo:
    b = view.stored.binding
    return AccessInfo(
        accessId=str(view.stored.access_id),
        tenantId=view.stored.tenant_id,
        accessCode=b.access_code,
        domainId=view.domain_id,
        dialogType=int(b.dialog_type),
        flowCode=b.flow_code,
        flowName=view.flow_name,
        description=b.description,
        source=b.source,
        chatBotName=b.robot_name,
        usingRecordService=b.using_record_service,
    )


@router.post(
    "/oifde/rest/api/querynavigationinfo",
    response_model=NavigationQueryResponse,
    response_model_exclude_none=True,
    openapi_extra=request_schema(NavigationQuery),
    summary="List a tenant's access-code bindings of one source, by page",
)
async def querynavigationinfo(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[NavigationQuery, Depends(json_body(NavigationQuery))],
) -> NavigationQueryResponse:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    page = (body.pageNum, body.pageSize) if body.pageNum and body.pageSize else None
    total, views = await navigation.query_bindings(
        platform.storage, body.tenantId, access_code=body.accessCode, source=body.source, page=page
    )
    return NavigationQueryResponse(total=total, accessInfoList=[_access_info(v) for v in views])


def _binding(body: NavigationCreate | NavigationUpdate) -> BindingInput:
    return BindingInput(
        dialog_type=body.dialogType,
        access_code=body.accessCode,
        domain_id=body.domainId,
        flow_code=body.flowCode,
        description=body.description,
        source=body.source,
    )


@router.post(
    "/oifde/rest/api/createnavigationinfo",
    response_class=Response,
    openapi_extra=request_schema(NavigationCreate),
    summary="Bind an access code to a flow (empty body on success)",
)
async def createnavigationinfo(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[NavigationCreate, Depends(json_body(NavigationCreate))],
) -> Response:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    await navigation.create_binding(
        platform.storage, body.tenantId, _binding(body), overwrite=body.createFlag == "1"
    )
    return Response(status_code=200)


@router.post(
    "/oifde/rest/api/updatenavigationinfo",
    response_class=Response,
    openapi_extra=request_schema(NavigationUpdate),
    summary="Change an access-code binding (empty body on success)",
)
async def updatenavigationinfo(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[NavigationUpdate, Depends(json_body(NavigationUpdate))],
) -> Response:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    await navigation.update_binding(platform.storage, body.tenantId, body.accessId, _binding(body))
    return Response(status_code=200)


@router.post(
    "/oifde/rest/api/deletenavigationinfo",
    response_class=Response,
    openapi_extra=request_schema(NavigationDelete),
    summary="Delete access-code bindings, all or none (empty body on success)",
)
async def deletenavigationinfo(
    request: Request,
    platform: Annotated[Platform, Depends(platform_of)],
    body: Annotated[NavigationDelete, Depends(json_body(NavigationDelete))],
) -> Response:
    await authorize(request, tenant_id=body.tenantId, body_token=body.authToken)
    await navigation.delete_bindings(
        platform.storage, body.tenantId, body.accessIdList, body.accessCodeList or []
    )
    return Response(status_code=200)
