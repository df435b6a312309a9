"""Workbench: the publish checks on an unsaved draft, and the draft against the live version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel

from oiap.api.access import Viewer
from oiap.api.manage.flows import FlowData, flow_of
from oiap.api.manage.resource import CodeInPath, Store, body_of, named_as_path
from oiap.api.wire import request_schema
from oiap.services.flow_checks import check_draft, draft_diff

router = APIRouter(prefix="/oiap/v1/flows", tags=["Console workbench"])


class ProblemOut(BaseModel):
    message: str
    rule: str
    node: str | None
    branch: int | None
    field: str | None


class ProblemsOut(BaseModel):
    problems: list[ProblemOut]


class YamlDiffOut(BaseModel):
    before: str
    after: str
    unified: str


class NodeChangesOut(BaseModel):
    added: list[str]
    removed: list[str]
    changed: list[str]


class DiffOut(BaseModel):
    version: int | None
    yaml: YamlDiffOut
    nodes: NodeChangesOut


@router.post(
    "/{code}/validate",
    response_model=ProblemsOut,
    openapi_extra=request_schema(FlowData),
    summary="Check an unsaved draft as publishing would; problems name node, branch, field",
)
async def validate_draft(
    access: Viewer,
    storage: Store,
    code: CodeInPath,
    data: Annotated[FlowData, body_of(FlowData)],
) -> ProblemsOut:
    flow = flow_of(named_as_path(code, data.code, "code"), data)
    problems = await check_draft(storage, access.tenant_id, flow)
    return ProblemsOut(
        problems=[
            ProblemOut(
                message=f"{p.message} [{p.rule}]",
                rule=p.rule,
                node=p.node,
                branch=p.branch,
                field=p.field,
            )
            for p in problems
        ]
    )


@router.get(
    "/{code}/diff",
    response_model=DiffOut,
    summary="The draft against the default (live) version, as bot-folder YAML",
)
async def diff_draft(access: Viewer, storage: Store, code: CodeInPath) -> DiffOut:
    diff = await draft_diff(storage, access.tenant_id, code)
    return DiffOut(
        version=diff.version,
        yaml=YamlDiffOut(before=diff.before, after=diff.after, unified=diff.unified),
        nodes=NodeChangesOut(added=diff.added, removed=diff.removed, changed=diff.changed),
    )
