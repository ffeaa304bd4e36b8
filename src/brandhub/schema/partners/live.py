"""The ``handoffEvents`` subscription: a partner's handoff events as they happen.

Events are read from the database (the source of truth); a broadcast after each commit wakes
the subscription at once, and a short poll covers events written where no broadcast was at
hand (a job in another process).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from brandhub.partners import live, reads
from brandhub.schema.context import Context
from brandhub.schema.errors import unauthenticated
from brandhub.schema.partners.types import HandoffEventType

POLL_SECONDS = 2.0


@strawberry.type
class PartnerSubscription:
    @strawberry.subscription(description="Partner (API key): your handoffs' events, live.")
    async def handoff_events(
        self, info: Info[Context, None]
    ) -> AsyncGenerator[HandoffEventType, None]:
        principal = await info.context.principal()
        if principal is None or principal.partner is None or principal.partner.id is None:
            raise unauthenticated("Authenticate with a partner API key to subscribe.")
        partner_id = principal.partner.id
        changes = info.context.state.broadcast.changes(live.channel(partner_id))
        waiting = asyncio.ensure_future(anext(changes))
        await asyncio.sleep(0)  # let the watcher register before reading the starting point
        try:
            async with info.context.db.read() as session:
                last = await reads.last_event_id(session)
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(waiting), POLL_SECONDS)
                if waiting.done():
                    waiting = asyncio.ensure_future(anext(changes))
                async with info.context.db.read() as session:
                    rows = await reads.events_since(session, partner_id=partner_id, after_id=last)
                for row in rows:
                    assert row.id is not None
                    last = row.id
                    yield HandoffEventType.from_row(row)
        finally:
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await waiting
            await changes.aclose()
