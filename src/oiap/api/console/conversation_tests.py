"""Workbench: the conversation tests kept with the tenant's bot (its folder's ``tests/``),
written from the console or by ``oiap bot push``, and run as ``oiap bot test`` runs them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field, StrictInt, StrictStr

from oiap.api.access import Editor, Viewer
from oiap.api.console.simulator import open_sandbox
from oiap.api.manage.resource import (
    NUMBER_MAX,
    WRITE_RESPONSES,
    Body,
    Code,
    Store,
    body_of,
    created_or_replaced,
)
from oiap.api.wire import request_schema
from oiap.services import conversation_test_files as files
from oiap.services.conversation_test_ports import TestFile
from oiap.services.test_calls import run_stored_tests

router = APIRouter(prefix="/oiap/v1/conversation-tests", tags=["Console workbench"])

FileInPath = Annotated[str, Path(min_length=1, max_length=files.FILE_MAX)]
FileName = Annotated[StrictStr, Field(min_length=1, max_length=files.FILE_MAX)]


class TestFileOut(BaseModel):
    file: str
    text: str
    names: list[str] = Field(description="The names of the tests the file holds")


class TestFilesOut(BaseModel):
    items: list[TestFileOut]


class TestFileData(Body):
    READ_ONLY = frozenset({"file", "names"})

    text: Annotated[StrictStr, Field(max_length=files.TEXT_MAX)]


class RunData(Body):
    files: Annotated[list[FileName], Field(max_length=1000)] | None = None
    version: Annotated[StrictInt, Field(ge=1, le=NUMBER_MAX)] | Literal["draft"] = "draft"
    flow: Code | None = Field(
        default=None, description="With a version number: the flow it is of (default: the only)"
    )


class ResultOut(BaseModel):
    file: str
    name: str
    passed: bool
    failures: list[str]


class RunOut(BaseModel):
    results: list[ResultOut]
    passed: int
    failed: int


def _out(stored: TestFile) -> TestFileOut:
    tests, _ = files.tests_of([stored])
    return TestFileOut(file=stored.file, text=stored.text, names=[t.name for t in tests])


@router.get("", response_model=TestFilesOut, summary="The bot's conversation test files")
async def list_tests(access: Viewer, storage: Store) -> TestFilesOut:
    return TestFilesOut(
        items=[_out(f) for f in await files.list_test_files(storage, access.tenant_id)]
    )


@router.post(
    "/run",
    response_model=RunOut,
    openapi_extra=request_schema(RunData),
    summary="Run the conversation tests against the drafts (or a version); pass/fail per test",
)
async def run_tests(
    access: Editor, storage: Store, data: Annotated[RunData, body_of(RunData)]
) -> RunOut:
    outcomes = await run_stored_tests(
        storage,
        open_sandbox,
        access.tenant_id,
        files=data.files,
        flow=data.flow,
        version=None if data.version == "draft" else data.version,
    )
    passed = sum(o.passed for o in outcomes)
    return RunOut(
        results=[
            ResultOut(file=o.file, name=o.name, passed=o.passed, failures=o.failures)
            for o in outcomes
        ],
        passed=passed,
        failed=len(outcomes) - passed,
    )


@router.get("/{file}", response_model=TestFileOut, summary="One conversation test file")
async def get_test(access: Viewer, storage: Store, file: FileInPath) -> TestFileOut:
    return _out(await files.get_test_file(storage, access.tenant_id, file))


@router.put(
    "/{file}",
    response_model=TestFileOut,
    responses=WRITE_RESPONSES,
    openapi_extra=request_schema(TestFileData),
    summary="Write a conversation test file (refused with every problem when it does not read)",
)
async def put_test(
    access: Editor,
    storage: Store,
    file: FileInPath,
    response: Response,
    data: Annotated[TestFileData, body_of(TestFileData)],
) -> TestFileOut:
    created = await files.put_test_file(storage, access.tenant_id, file, data.text)
    created_or_replaced(response, created)
    return _out(TestFile(file, data.text))


@router.delete("/{file}", status_code=204, summary="Delete a conversation test file")
async def delete_test(access: Editor, storage: Store, file: FileInPath) -> Response:
    await files.delete_test_file(storage, access.tenant_id, file)
    return Response(status_code=204)
