"""Live handoff updates for subscriptions: which partners to wake once the transaction commits.

Services only mark a partner as touched; the edge that owns the broadcast (a mutation) publishes
after commit. The subscription reads the events themselves from the database, so a missed
wake-up (an event written by a job) delays an update by one poll at most, and loses nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.db import after_commit

TOUCHED = "brandhub.partners.touched"


def channel(partner_id: int) -> str:
    """The broadcast channel on which a partner's handoff events are announced."""
    return f"partner:{partner_id}:handoffs"


def touch(session: AsyncSession, partner_id: int) -> None:
    """Note that a partner has new handoff events in this transaction."""
    session.info.setdefault(TOUCHED, set()).add(partner_id)


def publish_after_commit(session: AsyncSession, broadcast: Any) -> None:
    """Once this session commits, announce new events to every touched partner's channel."""

    async def publish() -> None:
        for partner_id in sorted(session.info.pop(TOUCHED, ())):
            await broadcast.publish(channel(partner_id), {"partnerId": partner_id})

    after_commit(session, publish)
