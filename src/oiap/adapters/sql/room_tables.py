"""Tables of the MetaStudio resources: projects, dialogs, applications, jobs, codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oiap.adapters.sql.models import Base, utcnow


class ProjectRow(Base):
    __tablename__ = "ms_projects"

    project_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
    access_key: Mapped[str] = mapped_column(String(64), unique=True)
    sealed_secret: Mapped[str] = mapped_column(String(256))
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    key_rotated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RoomRow(Base):
    __tablename__ = "ms_rooms"
    __table_args__ = (UniqueConstraint("project_id", "room_name"),)

    room_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("ms_projects.project_id", ondelete="CASCADE"), index=True
    )
    room_name: Mapped[str] = mapped_column(String(256))
    model_asset_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_job_start: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class RobotRow(Base):
    __tablename__ = "ms_robots"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    robot_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("ms_projects.project_id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(256))
    app_type: Mapped[int] = mapped_column(Integer)
    room_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    robot_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class JobRow(Base):
    __tablename__ = "ms_jobs"

    job_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(String(64), index=True)
    room_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("ms_rooms.room_id", ondelete="CASCADE"), index=True
    )
    robot_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    state: Mapped[str] = mapped_column(String(16))
    lease_key: Mapped[str] = mapped_column(String(256))
    client_id: Mapped[str | None] = mapped_column(String(256), nullable=True)
    extend_param: Mapped[str | None] = mapped_column(String(4096), nullable=True)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    lastupdate_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    start_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    end_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finish_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error_msg: Mapped[str | None] = mapped_column(String(512), nullable=True)
    is_live: Mapped[bool] = mapped_column(Boolean, default=True)


class ActiveCodeRow(Base):
    __tablename__ = "ms_active_codes"

    active_code_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("ms_projects.project_id", ondelete="CASCADE"), index=True
    )
    robot_id: Mapped[str] = mapped_column(String(64), index=True)
    room_id: Mapped[str] = mapped_column(String(64))
    active_code: Mapped[str] = mapped_column(String(32))
    valid_period: Mapped[int] = mapped_column(Integer)
    create_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    update_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
