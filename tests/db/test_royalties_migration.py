"""Migration 0011 downgrades cleanly (tables, triggers and functions gone) and upgrades again."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from brandhub.db import create_engine
from brandhub.migrate import alembic_config, upgrade
from tests.conftest import PINNED_URL, POSTGRES_URL, make_settings
from tests.databases import drop_postgres
from tests.db.test_integrity_migration import BACKENDS, _database

TABLES = {
    "royalty_rules",
    "handoff_royalties",
    "sales_report",
    "ledger_account",
    "ledger_transaction",
    "ledger_entry",
}


async def _triggers(conn, backend: str) -> set[str]:
    if backend == "sqlite":
        rows = await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
    else:
        rows = await conn.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
    return {name for (name,) in rows if name.startswith("ledger_")}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_0011_down_and_up(backend, tmp_path):
    url, created = await _database(backend, tmp_path)
    settings = make_settings(url)
    engine = create_engine(settings)

    def migrate(to: str):
        def run(sync) -> None:
            config = alembic_config()
            config.attributes["connection"] = sync
            if to == "head":
                command.upgrade(config, to)
            else:
                command.downgrade(config, to)

        return run

    try:
        await upgrade(settings)
        async with engine.connect() as conn:
            assert await _triggers(conn, backend)
            await conn.run_sync(migrate("0010"))
            await conn.commit()
            tables = await conn.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
            assert not TABLES & tables
            assert await _triggers(conn, backend) == set()
            if backend == "postgresql":
                functions = await conn.execute(
                    text("SELECT proname FROM pg_proc WHERE proname LIKE 'ledger_%'")
                )
                assert functions.all() == []
            await conn.run_sync(migrate("head"))
            await conn.commit()
            tables = await conn.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
            assert tables >= TABLES
            assert len(await _triggers(conn, backend)) == (4 if backend == "sqlite" else 2)
    finally:
        await engine.dispose()
        if created:
            server = (
                PINNED_URL if PINNED_URL and not PINNED_URL.startswith("sqlite") else POSTGRES_URL
            )
            await drop_postgres(server, url)
