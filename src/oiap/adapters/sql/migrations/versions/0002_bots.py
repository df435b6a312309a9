"""Bot configuration: intents, access codes, flows and versions, resources, Q&A.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_codes",
        sa.Column("access_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("access_code", sa.String(length=20), nullable=False),
        sa.Column("dialog_type", sa.Integer(), nullable=False),
        sa.Column("flow_code", sa.String(length=64), nullable=False),
        sa.Column("domain_name", sa.String(length=128), nullable=True),
        sa.Column("robot_name", sa.String(length=128), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("using_record_service", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_access_codes_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("access_id", name=op.f("pk_access_codes")),
        sa.UniqueConstraint("tenant_id", "access_code", name=op.f("uq_access_codes_tenant_id")),
    )
    op.create_index(op.f("ix_access_codes_tenant_id"), "access_codes", ["tenant_id"], unique=False)
    op.create_table(
        "bots",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_bots_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_bots")),
    )
    op.create_table(
        "business_interfaces",
        sa.Column("interface_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_business_interfaces_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interface_id", name=op.f("pk_business_interfaces")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_business_interfaces_tenant_id")),
    )
    op.create_index(
        op.f("ix_business_interfaces_tenant_id"), "business_interfaces", ["tenant_id"], unique=False
    )
    op.create_table(
        "faq_groups",
        sa.Column("group_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_faq_groups_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_faq_groups")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_faq_groups_tenant_id")),
    )
    op.create_index(op.f("ix_faq_groups_tenant_id"), "faq_groups", ["tenant_id"], unique=False)
    op.create_table(
        "flows",
        sa.Column("flow_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("scenario", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_flows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("flow_id", name=op.f("pk_flows")),
        sa.UniqueConstraint("tenant_id", "code", name=op.f("uq_flows_tenant_id")),
        sa.UniqueConstraint("tenant_id", "name", name="uq_flows_tenant_id_name"),
    )
    op.create_index(op.f("ix_flows_tenant_id"), "flows", ["tenant_id"], unique=False)
    op.create_table(
        "templates",
        sa.Column("template_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_templates_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("template_id", name=op.f("pk_templates")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_templates_tenant_id")),
    )
    op.create_index(op.f("ix_templates_tenant_id"), "templates", ["tenant_id"], unique=False)
    op.create_table(
        "variables",
        sa.Column("variable_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("default", sa.JSON(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.tenant_id"],
            name=op.f("fk_variables_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("variable_id", name=op.f("pk_variables")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_variables_tenant_id")),
    )
    op.create_index(op.f("ix_variables_tenant_id"), "variables", ["tenant_id"], unique=False)
    op.create_table(
        "faqs",
        sa.Column("faq_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("similar", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("similar_answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["faq_groups.group_id"],
            name=op.f("fk_faqs_group_id_faq_groups"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("faq_id", name=op.f("pk_faqs")),
    )
    op.create_index(op.f("ix_faqs_group_id"), "faqs", ["group_id"], unique=False)
    op.create_table(
        "flow_versions",
        sa.Column("version_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("gray_numbers", sa.JSON(), nullable=True),
        sa.Column("gray_prefixes", sa.JSON(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_id"],
            ["flows.flow_id"],
            name=op.f("fk_flow_versions_flow_id_flows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_flow_versions")),
        sa.UniqueConstraint("flow_id", "number", name=op.f("uq_flow_versions_flow_id")),
    )
    op.create_index(op.f("ix_flow_versions_flow_id"), "flow_versions", ["flow_id"], unique=False)
    op.create_table(
        "intents",
        sa.Column("intent_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("domain_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["domain_id"],
            ["domains.domain_id"],
            name=op.f("fk_intents_domain_id_domains"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("intent_id", name=op.f("pk_intents")),
        sa.UniqueConstraint("domain_id", "code", name=op.f("uq_intents_domain_id")),
    )
    op.create_index(op.f("ix_intents_domain_id"), "intents", ["domain_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_intents_domain_id"), table_name="intents")
    op.drop_table("intents")
    op.drop_index(op.f("ix_flow_versions_flow_id"), table_name="flow_versions")
    op.drop_table("flow_versions")
    op.drop_index(op.f("ix_faqs_group_id"), table_name="faqs")
    op.drop_table("faqs")
    op.drop_index(op.f("ix_variables_tenant_id"), table_name="variables")
    op.drop_table("variables")
    op.drop_index(op.f("ix_templates_tenant_id"), table_name="templates")
    op.drop_table("templates")
    op.drop_index(op.f("ix_flows_tenant_id"), table_name="flows")
    op.drop_table("flows")
    op.drop_index(op.f("ix_faq_groups_tenant_id"), table_name="faq_groups")
    op.drop_table("faq_groups")
    op.drop_index(op.f("ix_business_interfaces_tenant_id"), table_name="business_interfaces")
    op.drop_table("business_interfaces")
    op.drop_table("bots")
    op.drop_index(op.f("ix_access_codes_tenant_id"), table_name="access_codes")
    op.drop_table("access_codes")
