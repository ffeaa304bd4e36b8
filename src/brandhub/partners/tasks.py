"""Background jobs of the partners domain: the webhook dispatcher and the outbox sweep."""

from __future__ import annotations

from brandhub.jobs.registry import JobContext, job, periodic
from brandhub.partners import delivery
from brandhub.partners.outbox import DELIVER_JOB


@job(DELIVER_JOB)
async def deliver_webhooks(ctx: JobContext) -> int:
    """Send every due webhook event; return the number of attempts made."""
    return await delivery.dispatch(
        ctx.db,
        clock=ctx.now,
        allow_private=ctx.settings.webhook_allow_private,
        transport=ctx.http_transport,
    )


@periodic("partners.sweep_outbox", second=20)
async def sweep_outbox(ctx: JobContext) -> int:
    """Every minute: wake the dispatcher if events are due (retries, or a lost Redis job)."""
    async with ctx.db.read() as session:
        due = await delivery.count_due(session, now=ctx.now())
    if due:
        await ctx.jobs.enqueue(DELIVER_JOB)
    return due
