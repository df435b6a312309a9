"""Join the bot-configuration and MetaStudio branches, so later migrations have one parent.

Revision ID: 0004
Revises: 0002, 0003
Create Date: 2026-11-20
"""

from __future__ import annotations

revision = "0004"
down_revision = ("0002", "0003")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
