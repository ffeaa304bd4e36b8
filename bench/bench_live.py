"""Benchmark 9: live leaderboards at audience scale, and cacheable public reads.

    .venv/bin/python bench/bench_live.py [--audiences 10,200,2000] [--rate 20] [--seconds 30]
        [--transport ws|sse] [--proposals 10] [--two-processes 2000] [--skip-304]
        [--reader-processes 4] [--deflate] [--profile DIR]

One brandhub server (uvicorn subprocess, one process, uvloop, httptools) on a scratch
PostgreSQL database, one APPROVAL campaign of ``--proposals`` proposals. For each audience
size N (and first with no audience at all, the baseline), N subscribers open the widget's
``leaderboard(first: 10)`` subscription (graphql-transport-ws, or GraphQL over SSE), then
distinct voters cast ``--rate`` castVotes per second for ``--seconds`` seconds.

The subscribers live in ``--reader-processes`` processes of their own (``live_readers.py``:
one lean ``asyncio.Protocol`` per connection that only records ``(time, bytes)`` as they
arrive; frames are parsed after the run), none in this one: the vote client has this
process's event loop to itself. ``--deflate``: the WebSocket readers offer permessage-deflate,
as browsers do (the server, as ``brandhub serve`` runs it, declines it).

Reported per run: update latency (a vote's send time to the first push, at each
subscriber, whose total of voters includes it) p50/p95/max; castVote p50/p95 and its ratio
to the baseline's p95; board reads per second (``brandhub_live_board_reads_total``) and
PostgreSQL transactions per second on the scratch database; server RSS at the end.
``--two-processes N``: two servers sharing Redis; the N subscribers on the second, the votes
on the first. Then a GET of a persisted public query and its 304.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import pickle
import re
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
from benchlib import (
    BENCH,
    PYTHON,
    Campaign,
    GraphQL,
    Member,
    ScratchDb,
    brandhub_command,
    brandhub_env,
    free_port,
    global_id,
    http_post,
    ms,
    percentile,
    print_table,
    run,
    scratch_name,
    seed_campaign,
    seed_members,
    seed_owner_and_brand,
    serve,
)

BOARD = """subscription LiveLeaderboard($campaignId: ID!, $first: Int!) {
  leaderboard(campaignId: $campaignId, first: $first) {
    rank score proposal { id title } tally { voters pending score } } }"""
CAST = """mutation($input: CastVoteInput!) { castVote(input: $input) { vote { value } errors { code } } }"""
PUBLIC = """query WidgetBoard($id: ID!) { campaign(id: $id) { title phase
  leaderboard(first: 10) { rank score proposal { id title } tally { voters } } } }"""
# A run's last push has arrived once no reader received anything for this long.
QUIET = 1.5


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--audiences", default="10,200,2000")
    parser.add_argument("--rate", type=float, default=20.0, help="castVotes per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--proposals", type=int, default=10)
    parser.add_argument("--transport", choices=("ws", "sse"), default="ws")
    parser.add_argument(
        "--reader-processes", type=int, default=4, help="processes holding the subscribers"
    )
    parser.add_argument(
        "--deflate", action="store_true", help="WebSocket readers offer permessage-deflate"
    )
    parser.add_argument("--two-processes", type=int, default=2000, help="0: skip")
    parser.add_argument("--skip-304", action="store_true")
    parser.add_argument("--profile", type=Path, help="cProfile the largest one-process run here")
    return parser.parse_args()


@dataclass
class Subscriber:
    """One live reader: (arrival time, total voters) of every push it received."""

    pushes: list[tuple[float, int]] = field(default_factory=list)


class Audience:
    """The subscribers, held by reader processes (``live_readers.py``), none in this one."""

    def __init__(self) -> None:
        self.workers: list[asyncio.subprocess.Process] = []
        self.outs: list[Path] = []
        self.base = 0  # the largest total in a first board
        self.subs: list[Subscriber] = []

    async def open(
        self, port: int, campaign: Campaign, count: int, args: argparse.Namespace
    ) -> None:
        """``count`` subscribers over ``--reader-processes`` processes, each having received
        its first board."""
        variables = {"campaignId": global_id("Campaign", campaign.id), "first": 10}
        processes = max(1, min(args.reader_processes, count))
        shares = [count // processes + (i < count % processes) for i in range(processes)]
        for i, share in enumerate(shares):
            out = Path(tempfile.mkstemp(prefix=f"live-readers-{i}-", suffix=".pickle")[1])
            settings = {
                "port": port,
                "count": share,
                "transport": args.transport,
                "deflate": args.deflate,
                "query": BOARD,
                "variables": variables,
                "out": str(out),
            }
            worker = await asyncio.create_subprocess_exec(
                PYTHON,
                str(BENCH / "live_readers.py"),
                json.dumps(settings),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            self.workers.append(worker)
            self.outs.append(out)
        for worker in self.workers:
            word, value = await self._line(worker, wait=600)
            if word != "ready":
                raise RuntimeError(f"a reader process failed: {word} {value}")
            self.base = max(self.base, int(value))

    @staticmethod
    async def _line(worker: asyncio.subprocess.Process, wait: float = 60) -> tuple[str, str]:
        assert worker.stdout is not None
        line = (await asyncio.wait_for(worker.stdout.readline(), wait)).decode().split()
        return (line[0], line[1] if len(line) > 1 else "") if line else ("exited", "")

    async def quiet(self) -> float:
        """Seconds since any reader last received data."""
        quiet = float("inf")
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.write(b"quiet\n")
            quiet = min(quiet, float((await self._line(worker))[1]))
        return quiet

    async def close(self) -> list[Subscriber]:
        """Close every reader; their pushes, parsed by their processes after the run."""
        for worker in self.workers:
            assert worker.stdin is not None
            worker.stdin.write(b"stop\n")
        for worker, out in zip(self.workers, self.outs, strict=True):
            await self._line(worker, wait=300)
            await worker.wait()
            with out.open("rb") as f:
                self.subs += [Subscriber(pushes) for pushes in pickle.load(f)]
            out.unlink()
        return self.subs


async def cast_votes(
    port: int, campaign: Campaign, voters: list[Member], proposal: int, rate: float
) -> list[tuple[float, float]]:
    """Cast one vote per voter at ``rate`` per second; (send time, latency) of each."""
    gid = global_id("Proposal", campaign.proposal_ids[proposal])
    sent: list[tuple[float, float]] = []
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(8):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))

    async def one(member: Member) -> None:
        from benchlib import _read_response

        reader, writer = await pool.get()
        request = http_post(
            "/graphql",
            {"query": CAST, "variables": {"input": {"proposalId": gid, "value": 1}}},
            token=member.token,
        )
        started_wall, started = time.time(), time.perf_counter()
        writer.write(request)
        status, body = await _read_response(reader)
        sent.append((started_wall, time.perf_counter() - started))
        pool.put_nowait((reader, writer))
        if status != 200 or b'"errors":[]' not in body:
            raise RuntimeError(f"castVote failed: {status} {body[:200]!r}")

    began = time.perf_counter()
    tasks = []
    for i, member in enumerate(voters):
        delay = began + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(member)))
    await asyncio.gather(*tasks)
    while not pool.empty():
        pool.get_nowait()[1].close()
    return sorted(sent)


def update_latencies(
    subs: list[Subscriber], votes: list[tuple[float, float]], base: int
) -> list[float]:
    """For each subscriber and vote k: first push counting it minus the vote's send time.

    Votes commit in any order within a burst, so vote k (by send time) is taken as seen
    once a push counts base + k votes (at least that many had been sent by then)."""
    latencies = []
    for sub in subs:
        pushes = sub.pushes
        j = 0
        for k, (sent_at, _) in enumerate(votes, 1):
            while j < len(pushes) and pushes[j][1] < base + k:
                j += 1
            if j == len(pushes):
                latencies.append(float("inf"))  # never seen: counted as lost
                continue
            latencies.append(max(0.0, pushes[j][0] - sent_at))
    return latencies


def rss_mb(pid: int) -> float:
    """Resident memory of a process (and its children: uvicorn's own process tree)."""
    total = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1])
    return total / 1024


