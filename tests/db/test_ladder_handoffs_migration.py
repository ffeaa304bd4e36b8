"""Migration 0013 (one handoff per campaign, partner and proposal) keeps every row that
points at a handoff on SQLite, whose table it rebuilds, and downgrades cleanly."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from brandhub.db import create_engine
from brandhub.migrate import alembic_config, upgrade
from tests.conftest import PINNED_URL, POSTGRES_URL, make_settings
from tests.databases import drop_postgres
from tests.db.test_integrity_migration import BACKENDS, ROWS, _database

AT = "'2026-01-01 00:00:00'"
HANDOFF_ROWS = [
    "INSERT INTO partner (id, slug, name, powered_by_label, categories, created_at)"
    f" VALUES (1, 'p', 'P', 'P', '[\"x\"]', {AT})",
    "INSERT INTO handoff (id, campaign_id, partner_id, proposal_id, brand_id, revision, spec,"
    " spec_digest, title, summary, label_mode, co_branding, result_summary, status,"
    f" last_sequence, created_at, updated_at) VALUES (1, 1, 1, 1, 1, 1, '{{}}', 'd', 't', '',"
    f" 'GREY', 'B', '{{}}', 'RECEIVED', 1, {AT}, {AT})",
    "INSERT INTO handoff_event (handoff_id, sequence, type, status, actor_type, data, at)"
    f" VALUES (1, 1, 'handoff.received', 'RECEIVED', 'SYSTEM', '{{}}', {AT})",
    "INSERT INTO pledge (proposal_id, campaign_id, member_id, handoff_id, units, status,"
    f" created_at) VALUES (1, 1, 2, 1, 3, 'ACTIVE', {AT})",
]
POINTING = ("handoff", "handoff_event", "pledge")


async def _counts(conn) -> dict[str, int]:
    return {t: (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar() for t in POINTING}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_0013_keeps_what_points_at_handoffs(backend, tmp_path):
    url, created = await _database(backend, tmp_path)
    settings = make_settings(url)
    engine = create_engine(settings)

    def migrate(to: str):
        def run(sync) -> None:
            config = alembic_config()
            config.attributes["connection"] = sync
            (command.upgrade if to == "head" else command.downgrade)(config, to)

        return run

    try:
        await upgrade(settings, revision="0012")
        async with engine.begin() as conn:
            for statement in ROWS[:4] + HANDOFF_ROWS:
                await conn.execute(text(statement))
        await upgrade(settings)
        async with engine.connect() as conn:
            assert await _counts(conn) == {"handoff": 1, "handoff_event": 1, "pledge": 1}
            # The same partner may now receive a second proposal of the same campaign.
            await conn.execute(
                text(
                    "INSERT INTO proposal (id, campaign_id, author_id,"
                    " credit_ids, title, summary, spec, spec_digest, revision, status, created_at,"
                    f" updated_at) VALUES (2, 1, 1, '[]', 'q', '', '{{}}', 'd', 1, 'ACTIVE', {AT}, {AT})"
                )
            )
            await conn.execute(text(HANDOFF_ROWS[1].replace("(1, 1, 1, 1,", "(2, 1, 1, 2,")))
            await conn.execute(text("DELETE FROM handoff WHERE id = 2"))
            await conn.commit()
            await conn.run_sync(migrate("0012"))
            await conn.commit()
            assert await _counts(conn) == {"handoff": 1, "handoff_event": 1, "pledge": 1}
    finally:
        await engine.dispose()
        if created:
            server = (
                PINNED_URL if PINNED_URL and not PINNED_URL.startswith("sqlite") else POSTGRES_URL
            )
            await drop_postgres(server, url)
