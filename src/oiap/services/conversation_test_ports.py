"""What the conversation-test use cases need from storage: a tenant's test files, each kept
as the YAML text of one ``tests/<file>`` of its bot folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class TestFile:
    __test__ = False  # not a pytest class, whatever imports it

    file: str  # e.g. "balance.yaml"
    text: str
    updated_at: datetime | None = None


class ConversationTestRepository(Protocol):
    async def list_files(self, tenant_id: str) -> list[TestFile]:
        """Every test file of the tenant, in file name order."""
        ...

    async def get_file(self, tenant_id: str, file: str) -> TestFile | None: ...

    async def put_file(self, tenant_id: str, file: str, text: str) -> bool:
        """Store ``text`` as ``file``; True when the file is new."""
        ...

    async def delete_file(self, tenant_id: str, file: str) -> bool:
        """False when there was no such file."""
        ...
