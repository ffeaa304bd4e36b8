"""Benchmark 1: castVote over HTTP against a bare Starlette vote endpoint.

    .venv/bin/python bench/bench_cast_vote.py [--database postgresql|sqlite] [--workers 1]
        [--voters 200] [--proposals 1000] [--requests 4000] [--rounds 2] [--concurrency 32]
        [--latency-requests 3000] [--latency-rate R] [--profile-requests 600] [--redis]

Both servers run as uvicorn subprocesses with the same settings (``--workers`` processes,
uvloop, httptools, no access log) on one scratch database — PostgreSQL (the bare side on
asyncpg), or a SQLite file in WAL mode (the bare side on one aiosqlite writer connection
per process); each side votes in its own
APPROVAL campaign of ``--proposals`` proposals. Both sides get the same schedule of
(voter, proposal) pairs, every pair a new vote, voters interleaved; the rounds alternate
sides so that database growth favours neither. Targets: brandhub ≥ 0.3× the bare
endpoint's throughput, its p99 latency ≤ 3× the bare p99, each server process's peak RSS
≤ 150 MiB.

Closed-loop (``--concurrency`` clients, each sending its next request when answered), the
p99 ratio is about the inverse of the throughput ratio times the tails' spread (Little's
law: at equal concurrency the slower server's requests wait longer in its queue). So the
latency target is also measured **open-loop**: both sides driven at the same fixed offered
rate (``--latency-rate``, by default half of castVote's closed-loop throughput just
measured), ``--latency-requests`` each, latencies from each request's scheduled time.

Then a short burst against brandhub under cProfile shows where
its time goes and how many SQL statements one castVote sends. The campaign is recounted
at the end (the hash chain and tallies must match), and the database dropped.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

import asyncpg
from benchlib import (
    BENCH,
    PYTHON,
    Campaign,
    GraphQL,
    LoadResult,
    Member,
    ScratchDb,
    ScratchSqlite,
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
    uvicorn_args,
    wait_shares,
)

CAST = """mutation($input: CastVoteInput!) { castVote(input: $input) {
  vote { value weight } tally { voters score } errors { code message } } }"""

Pair = tuple[int, int]  # (voter index, proposal index)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=4000, help="measured, per side")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two sides")
    parser.add_argument("--warmup", type=int, default=300, help="unmeasured requests per side")
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--workers", type=int, default=1, help="processes per server")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--latency-requests", type=int, default=3000, help="open-loop, per side (0: none)"
    )
    parser.add_argument(
        "--latency-rate",
        type=float,
        default=0.0,
        help="open-loop offered rate, req/s (0: half of castVote's closed-loop rate)",
    )
    parser.add_argument("--profile-requests", type=int, default=600, help="0: no profile")
    parser.add_argument("--redis", action="store_true", help="brandhub with Redis (pub/sub)")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def schedule(voters: int, proposals: int, count: int, rng: random.Random) -> list[Pair]:
    """``count`` distinct (voter, proposal) pairs: passes over the voters in random order,
    each voter taking their next proposal from their own random permutation."""
    if count > voters * proposals:
        raise SystemExit("more requests than (voter, proposal) pairs: raise --proposals")
    order = {v: rng.sample(range(proposals), proposals) for v in range(voters)}
    pairs: list[Pair] = []
    for k in range(proposals):
        for v in rng.sample(range(voters), voters):
            pairs.append((v, order[v][k]))
            if len(pairs) == count:
                return pairs
    return pairs


def castvote_requests(campaign: Campaign, members: list[Member], pairs: list[Pair]) -> list[bytes]:
    """One castVote request per pair, with the voter's bearer token."""
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
            token=members[v].token,
        )
        for v, p in pairs
    ]


def bare_requests(campaign: Campaign, members: list[Member], pairs: list[Pair]) -> list[bytes]:
    """One bare /vote request per pair."""
    return [
        http_post(
            "/vote",
            {
                "campaign": campaign.id,
                "voter": members[v].id,
                "proposal": campaign.proposal_ids[p],
                "value": 1,
            },
        )
        for v, p in pairs
    ]


def vote_ok(body: bytes) -> bool:
    """A castVote (or bare) answer with no error of either kind."""
    return b'"errors":[]' in body and b'"errors":[{' not in body


async def seed(
    base: str, db: ScratchDb | ScratchSqlite, args: argparse.Namespace
) -> tuple[Campaign, Campaign, list[Member]]:
    """Owner, brand, one campaign per side, and ``--voters`` members with tokens."""
    gql = GraphQL(base)
    if isinstance(db, ScratchSqlite):
        from sqlite_seed import SqliteConn

        conn = SqliteConn(db.path)
    else:
        conn = await asyncpg.connect(db.dsn)
    try:
        token, owner, brand = await seed_owner_and_brand(gql, "bench-cast")
        voting = {"method": "APPROVAL", "votesPerMember": args.proposals}
        common = {
            "owner_token": token,
            "owner_id": owner,
            "brand_id": brand,
            "proposals": args.proposals,
        }
        app = await seed_campaign(gql, conn, voting=voting, title="brandhub side", **common)
        bare = await seed_campaign(gql, conn, voting=voting, title="bare side", **common)
        members = await seed_members(conn, brand_id=brand, count=args.voters)
        return app, bare, members
    finally:
        await conn.close()
        await gql.aclose()


