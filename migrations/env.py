"""Alembic environment: one history for SQLite and PostgreSQL, run on brandhub's engine."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from brandhub.models import metadata
from brandhub.settings import Settings

config = context.config


def run_on(connection: Connection) -> None:
    """Run the migrations on an open connection."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (create, copy, drop, rename). With foreign keys
        # on, SQLite's DROP TABLE first deletes every row, cascading to the rows that point at
        # them. The pragma is ignored inside a transaction, so it goes to the driver before
        # SQLAlchemy begins one; the connection's pool is disposed of after migrating.
        cursor = connection.connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.close()
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").all()):
            raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")


async def run_online() -> None:
    from brandhub.db import create_engine

    settings = Settings()
    engine = create_engine(settings, config.attributes.get("url") or settings.database_url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(run_on)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.attributes.get("url") or Settings().database_url,
        target_metadata=metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
elif (connection := config.attributes.get("connection")) is not None:
    run_on(connection)
else:
    asyncio.run(run_online())
