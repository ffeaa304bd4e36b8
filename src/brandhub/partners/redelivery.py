"""Sending an event again by hand (a DEAD one, or a delivered one the receiver lost)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.errors import InvalidInput, NotFound
from brandhub.partners.models import DeliveryStatus, OutboxEvent, Partner
from brandhub.partners.outbox import wake_dispatcher


async def redeliver(
    session: AsyncSession, *, partner: Partner, event_id: str, now: datetime
) -> OutboxEvent:
    """Queue one of the partner's events again, with the same ``webhook-id`` and a fresh schedule."""
    row = await session.scalar(
        select(OutboxEvent)
        .where(OutboxEvent.event_id == event_id, OutboxEvent.partner_id == partner.id)
        .with_for_update()
    )
    if row is None:
        raise NotFound("No such event.", field=["eventId"])
    if row.status == DeliveryStatus.PENDING:
        raise InvalidInput("This event is already waiting to be delivered.", field=["eventId"])
    row.status = DeliveryStatus.PENDING
    row.attempts = 0
    row.next_attempt_at = now
    row.claimed_until = None
    row.claim_token = None
    await session.flush()
    wake_dispatcher(session)
    return row