async def measure(
    app: Server,
    bare: Server,
    app_reqs: list[bytes],
    bare_reqs: list[bytes],
    args: argparse.Namespace,
) -> tuple[LoadResult, LoadResult]:
    """Warm both sides up, then alternate measured rounds; return (brandhub, bare)."""
    w, c, dsn = args.warmup, args.concurrency, args.dsn
    await run_load(app.port, app_reqs[:w], concurrency=c, check=vote_ok)
    await run_load(bare.port, bare_reqs[:w], concurrency=c, check=vote_ok)
    per_round = args.requests // args.rounds
    app_runs: list[LoadResult] = []
    bare_runs: list[LoadResult] = []
    for r in range(args.rounds):
        chunk = slice(w + r * per_round, w + (r + 1) * per_round)
        sides = [(app, app_reqs, app_runs), (bare, bare_reqs, bare_runs)]
        for server, reqs, runs in sides if r % 2 == 0 else sides[::-1]:
            runs.append(
                await observed_load(server, reqs[chunk], concurrency=c, dsn=dsn, check=vote_ok)
            )
    return merge(app_runs), merge(bare_runs)


async def open_loop(
    app: Server,
    bare: Server,
    app_reqs: list[bytes],
    bare_reqs: list[bytes],
    rate: float,
    args: argparse.Namespace,
) -> tuple[LoadResult, LoadResult]:
    """Both sides at the same offered rate, in two alternating halves; (brandhub, bare)."""
    half = len(app_reqs) // 2
    app_runs: list[LoadResult] = []
    bare_runs: list[LoadResult] = []
    for r, chunk in enumerate((slice(0, half), slice(half, len(app_reqs)))):
        sides = [(app, app_reqs, app_runs), (bare, bare_reqs, bare_runs)]
        for server, reqs, runs in sides if r % 2 == 0 else sides[::-1]:
            runs.append(
                await observed_load(
                    server, reqs[chunk], concurrency=0, dsn=args.dsn, check=vote_ok, rate=rate
                )
            )
    return merge(app_runs), merge(bare_runs)


def report_open_loop(app: LoadResult, bare: LoadResult, rate: float) -> None:
    """The open-loop latency table and the p99 ratio against the target."""
    print(
        f"\nopen loop: both sides offered {rate:,.0f} req/s (fixed intervals), "
        f"{len(app.latencies)} requests per side, latency from each request's scheduled time"
    )
    rows = [
        (
            name,
            r.rate,
            ms(percentile(r.latencies, 50)),
            ms(percentile(r.latencies, 99)),
            ms(max(r.latencies)),
            r.failures,
            ms(r.server_cpu / len(r.latencies)),
        )
        for name, r in (("bare", bare), ("brandhub castVote", app))
    ]
    print_table(
        ["server", "achieved req/s", "p50 ms", "p99 ms", "max ms", "fail", "server cpu ms/req"],
        rows,
    )
    p50 = percentile(app.latencies, 50) / percentile(bare.latencies, 50)
    p99 = percentile(app.latencies, 99) / percentile(bare.latencies, 99)
    verdict = "met" if p99 <= 3 else "MISSED"
    print(
        f"open-loop ratio brandhub/bare: p50 {p50:.2f}x, p99 {p99:.2f}x (target <= 3x: {verdict})"
    )


def report(app: LoadResult, bare: LoadResult, args: argparse.Namespace) -> None:
    """The comparison table and the ratio against the target."""
    print(
        f"\ncastVote vs bare endpoint on {args.database}, {args.workers} process(es) each: "
        f"{len(app.latencies)} requests per side, concurrency {args.concurrency}, "
        f"{args.voters} voters, {args.proposals} proposals, redis={'on' if args.redis else 'off'}"
    )
    rows = []
    bare_name = "bare starlette+" + ("aiosqlite" if args.database == "sqlite" else "asyncpg")
    for name, r in ((bare_name, bare), ("brandhub castVote", app)):
        rows.append(
            (
                name,
                r.rate,
                ms(percentile(r.latencies, 50)),
                ms(percentile(r.latencies, 99)),
                r.failures,
                ms(r.server_cpu / len(r.latencies)),
                f"{100 * r.server_cpu / r.elapsed:.0f}%",
                ms(r.postgres_cpu / len(r.latencies)),
                ms(r.cpu / len(r.latencies)),
                round(r.peak_rss_mib),
            )
        )
    headers = ["server", "req/s", "p50 ms", "p99 ms", "fail", "server cpu ms/req", "server core"]
    print_table(
        [*headers, "postgres cpu ms/req", "client cpu ms/req", "peak RSS MiB/process"], rows
    )
    ratio = app.rate / bare.rate
    verdict = "met" if ratio >= 0.3 else "MISSED"
    print(f"ratio brandhub/bare throughput: {ratio:.2f}x (target >= 0.3x: {verdict})")
    p99 = percentile(app.latencies, 99) / percentile(bare.latencies, 99)
    verdict = "met" if p99 <= 3 else "MISSED"
    print(f"ratio brandhub/bare p99 latency: {p99:.2f}x (target <= 3x: {verdict})")
    verdict = "met" if app.peak_rss_mib <= 150 else "MISSED"
    print(f"brandhub peak RSS per process: {app.peak_rss_mib:.0f} MiB (<= 150: {verdict})")
    for name, r in (("brandhub", app), ("bare", bare)):
        print(f"  {name} database sessions (sampled): {wait_shares(r.waits)}")
        if r.failures:
            print(f"  {name} first failure: {r.first_failure}")


