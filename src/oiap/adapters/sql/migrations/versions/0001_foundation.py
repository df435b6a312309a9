"""Tenants, machine accounts and domains.

Revision ID: 0001
Revises:
Create Date: 2026-11-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("secret_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("secret_rotated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "system_users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("secret_hash", sa.String(256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "domains",
        sa.Column("domain_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey(
                "tenants.tenant_id", ondelete="CASCADE", name="fk_domains_tenant_id_tenants"
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("tenant_id", "name", name="uq_domains_tenant_id"),
    )
    op.create_index("ix_domains_tenant_id", "domains", ["tenant_id"])


def downgrade() -> None:
    op.drop_index("ix_domains_tenant_id", table_name="domains")
    op.drop_table("domains")
    op.drop_table("system_users")
    op.drop_table("tenants")
