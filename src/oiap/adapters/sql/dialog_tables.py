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
    """Hourly counts of turn facts (services/turn_facts.py) by metric and key, added to by
    the record writer in the same transaction as the turns, so dashboards never scan the
    turns. Calls, turns, outcomes and latency are in :class:`AnalyticsCallsHourlyRow`."""

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


class AnalyticsCallsHourlyRow(Base):
    """One row per hour, access code, flow and version: its calls, turns, call outcomes and
    a histogram of turn latency. One row instead of one per latency bucket keeps the calls
    dashboard to one row per hour and combination in use (8 640 rows for 30 days of the
    benchmark's 3 access codes and 4 flow versions, whatever the number of turns).

    ``latency`` is the histogram in 5 % buckets (turn_facts.latency_bucket) as text:
    ``"<first bucket>:<count>,<count>,..."``, the counts of consecutive buckets from the
    first non-empty one to the last ("" when empty). The writer merges it under a row lock
    (adapters/sql/analytics_queries.py)."""

    __tablename__ = "analytics_calls_hourly"
    __table_args__ = (
        PrimaryKeyConstraint("tenant_id", "hour", "access_code", "flow_code", "flow_version"),
    )

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE")
    )
    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    access_code: Mapped[str] = mapped_column(String(20))
    flow_code: Mapped[str] = mapped_column(String(64))
    flow_version: Mapped[int] = mapped_column(Integer)
    calls: Mapped[int] = mapped_column(BigInteger)
    turns: Mapped[int] = mapped_column(BigInteger)
    contained: Mapped[int] = mapped_column(BigInteger)
    transferred: Mapped[int] = mapped_column(BigInteger)
    abandoned: Mapped[int] = mapped_column(BigInteger)
    latency: Mapped[str] = mapped_column(Text)
