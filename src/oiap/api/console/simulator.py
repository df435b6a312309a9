"""Workbench: test calls, a bot author talking to a draft or a version as a caller
(``services.test_calls``), run in a throwaway platform (``api.sandbox``)."""

from __future__ import annotations

import re
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, Response
from pydantic import Field, StrictBool, StrictInt, StrictStr

from oiap.api.access import Editor
from oiap.api.manage.resource import NUMBER_MAX, PRINTABLE, Body, Code, Name, Store, Text, body_of
from oiap.api.platform import platform_of
from oiap.api.sandbox import TENANT, Sandbox
from oiap.api.wire import request_schema
from oiap.domain.bot_definition import Bot
from oiap.errors import parameter_error
from oiap.services.conversation_test_files import append_test
from oiap.services.conversation_tests import MAX_DELAY, CallerInput, InputKind, StubAnswer
from oiap.services.test_calls import TestCalls, TestCallSpec, Turn, test_text

router = APIRouter(prefix="/oiap/v1/test-calls", tags=["Console workbench"])

CallId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
KEYS = r"^[0-9*#]+$"


class ConsoleSandbox(Sandbox):
    """The sandbox, also ranking a domain's intents for an utterance with the model the
    dialog used (the engine's debug view names only the winner)."""

    async def ranking(
        self, flow: str, version: int, domain: str, text: str, threshold: float | None
    ) -> list[tuple[str, float]]:
        release = await self.endpoint.service.release(TENANT, flow, version)
        model = release.domains.get(domain) if release is not None else None
        if model is None or not text:
            return []
        return list(model.predict(text, threshold=threshold).ranked)


async def open_sandbox(bot: Bot) -> ConsoleSandbox:
    sandbox = ConsoleSandbox(bot)
    await sandbox.__aenter__()
    return sandbox


def test_calls_of(request: Request) -> TestCalls:
    """This worker's test calls, made on first use."""
    state = request.app.state
    calls: TestCalls | None = getattr(state, "test_calls", None)
    if calls is None:
        calls = TestCalls(platform_of(request).sessions, open_sandbox)
        state.test_calls = calls
    return calls


class StubData(Body):
    """What an interface answers: ``{"json": ...}`` (status 200) or ``{"status": 500}``."""

    json_: Any = Field(default=None, alias="json")
    status: Annotated[StrictInt, Field(ge=100, le=599)] = 200
    body: Annotated[StrictStr, Field(max_length=65536)] | None = None
    delay: Annotated[float, Field(ge=0, le=MAX_DELAY)] = 0.0
    timeout: Annotated[float, Field(ge=0.01, le=MAX_DELAY)] | None = None

    def answer(self) -> StubAnswer:
        fields = self.model_fields_set
        body = self.body if "body" in fields else None
        data = self.json_ if "json_" in fields else ({} if body is None else None)
        return StubAnswer(self.status, data, body, self.delay, self.timeout)


class TestCallData(Body):
    __test__ = False

    flow: Code
    version: Annotated[StrictInt, Field(ge=1, le=NUMBER_MAX)] | Literal["draft"] = "draft"
    channel: Literal["voice", "chat"] = "voice"
    calling_number: Annotated[
        StrictStr, Field(alias="callingNumber", min_length=1, max_length=32, pattern=PRINTABLE)
    ] = "13500000001"
    stubs: Annotated[dict[Name, StubData], Field(max_length=100)] = Field(default_factory=dict)
    use_test_stubs: Annotated[StrictBool, Field(alias="useTestStubs")] = True


class InputData(Body):
    kind: Literal["text", "keys", "timeout", "nomatch", "hangup", "ok", "fail"]
    value: Text | None = None

    def caller_input(self) -> CallerInput:
        value = (self.value or "").strip()
        if self.kind == "text":
            if not value:
                raise parameter_error("value", "is what the caller says; it must not be empty")
            return CallerInput(InputKind.TEXT, value)
        if self.kind == "keys":
            if not re.match(KEYS, value):
                raise parameter_error("value", "holds keys 0-9, * and #")
            return CallerInput(InputKind.DIGITS, value)
        if self.kind in ("ok", "fail"):
            return CallerInput(InputKind(self.kind))
        return CallerInput(InputKind.EVENT, self.kind)


class SaveData(Body):
    name: Annotated[StrictStr, Field(min_length=1, max_length=256, pattern=PRINTABLE)]
    file: Annotated[StrictStr, Field(min_length=1, max_length=128)]


def _turns(turns: list[Turn]) -> list[dict[str, Any]]:
    return [asdict(t) for t in turns]


@router.post(
    "",
    status_code=201,
    openapi_extra=request_schema(TestCallData),
    summary="Start a test call on a flow's draft or a version; answers the first turns",
)
async def start_test_call(
    access: Editor,
    storage: Store,
    request: Request,
    data: Annotated[TestCallData, body_of(TestCallData)],
) -> dict[str, Any]:
    spec = TestCallSpec(
        tenant_id=access.tenant_id,
        flow=data.flow,
        version=None if data.version == "draft" else data.version,
        channel=data.channel,
        calling=data.calling_number,
        stubs={name: stub.answer() for name, stub in data.stubs.items()},
        use_test_stubs=data.use_test_stubs,
    )
    call_id, turns = await test_calls_of(request).start(storage, spec)
    return {"id": call_id, "turns": _turns(turns)}


@router.post(
    "/{call_id}/input",
    openapi_extra=request_schema(InputData),
    summary="What the caller does next: text, keys, timeout, nomatch, hangup (ok/fail a transfer)",
)
async def send_input(
    access: Editor,
    storage: Store,
    request: Request,
    call_id: CallId,
    data: Annotated[InputData, body_of(InputData)],
) -> dict[str, Any]:
    given = data.caller_input()
    turns = await test_calls_of(request).send(storage, access.tenant_id, call_id, given)
    return {"turns": _turns(turns)}


@router.delete("/{call_id}", status_code=204, summary="End a test call")
async def end_test_call(access: Editor, request: Request, call_id: CallId) -> Response:
    await test_calls_of(request).end(access.tenant_id, call_id)
    return Response(status_code=204)


@router.post(
    "/{call_id}/save",
    status_code=201,
    openapi_extra=request_schema(SaveData),
    summary="Keep the conversation so far as a conversation test (added to the file's tests)",
)
async def save_test_call(
    access: Editor,
    storage: Store,
    request: Request,
    call_id: CallId,
    data: Annotated[SaveData, body_of(SaveData)],
) -> dict[str, str]:
    record = await test_calls_of(request).conversation(access.tenant_id, call_id)
    stored = await append_test(storage, access.tenant_id, data.file, test_text(record, data.name))
    return {"file": stored.file, "text": stored.text}
