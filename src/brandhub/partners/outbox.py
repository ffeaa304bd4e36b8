"""The outbox: partner-facing events written in the same transaction as the change they report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.db import enqueue_after_commit
from brandhub.partners.models import DeliveryStatus, OutboxEvent, Partner

DELIVER_JOB = "partners.deliver_webhooks"
WOKEN = "brandhub.partners.dispatcher_woken"


def new_event_id() -> str:
    """A stable event id: the ``webhook-id`` of every delivery of this event."""
    return f"evt_{uuid.uuid4().hex}"


def wake_dispatcher(session: AsyncSession) -> None:
    """Send the dispatcher job once this transaction commits (once per transaction)."""
    if not session.info.get(WOKEN):
        session.info[WOKEN] = True
        enqueue_after_commit(session, DELIVER_JOB)


async def write(
    session: AsyncSession,
    *,
    partner: Partner,
    event_id: str,
    handoff_id: int | None,
    sequence: int,
    type: str,
    body: dict[str, Any],
    now: datetime,
) -> OutboxEvent | None:
    """Queue an event for a partner's webhook; None when the partner only pulls (no URL)."""
    if not partner.webhook_url:
        return None
    assert partner.id is not None
    row = OutboxEvent(
        event_id=event_id,
        partner_id=partner.id,
        handoff_id=handoff_id,
        sequence=sequence,
        type=type,
        body=body,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    wake_dispatcher(session)
    return row
