"""Background work of the ladder: the check after each support, and the periodic sweep."""

from __future__ import annotations

import logging
from datetime import datetime
from weakref import WeakKeyDictionary

from brandhub.community.campaigns import get_campaign
from brandhub.db import Database
from brandhub.jobs.registry import JobContext, job, periodic
from brandhub.ladder import service
from brandhub.ladder.models import CampaignLadder

log = logging.getLogger("brandhub.ladder")

# Whether a campaign runs a ladder, per database. Votes only land while a campaign is VOTING,
# and a ladder can no longer be set or removed by then: the answer never changes once asked.
_IS_LADDER: WeakKeyDictionary[Database, dict[int, bool]] = WeakKeyDictionary()


async def is_ladder(db: Database, campaign_id: int) -> bool:
    """Whether the campaign runs a ladder (one read per campaign and process)."""
    known = _IS_LADDER.setdefault(db, {})
    if campaign_id not in known:
        async with db.read() as session:
            found = await session.get(CampaignLadder, campaign_id) is not None
        if len(known) > 10_000:
            known.clear()
        known[campaign_id] = found
    return known[campaign_id]


async def check_proposal(db: Database, *, campaign_id: int, proposal_id: int, now: datetime) -> int:
    """Cross the stages a proposal's committed support reaches; returns the events recorded."""
    async with db.unit_of_work() as session:
        campaign = await get_campaign(session, campaign_id)
        recorded = await service.advance(
            session, campaign=campaign, proposal_id=proposal_id, now=now
        )
    return len(recorded)


async def after_vote(db: Database, *, campaign_id: int, proposal_id: int, now: datetime) -> None:
    """Called once a support (or its retraction) has committed. A failure here loses
    nothing: the periodic sweep crosses the stage on its next run."""
    try:
        if await is_ladder(db, campaign_id):
            await check_proposal(db, campaign_id=campaign_id, proposal_id=proposal_id, now=now)
    except Exception:
        log.exception("ladder check of proposal %s failed; the sweep will retry", proposal_id)


@job("ladder.check_proposal")
async def check_proposal_job(ctx: JobContext, *, campaign_id: int, proposal_id: int) -> int:
    """One proposal's check, as a job."""
    return await check_proposal(
        ctx.db, campaign_id=campaign_id, proposal_id=proposal_id, now=ctx.now()
    )


@periodic("ladder.sweep", second=20)
async def sweep(ctx: JobContext) -> dict[str, int]:
    """Every minute: cross the stages support has reached, then expire what is past its
    deadline. Idempotent, and safe with several workers (every change is compare-and-set)."""
    now = ctx.now()
    async with ctx.db.read() as session:
        climbs = await service.climbing(session)
    crossed = 0
    for campaign_id, proposal_id in climbs:
        crossed += await check_proposal(
            ctx.db, campaign_id=campaign_id, proposal_id=proposal_id, now=now
        )
    async with ctx.db.read() as session:
        due = await service.due(session, now=now)
    expired = 0
    for proposal_id in due:
        async with ctx.db.unit_of_work() as session:
            if await service.expire(session, proposal_id=proposal_id, now=now) is not None:
                expired += 1
    return {"events": crossed, "expired": expired}
