"""Handoff events: numbered per handoff, with actor and time, each one also put in the outbox."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.partners import live, outbox
from brandhub.partners.models import Handoff, HandoffEvent, Partner
from brandhub.partners.transitions import ActorType


@dataclass(frozen=True)
class Actor:
    """Who caused an event: the partner, a brand owner, or the system."""

    type: ActorType
    member_id: int | None = None
    partner_id: int | None = None


SYSTEM = Actor(ActorType.SYSTEM)


def global_id(type_name: str, pk: int) -> str:
    """The GraphQL global id of an object (``strawberry.relay``'s encoding, as ``Node.id``)."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def record_event(
    session: AsyncSession,
    *,
    handoff: Handoff,
    type: str,
    actor: Actor,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> HandoffEvent:
    """Append the next numbered event to a (locked or new) handoff and queue its webhook."""
    assert handoff.id is not None
    handoff.last_sequence += 1
    handoff.updated_at = now
    data = data or {}
    event = HandoffEvent(
        handoff_id=handoff.id,
        sequence=handoff.last_sequence,
        type=type,
        status=handoff.status,
        actor_type=actor.type,
        actor_member_id=actor.member_id,
        actor_partner_id=actor.partner_id,
        data=data,
        at=now,
    )
    session.add(event)
    partner = await session.get(Partner, handoff.partner_id)
    assert partner is not None
    event_id = outbox.new_event_id()
    body = {
        "type": type,
        "timestamp": now.isoformat(),
        "data": {
            "eventId": event_id,
            "handoffId": global_id("Handoff", handoff.id),
            "sequence": handoff.last_sequence,
            "status": handoff.status,
            "actor": {"type": actor.type.value},
            **data,
        },
    }
    await outbox.write(
        session,
        partner=partner,
        event_id=event_id,
        handoff_id=handoff.id,
        sequence=handoff.last_sequence,
        type=type,
        body=body,
        now=now,
    )
    live.touch(session, handoff.partner_id)
    await session.flush()
    return event
