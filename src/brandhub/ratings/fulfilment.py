"""Fulfilment: the partner marks buyers' pledges as delivered once the product has shipped.

A fulfilled pledge is what makes its member a verified buyer, allowed to rate the product.
The buyers of a handoff are the active pledges on its proposal (made during the vote or after
the quote was accepted). Fulfilling a pledge twice changes nothing; each call that fulfils
something is a ``handoff.pledges_fulfilled`` event (and webhook), like every handoff step.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.errors import InvalidInput, NotFound
from brandhub.partners.errors import InvalidTransition
from brandhub.partners.events import Actor, record_event
from brandhub.partners.handoffs import partner_handoff
from brandhub.partners.models import Handoff, HandoffStatus, Partner, Pledge, PledgeStatus
from brandhub.partners.transitions import ActorType

MAX_PLEDGES_PER_CALL = 1000


async def fulfil_pledges(
    session: AsyncSession,
    *,
    partner: Partner,
    handoff_id: int,
    pledge_ids: Sequence[int] | None,
    everyone: bool,
    now: datetime,
) -> tuple[Handoff, list[Pledge]]:
    """Mark the given pledges (or all the product's active pledges) fulfilled; returns the
    handoff and the pledges fulfilled by this call."""
    if everyone == (pledge_ids is not None):
        raise InvalidInput("Give either pledgeIds or all: true.", field=["pledgeIds"])
    if pledge_ids is not None and not 1 <= len(pledge_ids) <= MAX_PLEDGES_PER_CALL:
        raise InvalidInput(
            f"Give between 1 and {MAX_PLEDGES_PER_CALL} pledges.", field=["pledgeIds"]
        )
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    if handoff.status != HandoffStatus.SHIPPED:
        raise InvalidTransition(
            f"Pledges are fulfilled once the product has shipped; it is {handoff.status}.",
            field=["handoffId"],
        )
    query = select(Pledge).where(Pledge.proposal_id == handoff.proposal_id)
    if pledge_ids is not None:
        query = query.where(Pledge.id.in_(pledge_ids))
    else:
        query = query.where(Pledge.status == PledgeStatus.ACTIVE)
    rows = {
        row.id: row for row in await session.scalars(query.order_by(Pledge.id).with_for_update())
    }
    if pledge_ids is not None:
        for i, pk in enumerate(pledge_ids):
            row = rows.get(pk)
            if row is None:
                raise NotFound("No such pledge for this product.", field=["pledgeIds", i])
            if row.status != PledgeStatus.ACTIVE:
                raise InvalidInput("This pledge was cancelled.", field=["pledgeIds", i])
    fulfilled = [row for row in rows.values() if row.fulfilled_at is None]
    for row in fulfilled:
        row.fulfilled_at = now
    if fulfilled:
        await record_event(
            session,
            handoff=handoff,
            type="handoff.pledges_fulfilled",
            actor=Actor(ActorType.PARTNER, partner_id=partner.id),
            now=now,
            data={
                "pledges": len(fulfilled),
                "units": sum(row.units for row in fulfilled),
            },
        )
    await session.flush()
    return handoff, fulfilled
