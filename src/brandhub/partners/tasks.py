"""Background jobs of the partners domain: the webhook dispatcher and the outbox sweep."""

from __future__ import annotations

from datetime import timedelta

from brandhub.jobs.registry import JobContext, job, periodic
from brandhub.partners import delivery
from brandhub.partners.outbox import DELIVER_JOB

# The sweep runs every minute, so booking one minute ahead catches every due time.
BOOKING_HORIZON = timedelta(minutes=1)


@job(DELIVER_JOB)
async def deliver_webhooks(ctx: JobContext) -> int:
    """Send every due webhook event, then book the next run for the next retry due; return
    the number of attempts made."""
    made = await delivery.dispatch(
        ctx.db,
        clock=ctx.now,
        allow_private=ctx.settings.webhook_allow_private,
        transport=ctx.http_transport,
    )
    await _book_next_run(ctx)
    return made


@periodic("partners.sweep_outbox", second=20)
async def sweep_outbox(ctx: JobContext) -> int:
    """Every minute: wake the dispatcher if events are due (a lost Redis job, a restart), or
    book it for the next retry; return how many are due."""
    async with ctx.db.read() as session:
        due = await delivery.count_due(session, now=ctx.now())
    if due:
        await ctx.jobs.enqueue(DELIVER_JOB)
    else:
        await _book_next_run(ctx)
    return due


async def _book_next_run(ctx: JobContext) -> None:
    # Retries run when they are due (attempt 2 at +5 s), not at the next sweep. Only the next
    # minute is booked: the sweep books later ones as they come near, and an arq queue never
    # holds a job for days (a `worker --burst` waits for what is in its queue).
    now = ctx.now()
    async with ctx.db.read() as session:
        wake = await delivery.next_due_at(session, now=now)
    if wake is not None and wake - now <= BOOKING_HORIZON:
        await ctx.jobs.enqueue_at(DELIVER_JOB, wake)
