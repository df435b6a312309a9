"""MetaStudio projects, interactive dialogs, applications, jobs and activation codes.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _project_fk(table: str) -> sa.Column[Any]:
    return sa.Column(
        "project_id",
        sa.String(64),
        sa.ForeignKey(
            "ms_projects.project_id", ondelete="CASCADE", name=f"fk_{table}_project_id_ms_projects"
        ),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "ms_projects",
        sa.Column("project_id", sa.String(64), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey(
                "tenants.tenant_id", ondelete="CASCADE", name="fk_ms_projects_tenant_id_tenants"
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("access_key", sa.String(64), nullable=False),
        sa.Column("sealed_secret", sa.String(256), nullable=False),
        sa.Column("quota", sa.Integer, nullable=True),
        _when("created_at"),
        _when("key_rotated_at"),
        sa.UniqueConstraint("access_key", name="uq_ms_projects_access_key"),
    )
    op.create_index("ix_ms_projects_tenant_id", "ms_projects", ["tenant_id"])
    op.create_table(
        "ms_rooms",
        sa.Column("room_id", sa.String(64), primary_key=True),
        _project_fk("ms_rooms"),
        sa.Column("room_name", sa.String(256), nullable=False),
        sa.Column("model_asset_id", sa.String(256), nullable=True),
        sa.Column("document", sa.JSON, nullable=False),
        _when("create_time"),
        _when("update_time"),
        _when("last_job_start", nullable=True),
        sa.UniqueConstraint("project_id", "room_name", name="uq_ms_rooms_project_id"),
    )
    op.create_index("ix_ms_rooms_project_id", "ms_rooms", ["project_id"])
    op.create_table(
        "ms_robots",
        sa.Column("robot_id", sa.String(64), primary_key=True),
        _project_fk("ms_robots"),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("app_type", sa.Integer, nullable=False),
        sa.Column("room_id", sa.String(64), nullable=True),
        sa.Column("robot_type", sa.String(16), nullable=True),
        sa.Column("document", sa.JSON, nullable=False),
        _when("create_time"),
        _when("update_time"),
        sa.UniqueConstraint("project_id", "name", name="uq_ms_robots_project_id"),
    )
    op.create_index("ix_ms_robots_project_id", "ms_robots", ["project_id"])
    op.create_table(
        "ms_jobs",
        sa.Column("job_id", sa.String(64), primary_key=True),
        sa.Column("project_id", sa.String(64), nullable=False),
        sa.Column(
            "room_id",
            sa.String(64),
            sa.ForeignKey(
                "ms_rooms.room_id", ondelete="CASCADE", name="fk_ms_jobs_room_id_ms_rooms"
            ),
            nullable=False,
        ),
        sa.Column("robot_id", sa.String(64), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("lease_key", sa.String(256), nullable=False),
        sa.Column("client_id", sa.String(256), nullable=True),
        sa.Column("extend_param", sa.String(4096), nullable=True),
        _when("create_time"),
        _when("lastupdate_time"),
        _when("start_time", nullable=True),
        _when("end_time", nullable=True),
        sa.Column("finish_reason", sa.String(32), nullable=True),
        sa.Column("error_code", sa.String(32), nullable=True),
        sa.Column("error_msg", sa.String(512), nullable=True),
        sa.Column("is_live", sa.Boolean, nullable=False),
    )
    op.create_index("ix_ms_jobs_project_id", "ms_jobs", ["project_id"])
    op.create_index("ix_ms_jobs_room_id", "ms_jobs", ["room_id"])
    op.create_table(
        "ms_active_codes",
        sa.Column("active_code_id", sa.String(64), primary_key=True),
        _project_fk("ms_active_codes"),
        sa.Column("robot_id", sa.String(64), nullable=False),
        sa.Column("room_id", sa.String(64), nullable=False),
        sa.Column("active_code", sa.String(32), nullable=False),
        sa.Column("valid_period", sa.Integer, nullable=False),
        _when("create_time"),
        _when("update_time"),
    )
    op.create_index("ix_ms_active_codes_project_id", "ms_active_codes", ["project_id"])
    op.create_index("ix_ms_active_codes_robot_id", "ms_active_codes", ["robot_id"])


def downgrade() -> None:
    op.drop_table("ms_active_codes")
    op.drop_table("ms_jobs")
    op.drop_table("ms_robots")
    op.drop_table("ms_rooms")
    op.drop_table("ms_projects")
