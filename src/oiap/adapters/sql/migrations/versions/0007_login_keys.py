"""Login keys for the authorization interface (``/chatbot/serverauth/login``).

The challenge login checks an HMAC of a nonce, so the server needs the key itself, not a
one-way hash of it: each account may hold one login key, sealed under the server key like a
MetaStudio secret key. NULL means the account has none and cannot log in that way.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_TABLES = ("tenants", "system_users")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sealed_login_key", sa.String(256), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("sealed_login_key")
