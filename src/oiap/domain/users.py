"""People who sign in to the console, and what their role lets them do."""

from __future__ import annotations

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
