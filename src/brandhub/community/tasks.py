"""Background jobs of the community domain."""

from __future__ import annotations

import logging

from brandhub.community import campaigns
from brandhub.community.models import Phase
from brandhub.errors import DomainError
from brandhub.jobs.registry import JobContext, periodic
from brandhub.voting.closing import close_campaign

log = logging.getLogger("brandhub.community")


@periodic("community.advance_phases", second=5)
async def advance_phases(ctx: JobContext) -> list[int]:
    """Every minute: move campaigns whose scheduled close time has passed."""
    async with ctx.db.read() as session:
        due = await campaigns.due_phase_changes(session, now=ctx.now())
    moved: list[int] = []
    for campaign_id, target in due:
        try:
            async with ctx.db.unit_of_work() as session:
                if target is Phase.CLOSED:
                    await close_campaign(
                        session,
                        actor=None,
                        campaign_id=campaign_id,
                        now=ctx.now(),
                        secret=ctx.settings.secret_key,
                    )
                else:
                    await campaigns.move_phase(
                        session, actor=None, campaign_id=campaign_id, to=target, now=ctx.now()
                    )
            moved.append(campaign_id)
        except DomainError as error:  # moved by an owner meanwhile
            log.info("campaign %s not moved to %s: %s", campaign_id, target, error.message)
    return moved
