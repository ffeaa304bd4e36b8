"""Background jobs of the ratings domain."""

from __future__ import annotations

import logging

from brandhub.jobs.registry import JobContext, periodic
from brandhub.ratings import outcomes

log = logging.getLogger("brandhub.ratings")

CHUNK = 500


@periodic("ratings.recompute_reputations", hour=3, minute=17, second=0)
async def recompute_reputations(ctx: JobContext) -> int:
    """Daily: recompute every member whose reputation may have decayed; idempotent."""
    async with ctx.db.read() as session:
        members = sorted(await outcomes.members_with_outcomes(session))
    for start in range(0, len(members), CHUNK):
        async with ctx.db.unit_of_work() as session:
            await outcomes.recompute(session, members[start : start + CHUNK], now=ctx.now())
    log.info("reputations recomputed", extra={"members": len(members)})
    return len(members)
