"""Tables behind the dialog runtime: trained intent models and the record of every turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from oiap.adapters.sql.models import Base, utcnow


class NluModelRow(Base):
    """A model trained at publish time, keyed by a digest of what it was trained on, so two
    versions with the same domain share one model and a turn never trains."""

    __tablename__ = "nlu_models"
    __table_args__ = (UniqueConstraint("tenant_id", "model_key"),)

    model_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE"), index=True
    )
    model_key: Mapped[str] = mapped_column(String(64))
    domain: Mapped[str] = mapped_column(String(128))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DialogTurnRow(Base):
    __tablename__ = "dialog_turns"

    turn_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE"), index=True
    )
    call_id: Mapped[str] = mapped_column(String(64), index=True)
    calling: Mapped[str] = mapped_column(String(64), index=True)
    access_code: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    inter_idx: Mapped[int] = mapped_column(Integer)
    inaction: Mapped[int] = mapped_column(Integer)
    input: Mapped[str] = mapped_column(Text, default="")
    intent: Mapped[str | None] = mapped_column(String(128), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    source: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reply: Mapped[str] = mapped_column(Text, default="")
    outaction: Mapped[int] = mapped_column(Integer)
    flow_code: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    node: Mapped[str | None] = mapped_column(String(128), nullable=True)
    latency_ms: Mapped[float] = mapped_column(Float)
