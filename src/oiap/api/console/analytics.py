"""Analytics API: a tenant's figures, per-node figures of a flow version, and the inbox of
utterances the bot did not understand (docs/api.md "Analytics").

Every figure answers JSON, or CSV with ``?format=csv`` or ``Accept: text/csv``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, StrictStr

from oiap.api.access import Editor, Viewer
from oiap.api.manage.resource import NUMBER_MAX, Body, Store, body_of
from oiap.api.platform import platform_of
from oiap.api.wire import request_schema
from oiap.services import analytics
from oiap.services.analytics import Filters, Table
from oiap.services.ports import Storage

router = APIRouter(prefix="/oiap/v1/analytics", tags=["Analytics"])


def filters_of(
    start: Annotated[
        datetime | None, Query(alias="from", description="ISO time; default: 7 days before 'to'")
    ] = None,
    end: Annotated[datetime | None, Query(alias="to", description="ISO time; default: now")] = None,
    accessCode: Annotated[str | None, Query(max_length=20)] = None,
    flow: Annotated[str | None, Query(max_length=64)] = None,
    version: Annotated[int | None, Query(ge=1, le=NUMBER_MAX)] = None,
    granularity: Annotated[str, Query(pattern="^(hour|day)$")] = "day",
) -> Filters:
    return Filters(start, end, accessCode, flow, version, granularity)


Asked = Annotated[Filters, Depends(filters_of)]
FormatAsked = Annotated[
    str | None, Query(alias="format", pattern="^(json|csv)$", description="or Accept: text/csv")
]


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return " | ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else value


def render(request: Request, table: Table, name: str, wanted: str | None) -> Response:
    accept = request.headers.get("accept", "")
    if wanted == "csv" or (wanted is None and "text/csv" in accept):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(table.columns)
        writer.writerows([_csv_value(v) for v in row] for row in table.rows)
        return Response(
            out.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return JSONResponse({**table.extra, "columns": list(table.columns), "rows": table.records()})


Figure = Callable[[Storage, str, Filters], Awaitable[Table]]


async def _answer(
    request: Request,
    figure: Figure,
    name: str,
    tenant_id: str,
    storage: Storage,
    filters: Filters,
    wanted: str | None,
) -> Response:
    # This worker's latest turns count at once (as queryHistory does); other workers' once
    # their writer has run (every half second).
    await platform_of(request).dialogs.recorder.flush()
    return render(request, await figure(storage, tenant_id, filters), name, wanted)


def _route(path: str, figure: Figure, name: str, summary: str) -> None:
    async def read(
        request: Request, access: Viewer, storage: Store, filters: Asked, wanted: FormatAsked = None
    ) -> Response:
        return await _answer(request, figure, name, access.tenant_id, storage, filters, wanted)

    read.__name__ = f"analytics_{name.replace('-', '_')}"
    router.add_api_route(path, read, methods=["GET"], summary=summary, response_model=None)


_route("/calls", analytics.calls, "calls", "Calls, outcomes, turns per call, turn latency")
_route("/transfers", analytics.transfers, "transfers", "Transferred calls by transfer type")
_route("/recognition", analytics.recognition, "recognition", "Unknown rate, failure counts")
_route("/intents", analytics.intents, "intents", "Intent distribution")
_route("/interfaces", analytics.interfaces, "interfaces", "Business-interface calls")
_route("/nodes", analytics.nodes, "nodes", "Per node of a flow version (needs flow, version)")
_route("/nodes/exits", analytics.node_exits, "node-exits", "Exits by branch of each node")


@router.get(
    "/not-understood",
    response_model=None,
    summary="Utterances answered Unknown or with low confidence, grouped when alike",
)
async def not_understood(
    request: Request,
    access: Viewer,
    storage: Store,
    filters: Asked,
    wanted: FormatAsked = None,
    below: Annotated[float, Query(ge=0, le=1, description="low-confidence bound")] = 0.5,
) -> Response:
    async def figure(storage: Storage, tenant_id: str, filters: Filters) -> Table:
        return await analytics.not_understood(storage, tenant_id, filters, below=below)

    return await _answer(
        request, figure, "not-understood", access.tenant_id, storage, filters, wanted
    )


class ExampleData(Body):
    domain: StrictStr = Field(min_length=1, max_length=128)
    intent: StrictStr = Field(
        min_length=1, max_length=128, description="an intent code, or 'unknown'"
    )
    text: StrictStr = Field(min_length=1, max_length=1024)


class ExampleAdded(BaseModel):
    domain: str
    intent: str
    examples: list[str]


@router.post(
    "/not-understood/examples",
    response_model=ExampleAdded,
    openapi_extra=request_schema(ExampleData),
    summary="Add an utterance to the domain's draft as an example of an intent (or Unknown)",
)
async def add_example(
    access: Editor, storage: Store, data: Annotated[ExampleData, body_of(ExampleData)]
) -> ExampleAdded:
    spec = await analytics.add_example(
        storage, access.tenant_id, data.domain, data.intent, data.text
    )
    intent = next(i for i in spec.intents if i.code == data.intent)
    return ExampleAdded(domain=spec.name, intent=intent.code, examples=list(intent.examples))
