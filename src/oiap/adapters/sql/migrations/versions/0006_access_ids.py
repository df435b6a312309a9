"""Access IDs are never reused: SQLite's AUTOINCREMENT on the access-code table.

A client may keep an accessId it was given; after a delete, SQLite's default rowid choice
could give the same number to a new binding. PostgreSQL's sequences never reuse numbers, so
only SQLite's table is rebuilt.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-20
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "access_codes", recreate="always", table_kwargs={"sqlite_autoincrement": True}
    ):
        pass


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "access_codes", recreate="always", table_kwargs={"sqlite_autoincrement": False}
    ):
        pass
