"""The Alembic history builds exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from brandhub.db import create_engine
from brandhub.migrate import alembic_config
from brandhub.models import metadata
from tests.conftest import make_settings


async def test_models_and_migrations_agree(database_url):
    engine = create_engine(make_settings(database_url))
    try:
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_database_is_at_the_single_head(database_url):
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"the migration history has branched: {heads}"
    engine = create_engine(make_settings(database_url))
    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_heads()
            )
            tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    finally:
        await engine.dispose()
    assert set(current) == set(heads)
    assert {t.name for t in metadata.sorted_tables} <= tables
