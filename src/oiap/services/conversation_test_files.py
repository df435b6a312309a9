"""A tenant's conversation tests: the ``tests/*.yaml`` files of its bot folder, kept with the
bot so the console can write and run them and ``oiap bot pull`` hands them back."""

from __future__ import annotations

import re

from oiap.errors import Err, OiapError, parameter_error
from oiap.services.conversation_test_ports import TestFile
from oiap.services.conversation_tests import ConversationTest, Problem, parse_tests
from oiap.services.flow_publishing import InvalidConfiguration
from oiap.services.ports import Storage

FILE_MAX = 128
TEXT_MAX = 1_000_000
# A plain file name inside tests/: no folders, no dot files, the extensions the folder reader takes.
_FILE = re.compile(r"^[^/\\\x00-\x1f\x7f.][^/\\\x00-\x1f\x7f]*\.ya?ml$")


def checked_file_name(file: str) -> str:
    if len(file) > FILE_MAX or not _FILE.match(file):
        raise parameter_error(
            "file", f"must be a file name such as balance.yaml ({FILE_MAX} characters at most)"
        )
    return file


def checked_text(file: str, text: str) -> list[ConversationTest]:
    """The tests of ``text``; every problem refused at once, listed in the error's "problems"."""
    if len(text) > TEXT_MAX:
        raise parameter_error("text", f"is longer than {TEXT_MAX} characters")
    tests, problems = parse_tests(text, file)
    if problems:
        raise InvalidConfiguration([str(p) for p in problems])
    return tests


async def list_test_files(storage: Storage, tenant_id: str) -> list[TestFile]:
    async with storage.reader() as repos:
        return await repos.conversation_tests.list_files(tenant_id)


async def get_test_file(storage: Storage, tenant_id: str, file: str) -> TestFile:
    async with storage.reader() as repos:
        found = await repos.conversation_tests.get_file(tenant_id, checked_file_name(file))
    if found is None:
        raise OiapError(Err.NOT_FOUND, f"No conversation test file '{file}'.")
    return found


async def put_test_file(storage: Storage, tenant_id: str, file: str, text: str) -> bool:
    """Store a test file after checking it reads as tests; True when it is new."""
    checked_text(checked_file_name(file), text)
    async with storage.transaction() as repos:
        return await repos.conversation_tests.put_file(tenant_id, file, text)


async def append_test(storage: Storage, tenant_id: str, file: str, test: str) -> TestFile:
    """Add one test (a YAML document) to ``file``, making the file when it is new."""
    checked_text(checked_file_name(file), test)
    async with storage.transaction() as repos:
        found = await repos.conversation_tests.get_file(tenant_id, file)
        text = test if found is None else f"{found.text.rstrip()}\n---\n{test}"
        checked_text(file, text)
        await repos.conversation_tests.put_file(tenant_id, file, text)
    return TestFile(file, text)


async def delete_test_file(storage: Storage, tenant_id: str, file: str) -> None:
    async with storage.transaction() as repos:
        if not await repos.conversation_tests.delete_file(tenant_id, checked_file_name(file)):
            raise OiapError(Err.NOT_FOUND, f"No conversation test file '{file}'.")


def tests_of(files: list[TestFile]) -> tuple[list[ConversationTest], list[Problem]]:
    """Every test of the stored files, in file order, and what could not be read."""
    tests: list[ConversationTest] = []
    problems: list[Problem] = []
    for stored in files:
        found, wrong = parse_tests(stored.text, stored.file)
        tests += found
        problems += wrong
    return tests, problems
