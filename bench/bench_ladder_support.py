"""Benchmark: castVote on a ladder campaign against the same on a plain APPROVAL campaign.

    .venv/bin/python bench/bench_ladder_support.py [--voters 1000] [--proposals 50]
        [--rounds 2] [--concurrency 32]

One brandhub server (uvicorn subprocess) on a scratch PostgreSQL database; two APPROVAL
campaigns of ``--proposals`` proposals, one of them a ladder (stages at 5, 10, 20 and 40
supporters, so that many supports cross a stage while the load runs). Each voter supports
one random proposal in each campaign; rounds alternate sides. What the ladder adds to a
support is the check after its commit (one more transaction: the proposal's tally, and a
conditional UPDATE when a stage is crossed). Prints throughput, latency, and the crossings
recorded, which must be exactly one per (proposal, stage) reached.
"""

from __future__ import annotations

import argparse
import random

import asyncpg
from bench_cast_vote import vote_ok
from bench_hot_proposal import requests_for
from benchlib import (
    RECIPE_SPEC,
    Campaign,
    GraphQL,
    LoadResult,
    ScratchDb,
    Server,
    brandhub_command,
    brandhub_env,
    clone_proposal,
    free_port,
    global_id,
    merge,
    ms,
    observed_load,
    percentile,
    pk_of,
    print_table,
    run,
    run_load,
    scratch_name,
    seed_members,
    seed_owner_and_brand,
    serve,
)

LADDER = {
    "initialDays": 60,
    "stages": [
        {"supporters": 5, "extensionDays": 30},
        {"supporters": 10, "extensionDays": 30},
        {"supporters": 20, "extensionDays": 30},
        {"supporters": 40},
    ],
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=1000, help="= requests per side")
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=100, help="extra voters, unmeasured")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--seed", type=int, default=3)
    return parser.parse_args()


async def seed_campaign(
    gql: GraphQL, conn: asyncpg.Connection, *, token: str, brand: int, proposals: int, **extra
) -> Campaign:
    """benchlib.seed_campaign, with extra createCampaign input (the ladder)."""
    created = await gql.mutate(
        "createCampaign",
        "CreateCampaignInput",
        "campaign { id }",
        {
            "brandId": global_id("Brand", brand),
            "title": "bench",
            "category": "recipe",
            "specTemplate": "recipe",
            "voting": {"method": "APPROVAL", "votesPerMember": 10},
            **extra,
        },
        token,
    )
    gid = created["campaign"]["id"]
    phase = {"campaignId": gid}
    await gql.mutate("openSubmissions", "CampaignIdInput", "campaign { phase }", phase, token)
    first = await gql.mutate(
        "submitProposal",
        "SubmitProposalInput",
        "proposal { id }",
        {"campaignId": gid, "title": "Idea 0", "summary": "bench", "spec": RECIPE_SPEC},
        token,
    )
    await clone_proposal(conn, pk_of(first["proposal"]["id"]), proposals - 1)
    await gql.mutate("openVoting", "CampaignIdInput", "campaign { phase }", phase, token)
    ids = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM proposal WHERE campaign_id = $1 ORDER BY id", pk_of(gid)
        )
    ]
    return Campaign(pk_of(gid), brand, token, 0, ids)


async def measure(
    server: Server, plain: list[bytes], ladder: list[bytes], args: argparse.Namespace
) -> tuple[LoadResult, LoadResult]:
    w, c = args.warmup, args.concurrency
    await run_load(server.port, plain[:w], concurrency=c, check=vote_ok)
    await run_load(server.port, ladder[:w], concurrency=c, check=vote_ok)
    per_round = args.voters // args.rounds
    runs: dict[str, list[LoadResult]] = {"plain": [], "ladder": []}
    for r in range(args.rounds):
        chunk = slice(w + r * per_round, w + (r + 1) * per_round)
        order = [("plain", plain), ("ladder", ladder)]
        for name, reqs in order if r % 2 == 0 else order[::-1]:
            runs[name].append(
                await observed_load(server, reqs[chunk], concurrency=c, dsn=args.dsn, check=vote_ok)
            )
    return merge(runs["plain"]), merge(runs["ladder"])


async def crossings(dsn: str, campaign_id: int) -> tuple[int, int, int]:
    """(stage_reached events, sum of stages reached, duplicate crossings)."""
    conn = await asyncpg.connect(dsn)
    try:
        events = await conn.fetchval(
            "SELECT count(*) FROM ladder_event WHERE campaign_id = $1 AND type = 'ladder.stage_reached'",
            campaign_id,
        )
        reached = await conn.fetchval(
            "SELECT coalesce(sum(stage), 0) FROM ladder_proposal WHERE campaign_id = $1",
            campaign_id,
        )
        duplicates = await conn.fetchval(
            "SELECT count(*) FROM (SELECT proposal_id, stage FROM ladder_event WHERE campaign_id = $1"
            " AND type = 'ladder.stage_reached' GROUP BY 1, 2 HAVING count(*) > 1) d",
            campaign_id,
        )
        return events, reached, duplicates
    finally:
        await conn.close()


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    db = ScratchDb(scratch_name("ladder"))
    args.dsn = db.dsn
    run(db.create())
    try:
        port = free_port()
        with serve(brandhub_command(port), port, brandhub_env(db)) as server:

            async def seed():
                gql = GraphQL(server.base)
                conn = await asyncpg.connect(db.dsn)
                try:
                    token, _, brand = await seed_owner_and_brand(gql, "bench-ladder")
                    common = {"token": token, "brand": brand, "proposals": args.proposals}
                    plain = await seed_campaign(gql, conn, **common)
                    ladder = await seed_campaign(gql, conn, ladder=LADDER, **common)
                    members = await seed_members(
                        conn, brand_id=brand, count=args.voters + args.warmup
                    )
                    return plain, ladder, members
                finally:
                    await conn.close()
                    await gql.aclose()

            plain_c, ladder_c, members = run(seed())
            picks = [rng.randrange(args.proposals) for _ in members]
            plain_r = requests_for(plain_c, members, picks)
            ladder_r = requests_for(ladder_c, members, picks)
            plain, ladder = run(measure(server, plain_r, ladder_r, args))
            events, reached, duplicates = run(crossings(db.dsn, ladder_c.id))
        print(
            f"\nladder vs plain APPROVAL: {len(plain.latencies)} castVotes per side, "
            f"concurrency {args.concurrency}, {args.proposals} proposals"
        )
        rows = [
            (
                name,
                r.rate,
                ms(percentile(r.latencies, 50)),
                ms(percentile(r.latencies, 99)),
                r.failures,
            )
            for name, r in (("plain", plain), ("ladder", ladder))
        ]
        print_table(["campaign", "req/s", "p50 ms", "p99 ms", "fail"], rows)
        print(f"ratio ladder/plain throughput: {ladder.rate / plain.rate:.2f}x")
        print(
            f"stage crossings recorded: {events}; stages reached (sum): {reached}; "
            f"duplicates: {duplicates} ({'exactly once' if events == reached and not duplicates else 'WRONG'})"
        )
    finally:
        run(db.drop())


if __name__ == "__main__":
    main()
