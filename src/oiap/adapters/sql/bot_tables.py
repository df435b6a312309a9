"""Tables for bot configuration: intents, access codes, flows and their versions, resources,
Q&A. Lists inside an object (examples, slots, parameters) are JSON columns: they are always
read and written with their owner, never queried on their own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from oiap.adapters.sql.models import Base, utcnow


def _tenant_column() -> Mapped[str]:
    return mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE"), index=True
    )


class BotRow(Base):
    __tablename__ = "bots"

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.tenant_id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")


class IntentRow(Base):
    __tablename__ = "intents"
    __table_args__ = (UniqueConstraint("domain_id", "code"),)

    intent_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    domain_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("domains.domain_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    examples: Mapped[list[str]] = mapped_column(JSON)
    slots: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    reply: Mapped[str] = mapped_column(Text, default="")


class AccessCodeRow(Base):
    __tablename__ = "access_codes"
    # accessIds are handed out to clients; SQLite must never reuse a deleted one.
    __table_args__ = (UniqueConstraint("tenant_id", "access_code"), {"sqlite_autoincrement": True})

    access_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    access_code: Mapped[str] = mapped_column(String(20))
    dialog_type: Mapped[int] = mapped_column(Integer)
    flow_code: Mapped[str] = mapped_column(String(64))
    domain_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    robot_name: Mapped[str] = mapped_column(String(128), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(64), default="OIFDE")
    using_record_service: Mapped[int] = mapped_column(Integer, default=0)


class FlowRow(Base):
    __tablename__ = "flows"
    __table_args__ = (
        UniqueConstraint("tenant_id", "code"),
        UniqueConstraint("tenant_id", "name", name="uq_flows_tenant_id_name"),
    )

    flow_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(128))
    scenario: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, default="")
    draft: Mapped[str] = mapped_column(Text)  # canonical JSON of the flow being edited
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlowVersionRow(Base):
    __tablename__ = "flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "number"),)

    version_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flow_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("flows.flow_id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    definition: Mapped[str] = mapped_column(Text)  # canonical JSON, never changed
    # What the version runs with, frozen at publish: templates, interfaces, global
    # variables, Q&A and the keys of its trained intent models (JSON).
    resources: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    gray_numbers: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    gray_prefixes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[str | None] = mapped_column(String(128), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class VariableRow(Base):
    __tablename__ = "variables"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    variable_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    name: Mapped[str] = mapped_column(String(128))
    type: Mapped[str] = mapped_column(String(16))
    default: Mapped[Any] = mapped_column(JSON, nullable=True)
    description: Mapped[str] = mapped_column(Text, default="")


class TemplateRow(Base):
    __tablename__ = "templates"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    template_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    name: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")


class InterfaceRow(Base):
    __tablename__ = "business_interfaces"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    interface_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    name: Mapped[str] = mapped_column(String(128))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class FaqGroupRow(Base):
    __tablename__ = "faq_groups"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    group_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FaqRow(Base):
    __tablename__ = "faqs"

    faq_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("faq_groups.group_id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    similar: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    similar_answers: Mapped[list[str]] = mapped_column(JSON)


class ConversationTestRow(Base):
    """A conversation-test file of the bot folder (``tests/<file>``), kept as its YAML text."""

    __tablename__ = "conversation_tests"
    __table_args__ = (UniqueConstraint("tenant_id", "file"),)

    test_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = _tenant_column()
    file: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
