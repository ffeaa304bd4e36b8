"""Migration 0007 on a database with data: histograms backfilled, RANKED caps cleared,
existing chains left to be named, and it downgrades cleanly."""

from __future__ import annotations

import asyncpg
import pytest
from alembic import command
from sqlalchemy import text

from brandhub.db import create_engine
from brandhub.migrate import alembic_config, upgrade
from tests.conftest import PINNED_URL, POSTGRES_URL, make_settings, unavailable
from tests.databases import create_postgres, drop_postgres

# The suite's pin (BRANDHUB_TEST_DATABASE_URL) picks the backend here too.
BACKENDS = (
    ["sqlite", "postgresql"]
    if not PINNED_URL
    else ["sqlite" if PINNED_URL.startswith("sqlite") else "postgresql"]
)

ROWS = [
    "INSERT INTO member (id, email, email_key, display_name, password_hash, reputation,"
    " created_at) VALUES (1, 'a@x', 'a@x', 'A', 'h', 0, '2026-01-01 00:00:00'),"
    " (2, 'b@x', 'b@x', 'B', 'h', 0, '2026-01-01 00:00:00')",
    "INSERT INTO brand (id, slug, name, tagline, label_mode, owner_id, member_count, created_at)"
    " VALUES (1, 'b', 'B', '', 'GREY', 1, 2, '2026-01-01 00:00:00')",
    "INSERT INTO campaign (id, brand_id, created_by_id, title, brief, category, spec_template,"
    " spec_schema, method, weighting, quorum, min_account_age_hours, max_voter_share, phase,"
    " created_at, phase_changed_at) VALUES"
    " (1, 1, 1, 'capped', '', 'x', 'generic', '{}', 'APPROVAL', 'ROLE', 0, 0, 0.5, 'VOTING',"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00'),"
    " (2, 1, 1, 'ranked', '', 'x', 'generic', '{}', 'RANKED', 'EQUAL', 0, 0, 0.5, 'VOTING',"
    " '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
    "INSERT INTO proposal (id, campaign_id, author_id, credit_ids, title, summary, spec,"
    " spec_digest, revision, status, created_at, updated_at) VALUES"
    " (1, 1, 1, '[]', 'p', '', '{}', 'd', 1, 'ACTIVE', '2026-01-01 00:00:00',"
    " '2026-01-01 00:00:00')",
    "INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)"
    " VALUES (1, 1, 1, 1, 2.0, false, '2026-01-01 00:00:00'),"
    " (1, 2, 1, 1, 1.5, false, '2026-01-01 00:00:00')",
    "INSERT INTO voter_chain (campaign_id, voter_id, seq, head) VALUES (1, 1, 1, 'ab')",
]


async def _database(backend: str, tmp_path) -> tuple[str, bool]:
    """A database of its own (the suite only writes into databases it creates)."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'm.db'}", False
    server = PINNED_URL if PINNED_URL and not PINNED_URL.startswith("sqlite") else POSTGRES_URL
    try:
        return await create_postgres(server), True
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
        raise


@pytest.mark.parametrize("backend", BACKENDS)
async def test_0007_on_existing_data(backend, tmp_path):
    url, created = await _database(backend, tmp_path)
    settings = make_settings(url)
    engine = create_engine(settings)
    try:
        await upgrade(settings, revision="0006")
        async with engine.begin() as conn:
            for statement in ROWS:
                await conn.execute(text(statement))
        await upgrade(settings)
        async with engine.connect() as conn:
            bins = (
                await conn.execute(
                    text("SELECT quanta, slot, voters, value_sum FROM tally_bin ORDER BY quanta")
                )
            ).all()
            caps = dict(
                (await conn.execute(text("SELECT id, max_voter_share FROM campaign"))).all()
            )
            chain = (await conn.execute(text("SELECT pseudonym, seq FROM voter_chain"))).one()
            prior = (await conn.execute(text("SELECT score_prior_strength FROM campaign"))).all()
        assert [tuple(b) for b in bins] == [(1536, 2, 1, 1), (2048, 1, 1, 1)]
        assert caps == {1: 0.5, 2: None}
        assert tuple(chain) == ("", 1)
        assert {p for (p,) in prior} == {5.0}

        def down(sync) -> None:
            config = alembic_config()
            config.attributes["connection"] = sync
            command.downgrade(config, "0006")

        async with engine.connect() as conn:
            await conn.run_sync(down)
            await conn.commit()
            tables = await conn.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
        assert not {"tally_bin", "signing_key", "campaign_seal"} & tables
    finally:
        await engine.dispose()
        if created:
            server = (
                PINNED_URL if PINNED_URL and not PINNED_URL.startswith("sqlite") else POSTGRES_URL
            )
            await drop_postgres(server, url)
