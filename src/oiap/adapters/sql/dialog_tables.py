"""Tables behind the dialog runtime: trained intent models and the record of every turn."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
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
    # Range scans of a tenant's turns (the analytics inbox, replay picking calls by time).
    __table_args__ = (Index("ix_dialog_turns_tenant_at", "tenant_id", "at"),)

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
    # Facts for analytics and replay (0009): JSON arrays as text, read back by the repository.
    entry_node: Mapped[str | None] = mapped_column(String(128), nullable=True)
    path: Mapped[str] = mapped_column(Text, default="", server_default="")
    exits: Mapped[str] = mapped_column(Text, default="", server_default="")
    faults: Mapped[str] = mapped_column(Text, default="", server_default="")
    interfaces: Mapped[str] = mapped_column(Text, default="", server_default="")
    transfer_type: Mapped[int | None] = mapped_column(Integer, nullable=True)
    release_reason: Mapped[str | None] = mapped_column(String(8), nullable=True)
    hangup: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    call_outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    ended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class AnalyticsHourlyRow(Base):
    """Hourly counts of turn facts (services/turn_facts.py), added to by the record writer
    in the same transaction as the turns, so dashboards never scan the turns."""

    __tablename__ = "analytics_hourly"
    __table_args__ = (
        PrimaryKeyConstraint(
            "tenant_id", "metric", "hour", "access_code", "flow_code", "flow_version", "key"
        ),
    )

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE")
    )
    metric: Mapped[str] = mapped_column(String(16))
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    access_code: Mapped[str] = mapped_column(String(20))
    flow_code: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(400))
    count: Mapped[int] = mapped_column(BigInteger)
