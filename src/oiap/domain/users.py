"""People who sign in to the console, and what their role lets them do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    """A tenant user's role; each includes the ones before it."""

    VIEWER = "viewer"  # reads everything of the tenant
    EDITOR = "editor"  # edits drafts, runs test calls
    ADMIN = "admin"  # publishes, rolls back, gray rules, access codes, the tenant's users

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        return self.rank >= needed.rank


_RANKS = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}

PLATFORM = "platform"
"""The role label of a platform operator: of no tenant, acts as admin in any tenant."""

# A user name is typed at the sign-in page and names session-store keys: keep it plain.
USER_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@\-]{0,63}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 256  # scrypt hashes any length; a bound keeps a sign-in cheap to refuse


@dataclass(frozen=True)
class ConsoleUser:
    """A console account: of one tenant with a role, or a platform operator (no tenant)."""

    name: str
    tenant_id: str | None
    role: Role | None  # None for a platform operator
    disabled: bool
    created_at: datetime
    password_set_at: datetime

    @property
    def is_platform(self) -> bool:
        return self.tenant_id is None

    @property
    def role_label(self) -> str:
        """What the console and ``oiap user list`` show: a role, or ``platform``."""
        return PLATFORM if self.role is None else self.role.value

    @property
    def acting_role(self) -> Role:
        """The rights the user acts with in a tenant they may act for."""
        return Role.ADMIN if self.role is None else self.role

    def may_act_for(self, tenant_id: str) -> bool:
        return self.is_platform or self.tenant_id == tenant_id


def name_problem(name: str) -> str | None:
    if USER_NAME_PATTERN.match(name):
        return None
    return "must be 1-64 letters, digits, '_', '.', '@', '-' and start with a letter or digit"


def password_problem(password: str) -> str | None:
    if len(password) < PASSWORD_MIN:
        return f"must be at least {PASSWORD_MIN} characters"
    if len(password) > PASSWORD_MAX:
        return f"must be at most {PASSWORD_MAX} characters"
    if not password.strip():
        return "must not be blank"
    return None
