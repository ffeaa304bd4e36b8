"""Background work of the ladder: the check after each support, and the periodic sweep."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from weakref import WeakKeyDictionary

from brandhub.community.campaigns import get_campaign
from brandhub.community.models import Campaign
from brandhub.db import Database
from brandhub.jobs.registry import JobContext, periodic
from brandhub.ladder import service
from brandhub.ladder.models import LadderProposal, LadderStatus
from brandhub.ladder.rules import Ladder, stage_reached

log = logging.getLogger("brandhub.ladder")


@dataclass
class _Known:
    """What this process knows of one database's ladders. A campaign's ladder cannot change
    once it is VOTING (when votes land), and a climb's stage never goes down: so the
    cached ladder is exact, and a known stage is a lower bound of the true one."""

    ladders: dict[int, Ladder | None] = field(default_factory=dict)
    stages: dict[int, int] = field(default_factory=dict)
    # Campaign rows, read for their voting rules only (frozen once VOTING).
    campaigns: dict[int, Campaign] = field(default_factory=dict)

    def bounded(self) -> None:
        for table in (self.ladders, self.stages, self.campaigns):
            if len(table) > 100_000:
                table.clear()


_KNOWN: WeakKeyDictionary[Database, _Known] = WeakKeyDictionary()


async def ladder_of(db: Database, campaign_id: int) -> Ladder | None:
    """The campaign's ladder (one read per campaign and process), or None."""
    known = _KNOWN.setdefault(db, _Known())
    if campaign_id not in known.ladders:
        async with db.read() as session:
            ladder = await service.ladder_of(session, campaign_id)
        known.bounded()
        known.ladders[campaign_id] = ladder
    return known.ladders[campaign_id]


async def check_proposal(db: Database, *, campaign_id: int, proposal_id: int, now: datetime) -> int:
    """Cross the stages a proposal's committed support reaches; returns the events recorded."""
    async with db.unit_of_work() as session:
        campaign = await get_campaign(session, campaign_id)
        recorded = await service.advance(
            session, campaign=campaign, proposal_id=proposal_id, now=now
        )
        climb = await session.get(LadderProposal, proposal_id)
    known = _KNOWN.setdefault(db, _Known())
    if climb is not None:
        ladder = known.ladders.get(campaign_id)
        done = climb.status != LadderStatus.CLIMBING and ladder is not None
        known.stages[proposal_id] = ladder.last if done and ladder else climb.stage
    return len(recorded)


async def after_vote(
    db: Database, *, campaign_id: int, proposal_id: int, supporters: Fraction, now: datetime
) -> None:
    """Called once a support (or its retraction) has committed, with the proposal's counted
    support as the vote saw it. Below the next stage, one read of the committed count
    confirms it (the last of concurrent supports to commit sees them all); only a crossing
    opens a write transaction. A failure loses nothing: the periodic sweep crosses the
    stage on its next run."""
    try:
        ladder = await ladder_of(db, campaign_id)
        if ladder is None:
            return
        known = _KNOWN.setdefault(db, _Known())
        stage = known.stages.get(proposal_id, 0)
        if stage_reached(ladder, supporters) <= stage:
            # What the vote saw may miss supports committed beside it: read the committed
            # count (one aggregate) before deciding that nothing is crossed.
            async with db.read() as session:
                if campaign_id not in known.campaigns:
                    known.bounded()
                    known.campaigns[campaign_id] = await get_campaign(session, campaign_id)
                rules = known.campaigns[campaign_id]
                supporters = await service.supporters_of(session, rules, proposal_id)
            if stage_reached(ladder, supporters) <= stage:
                return
        await check_proposal(db, campaign_id=campaign_id, proposal_id=proposal_id, now=now)
    except Exception:
        log.exception("ladder check of proposal %s failed; the sweep will retry", proposal_id)


@periodic("ladder.sweep", second=20)
async def sweep(ctx: JobContext) -> dict[str, int]:
    """Every minute: cross the stages support has reached, then expire what is past its
    deadline. Idempotent, and safe with several workers (every change is compare-and-set).
    Support is read with one aggregate per campaign; only a crossing opens a write."""
    now = ctx.now()
    async with ctx.db.read() as session:
        behind = await service.behind(session, now=now)
    crossed = 0
    for campaign_id, proposal_id in behind:
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