async def board_reads(port: int) -> float:
    return (await metric(port, "brandhub_live_board_reads_total"))[0]


async def metric(port: int, *names: str) -> list[float]:
    async with httpx.AsyncClient() as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    values = []
    for name in names:
        found = re.search(rf"^{name} (\S+)$", text, re.M)
        values.append(float(found.group(1)) if found else 0.0)
    return values


PUSH_SECONDS = ("brandhub_live_push_seconds_sum", "brandhub_live_push_seconds_count")


async def transactions(dsn: str) -> int:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetchval(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
    finally:
        await conn.close()


@dataclass
class Outcome:
    name: str
    subscribers: int
    latencies: list[float]
    votes: list[tuple[float, float]]
    reads_per_s: float
    xacts_per_s: float
    rss: float
    pushes_per_sub: float
    push_ms: float  # the server's own time from a snapshot to its last subscriber's write


async def one_run(
    name: str,
    vote_port: int,
    sub_port: int,
    sub_pids: list[int],
    campaign: Campaign,
    voters: list[Member],
    proposal: int,
    audience: int,
    args: argparse.Namespace,
) -> Outcome:
    audience_ = Audience()
    await audience_.open(sub_port, campaign, audience, args)
    base = audience_.base if audience else await current_total(vote_port, campaign)
    await asyncio.sleep(1.0)
    reads0, xacts0, began = await board_reads(sub_port), await transactions(args.dsn), time.time()
    pushed0 = await metric(sub_port, *PUSH_SECONDS)
    profiling = args.profile and vote_port == sub_port and audience == args.largest
    if profiling:
        os.kill(sub_pids[0], signal.SIGUSR1)
    votes = await cast_votes(vote_port, campaign, voters, proposal, args.rate)
    # The last pushes: until no reader has received anything for QUIET seconds (at most 30 s
    # more); a reader that never saw a vote counts it as missed.
    deadline = time.time() + 30
    await asyncio.sleep(0.5)
    while audience and time.time() < deadline and await audience_.quiet() < QUIET:  # noqa: ASYNC110 (polling the readers)
        await asyncio.sleep(0.25)
    if profiling:
        os.kill(sub_pids[0], signal.SIGUSR2)
    elapsed = time.time() - began
    reads = (await board_reads(sub_port) - reads0) / elapsed
    pushed = [b - a for a, b in zip(pushed0, await metric(sub_port, *PUSH_SECONDS), strict=True)]
    push_ms = 1000 * pushed[0] / pushed[1] if pushed[1] else 0.0
    xacts = (await transactions(args.dsn) - xacts0) / elapsed
    rss = sum(rss_mb(pid) for pid in sub_pids)
    subs = await audience_.close()
    pushes = sum(len(s.pushes) for s in subs) / len(subs) if subs else 0.0
    latencies = update_latencies(subs, votes, base)
    return Outcome(name, audience, latencies, votes, reads, xacts, rss, pushes, push_ms)


async def current_total(port: int, campaign: Campaign) -> int:
    gql = GraphQL(f"http://127.0.0.1:{port}")
    try:
        data = await gql(
            "query($id: ID!) { campaign(id: $id) { leaderboard(first: 100) { tally { voters } } } }",
            {"id": global_id("Campaign", campaign.id)},
        )
    finally:
        await gql.aclose()
    return sum(e["tally"]["voters"] for e in data["campaign"]["leaderboard"])


async def seed(base: str, db: ScratchDb, args: argparse.Namespace, voters: int):
    gql = GraphQL(base)
    conn = await asyncpg.connect(db.dsn)
    try:
        token, owner, brand = await seed_owner_and_brand(gql, "bench-live")
        campaign = await seed_campaign(
            gql,
            conn,
            owner_token=token,
            owner_id=owner,
            brand_id=brand,
            proposals=args.proposals,
            voting={"method": "APPROVAL", "votesPerMember": args.proposals},
        )
        members = await seed_members(conn, brand_id=brand, count=voters)
        return campaign, members
    finally:
        await conn.close()
        await gql.aclose()


async def check_304(port: int, campaign: Campaign) -> tuple[int, int, str]:
    """Register a persisted public query, then GET it by hash with its ETag."""
    digest = hashlib.sha256(PUBLIC.encode()).hexdigest()
    ext = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": digest}})
    variables = json.dumps({"id": global_id("Campaign", campaign.id)})
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        first = await http.get(
            "/graphql", params={"query": PUBLIC, "variables": variables, "extensions": ext}
        )
        again = await http.get(
            "/graphql",
            params={"variables": variables, "extensions": ext},
            headers={"if-none-match": first.headers.get("etag", "")},
        )
    return first.status_code, again.status_code, first.headers.get("cache-control", "")


def report(outcomes: list[Outcome], baseline_p95: float, args: argparse.Namespace) -> None:
    print(
        f"\nlive leaderboard: {args.rate:g} castVotes/s for {args.seconds:g} s per run, "
        f"transport {args.transport}, leaderboard(first: 10) as the widget asks"
    )
    rows = []
    for o in outcomes:
        lost = sum(1 for x in o.latencies if x == float("inf"))
        seen = [x for x in o.latencies if x != float("inf")]
        cast = [lat for _, lat in o.votes]
        rows.append(
            (
                o.name,
                o.subscribers,
                ms(percentile(seen, 50)) if seen else "-",
                ms(percentile(seen, 95)) if seen else "-",
                ms(max(seen)) if seen else "-",
                lost,
                round(o.pushes_per_sub, 1),
                round(o.push_ms, 1) if o.subscribers else "-",
                ms(percentile(cast, 50)),
                ms(percentile(cast, 95)),
                f"{percentile(cast, 95) / baseline_p95:.2f}x",
                round(o.reads_per_s, 2),
                round(o.xacts_per_s, 1),
                round(o.rss),
            )
        )
    for o in outcomes:  # where the slowest update was: one vote for everyone, or one reader
        seen = [x for x in o.latencies if x != float("inf")]
        if not seen or len(seen) != len(o.latencies):
            continue
        worst = max(range(len(o.latencies)), key=o.latencies.__getitem__)
        k = worst % len(o.votes)
        of_vote = sorted(o.latencies[k :: len(o.votes)])
        print(
            f"{o.name}, {o.subscribers}: slowest update {ms(o.latencies[worst]):.0f} ms, vote "
            f"{k + 1} of {len(o.votes)} ({o.votes[k][0] - o.votes[0][0]:.1f} s in; its castVote "
            f"took {ms(o.votes[k][1]):.0f} ms; its update p50 {ms(percentile(of_vote, 50)):.0f} "
            f"ms over the readers); slowest castVote {ms(max(lat for _, lat in o.votes)):.0f} ms"
        )
    print_table(
        [
            "run",
            "subscribers",
            "update p50 ms",
            "update p95 ms",
            "max ms",
            "missed",
            "pushes/sub",
            "server push ms",
            "castVote p50 ms",
            "castVote p95 ms",
            "vs no audience",
            "board reads/s",
            "pg xacts/s",
            "server RSS MB",
        ],
        rows,
    )


async def main_async(args: argparse.Namespace, db: ScratchDb) -> None:
    audiences = [int(a) for a in args.audiences.split(",") if a]
    per_run = int(args.rate * args.seconds)
    runs = 1 + len(audiences) + (1 if args.two_processes else 0)
    if runs > args.proposals:
        raise SystemExit("--proposals must be at least the number of runs")
    port = free_port()
    env = brandhub_env(db, BRANDHUB_REDIS_NAMESPACE=scratch_name("live"))
    outcomes = []
    args.largest = max(audiences, default=0)
    command = brandhub_command(port)
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        command = [PYTHON, str(BENCH / "profile_server.py"), "--port", str(port)]
        command += ["--out", str(args.profile), "--cprofile"]
    with serve(command, port, env) as server:
        campaign, members = await seed(server.base, db, args, per_run)
        pid = server.process.pid
        # Each run: the same voters, each on the run's own proposal (a new vote every time).
        baseline = await one_run("no audience", port, port, [pid], campaign, members, 0, 0, args)
        outcomes.append(baseline)
        baseline_p95 = percentile([lat for _, lat in baseline.votes], 95)
        for i, audience in enumerate(audiences, 1):
            outcomes.append(
                await one_run(
                    "one process", port, port, [pid], campaign, members, i, audience, args
                )
            )
        if not args.skip_304:
            first, again, cache = await check_304(port, campaign)
            print(f"\npersisted public GET: {first} ({cache}), then {again} with its ETag")
    if args.two_processes:
        port_a, port_b = free_port(), free_port()
        env = brandhub_env(db, redis=True, BRANDHUB_REDIS_NAMESPACE=scratch_name("live"))
        with (
            serve(brandhub_command(port_a), port_a, env),
            serve(brandhub_command(port_b), port_b, env) as second,
        ):
            outcomes.append(
                await one_run(
                    "2 processes + Redis (votes on A, readers on B)",
                    port_a,
                    port_b,
                    [second.process.pid],
                    campaign,
                    members,
                    len(audiences) + 1,
                    args.two_processes,
                    args,
                )
            )
    report(outcomes, baseline_p95, args)


def main() -> None:
    args = parse_args()
    db = ScratchDb(scratch_name("live"))
    args.dsn = db.dsn
    run(db.create())
    try:
        run(main_async(args, db))
    finally:
        run(db.drop())


if __name__ == "__main__":
    main()
