"""Alembic environment: runs migrations over the async engine the service uses."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from oiap.adapters.sql import (
    bot_tables,  # noqa: F401  (registers the bot tables)
    dialog_tables,  # noqa: F401  (registers the dialog runtime tables)
    room_tables,  # noqa: F401  (registers the MetaStudio tables)
)
from oiap.adapters.sql.database import make_engine
from oiap.adapters.sql.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main(url: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


url = context.config.attributes.get("database_url") or context.config.get_main_option(
    "sqlalchemy.url"
)
if not url:
    raise RuntimeError("no database URL given to the migrations")
asyncio.run(_main(url))
