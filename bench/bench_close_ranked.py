"""Closing a RANKED campaign: 200 proposals, 100,000 weighted ballots, through the database.

    .venv/bin/python bench/bench_close_ranked.py [--proposals 200] [--ballots 100000]
        [--max-ranked 10]

Members, proposals and ballots are bulk-loaded into a scratch PostgreSQL database in the
rows castBallot writes; then ``closeCampaign``'s work runs as the service does it: read
the candidates and every ballot, count them with Schulze (pairwise matrix, strongest
paths), store the result and mark the winner. Prints the time of each part.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime

import asyncpg
from benchlib import ScratchDb, run, scratch_name, seed_members
from sqlalchemy import select

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign
from brandhub.db import Database
from brandhub.settings import Settings
from brandhub.voting import closing, ranking
from brandhub.voting.models import Ballot
from brandhub.voting.results import compute_result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--max-ranked", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


async def seed(db: ScratchDb, args: argparse.Namespace) -> int:
    """Owner, brand, a RANKED campaign in VOTING, proposals, members and their ballots."""
    now = datetime.now(UTC)
    conn = await asyncpg.connect(db.dsn)
    try:
        owner = await conn.fetchval(
            "INSERT INTO member (email, email_key, display_name, password_hash, reputation,"
            " created_at) VALUES ('o@x.io', 'o@x.io', 'Owner', 'x', 0, $1) RETURNING id",
            now,
        )
        brand = await conn.fetchval(
            "INSERT INTO brand (slug, name, tagline, label_mode, owner_id, member_count,"
            " created_at) VALUES ('bench', 'Bench', '', 'GREY', $1, 1, $2) RETURNING id",
            owner,
            now,
        )
        campaign = await conn.fetchval(
            "INSERT INTO campaign (brand_id, created_by_id, title, brief, category, spec_template,"
            " spec_schema, method, weighting, quorum, min_account_age_hours, phase, created_at,"
            " phase_changed_at) VALUES ($1, $2, 'Bench', '', 'recipe', 'generic', '{}',"
            " 'RANKED', 'EQUAL', 0, 0, 'VOTING', $3, $3) RETURNING id",
            brand,
            owner,
            now,
        )
        proposals = [
            r["id"]
            for r in await conn.fetch(
                "INSERT INTO proposal (campaign_id, author_id, credit_ids, title, summary, spec,"
                " spec_digest, revision, status, created_at, updated_at)"
                " SELECT $1, $2, '[]', 'P' || g, '', '{}', '', 1, 'ACTIVE', $3, $3"
                " FROM generate_series(1, $4) AS g RETURNING id",
                campaign,
                owner,
                now,
                args.proposals,
            )
        ]
        members = await seed_members(conn, brand_id=brand, count=args.ballots, tag="b")
        rng = random.Random(args.seed)
        await conn.copy_records_to_table(
            "ballot",
            columns=["campaign_id", "voter_id", "ranking", "weight", "pending", "cast_at"],
            records=[
                (
                    campaign,
                    m.id,
                    json.dumps(rng.sample(proposals, rng.randint(1, args.max_ranked))),
                    1.0,
                    False,
                    now,
                )
                for m in members
            ],
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return campaign


async def measure(db: ScratchDb, campaign_id: int) -> list[tuple[str, float]]:
    """Time reading the ballots, counting them, and the whole close."""
    database = Database(Settings(database_url=db.url))
    timings: list[tuple[str, float]] = []
    try:
        async with database.read() as session:
            start = time.perf_counter()
            candidates = await closing.candidates_of(session, campaign_id)
            rows = (
                await session.execute(
                    select(Ballot.voter_id, Ballot.ranking, Ballot.weight).where(
                        Ballot.campaign_id == campaign_id
                    )
                )
            ).all()
            timings.append(("read candidates and ballots", time.perf_counter() - start))
            campaign = await session.get(Campaign, campaign_id)
            start = time.perf_counter()
            result, _ = compute_result(
                rules_of(campaign), candidates=candidates, ballots=rows, live_tallies=False
            )
            timings.append(("count (Schulze)", time.perf_counter() - start))
            assert isinstance(result, ranking.CampaignResult)
        start = time.perf_counter()
        async with database.unit_of_work() as session:
            await closing.close_campaign(
                session,
                actor=None,
                campaign_id=campaign_id,
                now=datetime.now(UTC),
                secret=database.settings.secret_key,
            )
        timings.append(("closeCampaign's unit of work, all included", time.perf_counter() - start))
    finally:
        await database.dispose()
    return timings


async def main() -> None:
    args = parse_args()
    db = ScratchDb(scratch_name("close"))
    await db.create()
    try:
        start = time.perf_counter()
        campaign = await seed(db, args)
        print(
            f"seeded {args.ballots:,} ballots over {args.proposals} proposals "
            f"in {time.perf_counter() - start:.1f} s"
        )
        for label, seconds in await measure(db, campaign):
            print(f"{label:<45} {seconds:7.2f} s")
    finally:
        await db.drop()


if __name__ == "__main__":
    run(main())
