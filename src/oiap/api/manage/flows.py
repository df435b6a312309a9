"""Management API: flows, i.e. their drafts. Publishing and versions are in ``versions``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import (
    NAME_MAX,
    WRITE_RESPONSES,
    Body,
    Code,
    CodeInPath,
    Identifier,
    Name,
    PageAsked,
    PageOut,
    Store,
    Text,
    body_of,
    created_or_replaced,
    named_as_path,
    timestamp,
)
from oiap.api.wire import request_schema
from oiap.domain.flows import (
    Branch,
    Flow,
    Node,
    Scenario,
    Variable,
    VariableType,
    flow_to_data,
)
from oiap.services import bot_management as manage

router = APIRouter(prefix="/oiap/v1/flows", tags=["Management: flows"])

Label = Annotated[StrictStr, Field(max_length=NAME_MAX)]


class BranchData(Body):
    """A connection line; at most one of ``on``/``key``/``intent``/``when``, none = default."""

    to: Name
    on: Label | None = None
    key: Label | StrictInt | None = None
    intent: Label | None = None
    when: Text | None = None


class NodeData(Body):
    id: Name
    kind: Annotated[StrictStr, Field(min_length=1, max_length=32)]
    name: Label = ""
    params: dict[str, Any] = Field(default_factory=dict)
    branches: list[BranchData] = Field(default_factory=list)


class VariableData(Body):
    name: Identifier
    type: VariableType = VariableType.STRING
    default: Any = None
    description: Text = ""


class FlowData(Body):
    READ_ONLY = frozenset(
        {"flow_id", "status", "latest_version", "default_version", "created_at", "updated_at"}
    )

    code: Code | None = Field(default=None, description="Optional; the path names the flow.")
    name: Name
    scenario: Scenario = Scenario.MAIN
    description: Text = ""
    variables: list[VariableData] = Field(
        default_factory=list, description="The flow's FLOW.* variables"
    )
    nodes: list[NodeData] = Field(default_factory=list)


class BranchOut(BaseModel):
    to: str
    on: str | None = None
    key: str | None = None
    intent: str | None = None
    when: str | None = None


class NodeOut(BaseModel):
    id: str
    kind: str
    name: str
    params: dict[str, Any]
    branches: list[BranchOut]


class VariableOut(BaseModel):
    name: str
    type: str
    default: Any = None
    description: str


class FlowDefinition(BaseModel):
    code: str
    name: str
    scenario: str
    description: str
    variables: list[VariableOut]
    nodes: list[NodeOut]


class FlowOut(FlowDefinition):
    flow_id: int
    status: str = Field(description="INITIAL until a version is published, then VALID")
    latest_version: int | None
    default_version: int | None = Field(
        description="The version new dialogs run on unless a gray rule picks another"
    )
    created_at: str
    updated_at: str


class FlowPage(PageOut[FlowOut]):
    pass


def _text(value: str | int | None) -> str | None:
    return None if value is None or value == "" else str(value)


def flow_of(code: str, data: FlowData) -> Flow:
    return Flow(
        code=code,
        name=data.name,
        scenario=data.scenario,
        description=data.description,
        variables=tuple(Variable(v.name, v.type, v.default, v.description) for v in data.variables),
        nodes=tuple(
            Node(
                id=n.id,
                kind=n.kind,
                name=n.name,
                params=dict(n.params),
                branches=tuple(
                    Branch(
                        to=b.to,
                        on=_text(b.on),
                        key=_text(b.key),
                        intent=_text(b.intent),
                        when=_text(b.when),
                    )
                    for b in n.branches
                ),
            )
            for n in data.nodes
        ),
    )


def definition_out(flow: Flow) -> FlowDefinition:
    return FlowDefinition.model_validate(flow_to_data(flow))


def _out(detail: manage.FlowDetail) -> FlowOut:
    stored = detail.stored
    return FlowOut(
        **flow_to_data(stored.flow),
        flow_id=stored.flow_id,
        status=stored.status,
        latest_version=stored.latest_version,
        default_version=detail.default_version,
        created_at=timestamp(stored.created_at),
        updated_at=timestamp(stored.updated_at),
    )


@router.get(
    "",
    response_model=FlowPage,
    response_model_exclude_none=True,
    summary="List flows (their drafts)",
)
async def list_flows(access: Viewer, storage: Store, asked: PageAsked) -> FlowPage:
    page = await manage.list_flows(storage, access.tenant_id, *asked)
    return FlowPage.of(page, _out)


@router.get(
    "/{code}",
    response_model=FlowOut,
    response_model_exclude_none=True,
    summary="Show a flow's draft and its state",
)
async def get_flow(access: Viewer, storage: Store, code: CodeInPath) -> FlowOut:
    return _out(await manage.get_flow(storage, access.tenant_id, code))


@router.put(
    "/{code}",
    response_model=FlowOut,
    response_model_exclude_none=True,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(FlowData),
    summary="Create a flow or replace its draft (flow names are unique: 20000002)",
)
async def put_flow(
    access: Editor,
    storage: Store,
    code: CodeInPath,
    response: Response,
    data: Annotated[FlowData, body_of(FlowData)],
) -> FlowOut:
    flow = flow_of(named_as_path(code, data.code, "code"), data)
    detail, created = await manage.put_flow(storage, access.tenant_id, flow)
    created_or_replaced(response, created)
    return _out(detail)


@router.delete(
    "/{code}",
    status_code=204,
    summary="Delete a flow and its versions (refused while another flow calls it: 20000003)",
)
async def delete_flow(access: Editor, storage: Store, code: CodeInPath) -> Response:
    await manage.delete_flow(storage, access.tenant_id, code)
    return Response(status_code=204)
