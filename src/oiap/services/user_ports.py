"""What the console-user use cases need from storage."""

from __future__ import annotations

from typing import Protocol

from oiap.domain.users import ConsoleUser, Role


class UserRepository(Protocol):
    async def get(self, name: str) -> ConsoleUser | None: ...

    async def password_hash(self, name: str) -> str | None: ...

    async def list_users(self, tenant_id: str | None = None) -> list[ConsoleUser]:
        """A tenant's users, or (None) every user, platform operators included."""
        ...

    async def add(self, user: ConsoleUser, password_hash: str) -> None: ...

    async def set_role(self, name: str, role: Role) -> None: ...

    async def set_password(self, name: str, password_hash: str) -> ConsoleUser: ...

    async def set_disabled(self, name: str, disabled: bool) -> None: ...
