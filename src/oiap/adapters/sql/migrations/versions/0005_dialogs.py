"""Dialog runtime: resources frozen with each published version, trained intent models, and
the record of every dialog turn.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _tenant(table: str) -> sa.Column[str]:
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey(
            "tenants.tenant_id", ondelete="CASCADE", name=f"fk_{table}_tenant_id_tenants"
        ),
        nullable=False,
    )


def upgrade() -> None:
    with op.batch_alter_table("flow_versions") as batch:
        batch.add_column(sa.Column("resources", sa.Text(), nullable=True))
    op.create_table(
        "nlu_models",
        sa.Column("model_id", sa.Integer(), primary_key=True, autoincrement=True),
        _tenant("nlu_models"),
        sa.Column("model_key", sa.String(64), nullable=False),
        sa.Column("domain", sa.String(128), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "model_key", name="uq_nlu_models_tenant_id"),
    )
    op.create_index(op.f("ix_nlu_models_tenant_id"), "nlu_models", ["tenant_id"])
    op.create_table(
        "dialog_turns",
        sa.Column("turn_id", sa.Integer(), primary_key=True, autoincrement=True),
        _tenant("dialog_turns"),
        sa.Column("call_id", sa.String(64), nullable=False),
        sa.Column("calling", sa.String(64), nullable=False),
        sa.Column("access_code", sa.String(20), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inter_idx", sa.Integer(), nullable=False),
        sa.Column("inaction", sa.Integer(), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("intent", sa.String(128), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("source", sa.String(16), nullable=True),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("outaction", sa.Integer(), nullable=False),
        sa.Column("flow_code", sa.String(64), nullable=False),
        sa.Column("flow_version", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(128), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=False),
    )
    for column in ("tenant_id", "call_id", "calling"):
        op.create_index(op.f(f"ix_dialog_turns_{column}"), "dialog_turns", [column])


def downgrade() -> None:
    op.drop_table("dialog_turns")
    op.drop_table("nlu_models")
    with op.batch_alter_table("flow_versions") as batch:
        batch.drop_column("resources")
