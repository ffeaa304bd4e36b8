"""Background jobs of the auth domain."""

from __future__ import annotations

from brandhub.auth import service
from brandhub.jobs.registry import JobContext, periodic


@periodic("auth.purge_expired_tokens", minute=17, second=0)
async def purge_expired_tokens(ctx: JobContext) -> int:
    """Hourly: delete expired or revoked tokens."""
    async with ctx.db.unit_of_work() as session:
        return await service.purge_expired_tokens(session, now=ctx.now())
