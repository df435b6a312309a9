"""Console users in SQL (placeholder, being written)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession


class SqlUsers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