def profile(db: ScratchDb, requests: list[bytes], args: argparse.Namespace) -> None:
    """Where brandhub's time goes: stage timers and SQL counts one request at a time, then
    CPU by package under cProfile at the benchmark's concurrency."""
    from profiling import instrumented_burst, print_cpu, print_stages

    warm, half = requests[:50], (len(requests) - 50) // 2
    sequential, concurrent = requests[50 : 50 + half], requests[50 + half :]
    result, data, _ = instrumented_burst(
        db, warm, sequential, concurrency=1, cprofile=False, check=vote_ok, redis=args.redis
    )
    print(f"\nprofile of castVote ({len(sequential)} requests, instrumented server)")
    print_stages(result, data)
    result, _, stats = instrumented_burst(
        db,
        warm[:0],
        concurrent,
        concurrency=args.concurrency,
        cprofile=True,
        check=vote_ok,
        redis=args.redis,
    )
    assert stats is not None
    print(f"\n{len(concurrent)} castVotes under cProfile, concurrency {args.concurrency}:")
    print_cpu(stats, len(concurrent))


async def recount_ok(db: ScratchDb, campaign_id: int) -> str:
    """Replay the brandhub side's log: proves the run left a consistent state."""
    from brandhub.db import Database
    from brandhub.settings import Settings
    from brandhub.voting.recount import recount

    database = Database(Settings(database_url=db.url))
    try:
        async with database.read() as session:
            found = await recount(session, campaign_id)
    finally:
        await database.dispose()
    verdict = "matches" if found.ok else f"DIFFERS: {found.differences[:3]}"
    return f"recount of the brandhub campaign: {found.events} events, {verdict}"


def main() -> None:
    args = parse_args()
    rng = random.Random(args.seed)
    if args.database == "sqlite":
        db: ScratchDb | ScratchSqlite = ScratchSqlite(
            Path(tempfile.mkdtemp(prefix="brandhub_bench_")) / "cast.db"
        )
        bare_db = {"BARE_SQLITE": str(db.path)}
    else:
        db = ScratchDb(scratch_name("cast"))
        bare_db = {"BARE_DSN": db.dsn}
    args.dsn = db.dsn
    run(db.create())
    try:
        app_port, bare_port = free_port(), free_port()
        bare_env = {**brandhub_env(db), **bare_db}
        bare_cmd = [PYTHON, "-m", "uvicorn", "bare_vote_app:app", "--app-dir", str(BENCH)]
        with (
            serve(
                brandhub_command(app_port, args.workers),
                app_port,
                brandhub_env(db, redis=args.redis),
            ) as server,
            serve(
                bare_cmd + uvicorn_args(bare_port, args.workers), bare_port, bare_env
            ) as bare_server,
        ):
            app_c, bare_c, members = run(seed(server.base, db, args))
            measured = args.warmup + args.requests
            total = measured + args.latency_requests + args.profile_requests
            pairs = schedule(args.voters, args.proposals, total, rng)
            app_reqs = castvote_requests(app_c, members, pairs)
            bare_reqs = bare_requests(bare_c, members, pairs)
            app, bare = run(measure(server, bare_server, app_reqs, bare_reqs, args))
            if args.latency_requests:
                rate = args.latency_rate or app.rate / 2
                window = slice(measured, measured + args.latency_requests)
                app_open, bare_open = run(
                    open_loop(server, bare_server, app_reqs[window], bare_reqs[window], rate, args)
                )
        report(app, bare, args)
        if args.latency_requests:
            report_open_loop(app_open, bare_open, rate)
        if args.profile_requests and isinstance(db, ScratchDb):
            profile(db, app_reqs[measured + args.latency_requests :], args)
        print("\n" + run(recount_ok(db, app_c.id)))
    finally:
        run(db.drop())


if __name__ == "__main__":
    main()
