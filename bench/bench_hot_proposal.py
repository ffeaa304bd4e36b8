"""Benchmark 2: every voter on ONE proposal against voters spread over 1,000 proposals.

    .venv/bin/python bench/bench_hot_proposal.py [--voters 2000] [--proposals 1000]
        [--rounds 2] [--concurrency 48] [--new-accounts]

One brandhub server (uvicorn subprocess, one process, uvloop, httptools, no access log)
on a scratch PostgreSQL database; two APPROVAL campaigns of ``--proposals`` proposals.
Each of ``--voters`` members casts exactly one castVote in each campaign: in the *hot*
campaign all on its first proposal, in the *spread* campaign on a random proposal. So
both sides send the same number of requests from the same voters, all new votes; the
rounds alternate sides. Target: hot ≥ 0.9× spread throughput (a popular proposal must
not serialise the service). ``--new-accounts`` makes the voters' accounts minutes old,
which switches on the velocity guard (a count of recent new-account votes per proposal).
"""

from __future__ import annotations

import argparse
import random
from datetime import timedelta

import asyncpg
from bench_cast_vote import CAST, vote_ok
from benchlib import (
    Campaign,
    GraphQL,
    LoadResult,
    Member,
    ScratchDb,
    Server,
    brandhub_command,
    brandhub_env,
    free_port,
    global_id,
    http_post,
    merge,
    ms,
    observed_load,
    percentile,
    print_table,
    run,
    run_load,
    scratch_name,
    seed_campaign,
    seed_members,
    seed_owner_and_brand,
    serve,
    wait_shares,
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=2000, help="= requests per side")
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=100, help="extra voters, unmeasured")
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--new-accounts", action="store_true", help="accounts minutes old")
    parser.add_argument("--redis", action="store_true", help="brandhub with Redis (pub/sub)")
    parser.add_argument("--seed", type=int, default=2)
    return parser.parse_args()


async def seed(
    base: str, db: ScratchDb, args: argparse.Namespace
) -> tuple[Campaign, Campaign, list[Member]]:
    """Owner, brand, the hot and the spread campaign, and the voters."""
    gql = GraphQL(base)
    conn = await asyncpg.connect(db.dsn)
    try:
        token, owner, brand = await seed_owner_and_brand(gql, "bench-hot")
        common = {
            "owner_token": token,
            "owner_id": owner,
            "brand_id": brand,
            "proposals": args.proposals,
            "voting": {"method": "APPROVAL", "votesPerMember": 10},
        }
        hot = await seed_campaign(gql, conn, title="hot", **common)
        spread = await seed_campaign(gql, conn, title="spread", **common)
        age = timedelta(minutes=5) if args.new_accounts else timedelta(days=30)
        members = await seed_members(conn, brand_id=brand, count=args.voters + args.warmup, age=age)
        return hot, spread, members
    finally:
        await conn.close()
        await gql.aclose()


def requests_for(campaign: Campaign, members: list[Member], proposals: list[int]) -> list[bytes]:
    """Member i votes on proposal index proposals[i] of the campaign."""
    return [
        http_post(
            "/graphql",
            {
                "query": CAST,
                "variables": {
                    "input": {
                        "proposalId": global_id("Proposal", campaign.proposal_ids[p]),
                        "value": 1,
                    }
                },
            },
            token=m.token,
        )
        for m, p in zip(members, proposals, strict=True)
    ]


async def measure(
    server: Server, hot: list[bytes], spread: list[bytes], args: argparse.Namespace
) -> tuple[LoadResult, LoadResult]:
    """Warm up on both campaigns, then alternate measured rounds; (hot, spread)."""
    w, c = args.warmup, args.concurrency
    await run_load(server.port, hot[:w], concurrency=c, check=vote_ok)
    await run_load(server.port, spread[:w], concurrency=c, check=vote_ok)
    per_round = args.voters // args.rounds
    runs: dict[str, list[LoadResult]] = {"hot": [], "spread": []}
    for r in range(args.rounds):
        chunk = slice(w + r * per_round, w + (r + 1) * per_round)
        order = [("hot", hot), ("spread", spread)]
        for name, reqs in order if r % 2 == 0 else order[::-1]:
            runs[name].append(
                await observed_load(server, reqs[chunk], concurrency=c, dsn=args.dsn, check=vote_ok)
            )
    return merge(runs["hot"]), merge(runs["spread"])


def report(hot: LoadResult, spread: LoadResult, args: argparse.Namespace) -> None:
    """The table and the ratio against the target."""
    print(
        f"\nhot proposal vs spread: {len(hot.latencies)} castVotes per side from as many "
        f"voters, concurrency {args.concurrency}, {args.proposals} proposals, "
        f"{'new' if args.new_accounts else 'old'} accounts"
    )
    rows = [
        (
            name,
            r.rate,
            ms(percentile(r.latencies, 50)),
            ms(percentile(r.latencies, 99)),
            r.failures,
            ms(r.server_cpu / len(r.latencies)),
            ms(r.postgres_cpu / len(r.latencies)),
        )
        for name, r in (("spread over proposals", spread), ("one hot proposal", hot))
    ]
    headers = ["campaign", "req/s", "p50 ms", "p99 ms", "fail", "server cpu ms/req"]
    print_table([*headers, "postgres cpu ms/req"], rows)
    ratio = hot.rate / spread.rate
    print(
        f"ratio hot/spread throughput: {ratio:.2f}x (target >= 0.9x: {'met' if ratio >= 0.9 else 'MISSED'})"
    )
    for name, r in (("hot", hot), ("spread", spread)):
        print(f"  {name} database sessions (sampled): {wait_shares(r.waits)}")
        if r.failures:
            print(f"  {name} first failure: {r.first_failure}")


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    db = ScratchDb(scratch_name("hot"))
    args.dsn = db.dsn
    run(db.create())
    try:
        port = free_port()
        with serve(brandhub_command(port), port, brandhub_env(db, redis=args.redis)) as server:
            hot_c, spread_c, members = run(seed(server.base, db, args))
            rng.shuffle(members)
            hot_reqs = requests_for(hot_c, members, [0] * len(members))
            spread_reqs = requests_for(
                spread_c, members, [rng.randrange(args.proposals) for _ in members]
            )
            hot, spread = run(measure(server, hot_reqs, spread_reqs, args))
        report(hot, spread, args)
    finally:
        run(db.drop())


if __name__ == "__main__":
    main()
