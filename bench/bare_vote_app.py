"""The baseline for bench_cast_vote.py: a bare Starlette vote endpoint, on asyncpg or SQLite.

    BARE_DSN=postgresql://postgres@127.0.0.1:5432/DB uvicorn bare_vote_app:app --app-dir bench
    BARE_SQLITE=/path/brandhub.db uvicorn bare_vote_app:app --app-dir bench

On SQLite it holds one writer connection (aiosqlite, WAL, synchronous=NORMAL as brandhub
sets it), and requests take turns on it, each in its own ``BEGIN IMMEDIATE`` transaction.

``POST /vote`` with ``{"campaign", "voter", "proposal", "value"}`` runs the same core
transaction as castVote, and nothing else: upsert the vote row under the
(campaign, voter, proposal) unique constraint, then upsert one slotted tally counter
(slot = voter % 16, as brandhub does), in one transaction of two statements. No
authentication, budget, membership check, event chain or GraphQL: it is the floor.
A replacement (the vote row already existed) adds nothing to the counter, as in APPROVAL.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TALLY_SLOTS = 16
UPSERT_VOTE = """
INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)
VALUES ($1, $2, $3, $4, $5, false, now())
ON CONFLICT (campaign_id, voter_id, proposal_id)
DO UPDATE SET value = EXCLUDED.value, weight = EXCLUDED.weight, cast_at = EXCLUDED.cast_at
RETURNING (xmax = 0) AS inserted
"""
UPSERT_TALLY = """
INSERT INTO tally_slot AS t (proposal_id, slot, campaign_id, voters, pending, weight_sum, value_sum)
VALUES ($1, $2, $3, $4, 0, $5, $6)
ON CONFLICT (proposal_id, slot) DO UPDATE SET
  voters = t.voters + EXCLUDED.voters,
  weight_sum = t.weight_sum + EXCLUDED.weight_sum,
  value_sum = t.value_sum + EXCLUDED.value_sum
RETURNING voters, weight_sum
"""


SQLITE_INSERT_VOTE = """
INSERT INTO vote (campaign_id, voter_id, proposal_id, value, weight, pending, cast_at)
VALUES (?, ?, ?, ?, ?, 0, ?) ON CONFLICT (campaign_id, voter_id, proposal_id) DO NOTHING
"""
SQLITE_UPDATE_VOTE = """
UPDATE vote SET value = ?, weight = ?, cast_at = ?
WHERE campaign_id = ? AND voter_id = ? AND proposal_id = ?
"""
SQLITE_UPSERT_TALLY = """
INSERT INTO tally_slot AS t (proposal_id, slot, campaign_id, voters, pending, weight_sum, value_sum)
VALUES (?, ?, ?, ?, 0, ?, ?)
ON CONFLICT (proposal_id, slot) DO UPDATE SET
  voters = t.voters + excluded.voters,
  weight_sum = t.weight_sum + excluded.weight_sum,
  value_sum = t.value_sum + excluded.value_sum
RETURNING voters, weight_sum
"""


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    """One pool, sized like brandhub's default (pool_size 10 + max_overflow 20); or, on
    SQLite, one writer connection."""
    if os.environ.get("BARE_SQLITE"):
        import aiosqlite

        conn = await aiosqlite.connect(os.environ["BARE_SQLITE"], isolation_level=None)
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
            await conn.execute(f"PRAGMA {pragma}")
        app.state.sqlite, app.state.lock = conn, asyncio.Lock()
        try:
            yield
        finally:
            await conn.close()
        return
    app.state.pool = await asyncpg.create_pool(
        os.environ["BARE_DSN"],
        min_size=int(os.environ.get("BARE_POOL_MIN", "10")),
        max_size=int(os.environ.get("BARE_POOL_MAX", "30")),
    )
    try:
        yield
    finally:
        await app.state.pool.close()


async def sqlite_vote(
    request: Request, campaign: int, voter: int, proposal: int, value: int, weight: float
) -> tuple[int, float]:
    """The same transaction on the one SQLite writer connection."""
    conn = request.app.state.sqlite
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    async with request.app.state.lock:
        await conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = await conn.execute(
                SQLITE_INSERT_VOTE, (campaign, voter, proposal, value, weight, now)
            )
            inserted = cursor.rowcount == 1
            if not inserted:
                await conn.execute(
                    SQLITE_UPDATE_VOTE, (value, weight, now, campaign, voter, proposal)
                )
            voters, weight_sum = 1 if inserted else 0, weight if inserted else 0.0
            cursor = await conn.execute(
                SQLITE_UPSERT_TALLY,
                (proposal, voter % TALLY_SLOTS, campaign, voters, weight_sum, weight_sum * value),
            )
            row = await cursor.fetchone()
            await conn.commit()
        except BaseException:
            await conn.rollback()
            raise
    return row[0], row[1]


async def vote(request: Request) -> Response:
    """Upsert the vote and its slotted tally counter in one transaction."""
    body = json.loads(await request.body())
    campaign, voter, proposal = body["campaign"], body["voter"], body["proposal"]
    value, weight = int(body["value"]), 1.0
    if hasattr(request.app.state, "sqlite"):
        voters, score = await sqlite_vote(request, campaign, voter, proposal, value, weight)
        return JSONResponse(
            {
                "vote": {"value": value, "weight": weight},
                "tally": {"voters": voters, "score": score},
                "errors": [],
            }
        )
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        inserted = await conn.fetchval(UPSERT_VOTE, campaign, voter, proposal, value, weight)
        voters, weight_sum = 1 if inserted else 0, weight if inserted else 0.0
        row = await conn.fetchrow(
            UPSERT_TALLY,
            proposal,
            voter % TALLY_SLOTS,
            campaign,
            voters,
            weight_sum,
            weight_sum * value,
        )
    return JSONResponse(
        {
            "vote": {"value": value, "weight": weight},
            "tally": {"voters": row["voters"], "score": row["weight_sum"]},
            "errors": [],
        }
    )


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[Route("/vote", vote, methods=["POST"]), Route("/healthz", healthz)],
    lifespan=lifespan,
)
