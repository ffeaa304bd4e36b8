"""Benchmark 4: recount() of campaigns with 100,000 and 1,000,000 events; time and memory.

    .venv/bin/python bench/bench_recount.py [--sizes 100000,1000000] [--proposals 200]
        [--no-export]

For each size, an APPROVAL campaign's votes, hash-chained events, chain heads and
counters are bulk-loaded (bench/dataset.py, exactly as castVote leaves them). Each
recount runs in a fresh subprocess (as ``brandhub recount`` does: a read session,
``recount(session, campaign_id, ...)``), once without and once with the NDJSON export;
the child reports the wall time of the call and its peak RSS (getrusage ru_maxrss) over
its RSS before the call. The recount must report no difference. Prints the growth
from the smallest to the largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import asyncpg
from benchlib import (
    PYTHON,
    ROOT,
    GraphQL,
    ScratchDb,
    brandhub_command,
    brandhub_env,
    free_port,
    print_table,
    run,
    scratch_name,
    seed_campaign,
    seed_members,
    seed_owner_and_brand,
    serve,
)
from dataset import load_votes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="events per campaign")
    parser.add_argument("--proposals", type=int, default=200)
    parser.add_argument("--votes-per-voter", type=int, default=100)
    parser.add_argument("--no-export", action="store_true", help="skip the export runs")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    return parser.parse_args()


def rss_mib() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    """Resident set size now, in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def child(campaign_id: int, url: str, out: IO[str] | None) -> dict[str, Any]:
    """Run one recount like ``brandhub recount`` and measure it (in the child process)."""
    from brandhub.db import Database
    from brandhub.settings import Settings
    from brandhub.voting.export import lines
    from brandhub.voting.recount import recount

    db = Database(Settings(database_url=url))
    before = current_rss_mib()
    started = time.perf_counter()
    try:
        async with db.read() as session:
            report = await recount(session, campaign_id, secret="bench-secret")
        if out is not None:  # as `brandhub recount --export`: a second, pseudonym-ordered pass
            async with db.read() as session:
                async for line in lines(session, campaign_id):
                    out.write(line)
    finally:
        await db.dispose()
    return {
        "seconds": time.perf_counter() - started,
        "rss_before": before,
        "rss_peak": rss_mib(),
        "events": report.events,
        "ok": report.ok,
        "differences": report.differences[:3],
    }


def recount_in_child(campaign_id: int, url: str, export: Path | None) -> dict[str, Any]:
    """Run the recount in a fresh interpreter and return its measurements."""
    command = [PYTHON, __file__, "--child", str(campaign_id), "--url", url]
    if export is not None:
        command += ["--export", str(export)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


async def seed(
    base: str, db: ScratchDb, sizes: list[int], args: argparse.Namespace
) -> dict[int, int]:
    """One campaign per size with that many events; {size: campaign id}."""
    rng = random.Random(args.seed)
    gql = GraphQL(base)
    conn = await asyncpg.connect(db.dsn)
    try:
        token, owner, brand = await seed_owner_and_brand(gql, "bench-recount")
        per = min(args.votes_per_voter, args.proposals)
        members = await seed_members(conn, brand_id=brand, count=-(-max(sizes) // per))
        campaigns = {}
        for size in sizes:
            campaign = await seed_campaign(
                gql,
                conn,
                owner_token=token,
                owner_id=owner,
                brand_id=brand,
                proposals=args.proposals,
                voting={"method": "APPROVAL", "votesPerMember": per},
                title=f"recount {size}",
            )
            started = time.perf_counter()
            await load_votes(
                conn,
                campaign_id=campaign.id,
                proposal_ids=campaign.proposal_ids,
                voter_ids=[m.id for m in members[: size // per]],
                votes_per_voter=per,
                start=datetime.now(UTC),
                rng=rng,
            )
            print(
                f"loaded {size:,} events into campaign {campaign.id} in {time.perf_counter() - started:.0f}s"
            )
            campaigns[size] = campaign.id
        await conn.execute("VACUUM ANALYZE")
        return campaigns
    finally:
        await conn.close()
        await gql.aclose()


def measure(
    db: ScratchDb, campaigns: dict[int, int], args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Recount each campaign (and again with the export) in subprocesses."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size, campaign_id in campaigns.items():
            plain = recount_in_child(campaign_id, db.url, None)
            row = {"size": size, "plain": plain}
            if not args.no_export:
                path = Path(tmp) / f"{size}.ndjson"
                row["export"] = recount_in_child(campaign_id, db.url, path)
                row["export_bytes"] = path.stat().st_size
                path.unlink()
            rows.append(row)
            print(f"recounted {size:,} events: {plain['seconds']:.1f}s, ok={plain['ok']}")
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    """Time, memory, export cost per size, and growth from the smallest size."""
    table = []
    for row in rows:
        plain, export = row["plain"], row.get("export")
        table.append(
            (
                f"{row['size']:,}",
                plain["seconds"],
                row["size"] / plain["seconds"],
                plain["rss_peak"],
                plain["rss_peak"] - plain["rss_before"],
                export["seconds"] if export else "-",
                export["seconds"] - plain["seconds"] if export else "-",
                f"{row['export_bytes'] / 2**20:.0f}" if export else "-",
                "yes"
                if plain["ok"] and (not export or export["ok"])
                else f"NO {plain['differences']}",
            )
        )
    print("\nrecount (fresh process per run; RSS in MiB)")
    headers = ["events", "recount s", "events/s", "peak RSS", "RSS growth", "with export s"]
    print_table([*headers, "export cost s", "NDJSON MiB", "matches"], table)
    first, last = rows[0], rows[-1]
    if first is not last:
        size = last["size"] / first["size"]
        time_growth = last["plain"]["seconds"] / first["plain"]["seconds"]
        mem = (last["plain"]["rss_peak"] - last["plain"]["rss_before"]) / max(
            1e-9, first["plain"]["rss_peak"] - first["plain"]["rss_before"]
        )
        print(f"growth x{size:.0f} events: time x{time_growth:.1f}, memory (RSS growth) x{mem:.1f}")


def main() -> None:
    args = parse_args()
    if args.child is not None:
        if args.export:  # opened outside the event loop, as the CLI does
            with open(args.export, "w", encoding="utf-8") as out:
                print(json.dumps(run(child(args.child, args.url, out))))
        else:
            print(json.dumps(run(child(args.child, args.url, None))))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    db = ScratchDb(scratch_name("recount"))
    run(db.create())
    try:
        port = free_port()
        with serve(brandhub_command(port), port, brandhub_env(db)) as server:
            campaigns = run(seed(server.base, db, sizes, args))
        report(measure(db, campaigns, args))
    finally:
        run(db.drop())


if __name__ == "__main__":
    sys.exit(main())
