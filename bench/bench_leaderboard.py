"""Benchmark 3: leaderboard(first: 20) latency with 1,000 votes against 1,000,000 votes.

    .venv/bin/python bench/bench_leaderboard.py [--proposals 200] [--small 1000]
        [--large 1000000] [--requests 300] [--concurrency 1] [--no-events]

Two APPROVAL campaigns with the same number of proposals; their votes are bulk-loaded
(bench/dataset.py: vote rows, hash-chained events, chain heads, slotted tallies and
campaign counters, exactly as castVote leaves them), then the tables are analysed.
``campaign(id) { leaderboard(first: 20) { rank score proposal { id title } } }`` is sent
over HTTP to one brandhub server (uvicorn subprocess, same settings as the other
benchmarks), alternating campaigns, one request at a time by default. Target: the large
campaign's p50 within 1.2× the small one's. ``--no-events`` skips the event log (faster
set-up; the leaderboard never reads it).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

import asyncpg
from benchlib import (
    Campaign,
    GraphQL,
    LoadResult,
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
)
from dataset import load_votes

LEADERBOARD = """query($id: ID!) { campaign(id: $id) {
  leaderboard(first: 20) { rank score proposal { id title } } } }"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--small", type=int, default=1_000, help="votes in the small campaign")
    parser.add_argument("--large", type=int, default=1_000_000, help="votes in the large one")
    parser.add_argument("--votes-per-voter", type=int, default=100)
    parser.add_argument("--requests", type=int, default=300, help="measured, per campaign")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--no-events", action="store_true", help="load votes and tallies only")
    parser.add_argument("--seed", type=int, default=3)
    return parser.parse_args()


async def seed(base: str, db: ScratchDb, args: argparse.Namespace) -> tuple[Campaign, Campaign]:
    """Two campaigns of ``--proposals`` proposals with ``--small`` and ``--large`` votes."""
    rng = random.Random(args.seed)
    gql = GraphQL(base)
    conn = await asyncpg.connect(db.dsn)
    try:
        token, owner, brand = await seed_owner_and_brand(gql, "bench-board")
        per = min(args.votes_per_voter, args.proposals)
        common = {
            "owner_token": token,
            "owner_id": owner,
            "brand_id": brand,
            "proposals": args.proposals,
            "voting": {"method": "APPROVAL", "votesPerMember": per},
        }
        small = await seed_campaign(gql, conn, title="small", **common)
        large = await seed_campaign(gql, conn, title="large", **common)
        members = await seed_members(conn, brand_id=brand, count=-(-args.large // per))
        ids = [m.id for m in members]
        for campaign, votes in ((small, args.small), (large, args.large)):
            started = time.perf_counter()
            loaded = await load_votes(
                conn,
                campaign_id=campaign.id,
                proposal_ids=campaign.proposal_ids,
                voter_ids=ids[: votes // per],
                votes_per_voter=per,
                start=datetime.now(UTC),
                rng=rng,
                with_events=not args.no_events,
            )
            print(
                f"loaded {loaded:,} votes into campaign {campaign.id} in {time.perf_counter() - started:.0f}s"
            )
        await conn.execute("VACUUM ANALYZE")
        return small, large
    finally:
        await conn.close()
        await gql.aclose()


def board_ok(body: bytes) -> bool:
    """A leaderboard answer with 20 entries and no error."""
    return b'"errors"' not in body and body.count(b'"rank"') == 20


async def measure(
    server: Server, small: Campaign, large: Campaign, args: argparse.Namespace
) -> tuple[LoadResult, LoadResult]:
    """Warm up, then alternate rounds of leaderboard reads; (small, large)."""
    reqs = {
        name: http_post(
            "/graphql", {"query": LEADERBOARD, "variables": {"id": global_id("Campaign", c.id)}}
        )
        for name, c in (("small", small), ("large", large))
    }
    for req in reqs.values():
        await run_load(server.port, [req] * 30, concurrency=args.concurrency, check=board_ok)
    runs: dict[str, list[LoadResult]] = {"small": [], "large": []}
    per_round = args.requests // args.rounds
    for r in range(args.rounds):
        order = ["small", "large"] if r % 2 == 0 else ["large", "small"]
        for name in order:
            runs[name].append(
                await observed_load(
                    server,
                    [reqs[name]] * per_round,
                    concurrency=args.concurrency,
                    dsn=args.dsn,
                    check=board_ok,
                )
            )
    return merge(runs["small"]), merge(runs["large"])


def report(small: LoadResult, large: LoadResult, args: argparse.Namespace) -> None:
    """The table and the ratio against the target."""
    print(
        f"\nleaderboard(first: 20), {args.proposals} proposals per campaign, "
        f"{len(small.latencies)} requests per campaign, concurrency {args.concurrency}"
    )
    rows = [
        (
            f"{votes:,} votes",
            r.rate,
            ms(percentile(r.latencies, 50)),
            ms(percentile(r.latencies, 99)),
            r.failures,
            ms(r.server_cpu / len(r.latencies)),
            ms(r.postgres_cpu / len(r.latencies)),
        )
        for votes, r in ((args.small, small), (args.large, large))
    ]
    headers = ["campaign", "req/s", "p50 ms", "p99 ms", "fail", "server cpu ms/req"]
    print_table([*headers, "postgres cpu ms/req"], rows)
    p50 = percentile(large.latencies, 50) / percentile(small.latencies, 50)
    p99 = percentile(large.latencies, 99) / percentile(small.latencies, 99)
    verdict = "met" if p50 <= 1.2 else "MISSED"
    print(
        f"ratio large/small latency: p50 {p50:.2f}x, p99 {p99:.2f}x (target p50 <= 1.2x: {verdict})"
    )
    for name, r in (("small", small), ("large", large)):
        if r.failures:
            print(f"  {name} first failure: {r.first_failure}")


def main() -> None:
    args = parse_args()
    db = ScratchDb(scratch_name("board"))
    args.dsn = db.dsn
    run(db.create())
    try:
        port = free_port()
        with serve(brandhub_command(port), port, brandhub_env(db)) as server:
            small, large = run(seed(server.base, db, args))
            small_r, large_r = run(measure(server, small, large, args))
        report(small_r, large_r, args)
    finally:
        run(db.drop())


if __name__ == "__main__":
    main()
