"""Turn facts for analytics and replay, and hourly counts of them.

A turn record now says which nodes the turn ran through, which branch it took out of each,
the failures counted at a node, its business-interface calls (with the answer, for a
replay), the transfer type, the release reason, whether the caller hung up and how the call
came out. ``analytics_hourly`` holds counts of those facts per hour by metric and key, and
``analytics_calls_hourly`` one row per hour, access code, flow and version with its calls,
turns, outcomes and a latency histogram; the record writer adds to both with the turns, so a
dashboard never scans the turns. Turns recorded before this revision have no facts and are
not counted.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TEXT_FACTS = ("path", "exits", "faults", "interfaces")
_CALL_COUNTS = ("calls", "turns", "contained", "transferred", "abandoned")


def upgrade() -> None:
    with op.batch_alter_table("dialog_turns") as batch:
        batch.add_column(sa.Column("entry_node", sa.String(128), nullable=True))
        for name in _TEXT_FACTS:
            batch.add_column(sa.Column(name, sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("transfer_type", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("release_reason", sa.String(8), nullable=True))
        batch.add_column(
            sa.Column("hangup", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("call_outcome", sa.String(16), nullable=True))
        batch.add_column(
            sa.Column("ended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_dialog_turns_tenant_at", "dialog_turns", ["tenant_id", "at"])
    op.create_table(
        "analytics_hourly",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("metric", sa.String(16), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_code", sa.String(20), nullable=False),
        sa.Column("flow_code", sa.String(64), nullable=False),
        sa.Column("flow_version", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "tenant_id", "metric", "hour", "access_code", "flow_code", "flow_version", "key"
        ),
    )
    op.create_table(
        "analytics_calls_hourly",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("access_code", sa.String(20), nullable=False),
        sa.Column("flow_code", sa.String(64), nullable=False),
        sa.Column("flow_version", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _CALL_COUNTS),
        sa.Column("latency", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "hour", "access_code", "flow_code", "flow_version"),
    )


def downgrade() -> None:
    op.drop_table("analytics_calls_hourly")
    op.drop_table("analytics_hourly")
    op.drop_index("ix_dialog_turns_tenant_at", table_name="dialog_turns")
    with op.batch_alter_table("dialog_turns") as batch:
        for name in (
            "ended",
            "call_outcome",
            "hangup",
            "release_reason",
            "transfer_type",
            *reversed(_TEXT_FACTS),
            "entry_node",
        ):
            batch.drop_column(name)
