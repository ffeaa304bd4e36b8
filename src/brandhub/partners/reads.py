"""Read queries of the partners domain, built for pagination (offset, limit + 1)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.partners.models import (
    Handoff,
    HandoffEvent,
    HandoffStatus,
    OutboxEvent,
    Partner,
    Pledge,
    PledgeStatus,
)

_IN_CATEGORY = {
    "postgresql": "partner.categories @> jsonb_build_array(CAST(:category AS text))",
    "sqlite": "EXISTS (SELECT 1 FROM json_each(partner.categories) WHERE json_each.value = :category)",
}


async def partners(
    session: AsyncSession, *, category: str | None, offset: int, limit: int
) -> Sequence[Partner]:
    """Partners by name, optionally only those making ``category``."""
    query = select(Partner).order_by(Partner.name, Partner.id)
    if category:
        dialect = session.get_bind().dialect.name
        query = query.where(
            text(_IN_CATEGORY[dialect]).bindparams(category=category.strip().lower())
        )
    return (await session.scalars(query.offset(offset).limit(limit + 1))).all()


async def handoffs(
    session: AsyncSession,
    *,
    partner_id: int | None = None,
    campaign_id: int | None = None,
    status: str | None = None,
    offset: int,
    limit: int,
) -> Sequence[Handoff]:
    """Handoffs of a partner and/or a campaign, newest first."""
    query = select(Handoff)
    if partner_id is not None:
        query = query.where(Handoff.partner_id == partner_id)
    if campaign_id is not None:
        query = query.where(Handoff.campaign_id == campaign_id)
    if status is not None:
        query = query.where(Handoff.status == status)
    query = query.order_by(Handoff.created_at.desc(), Handoff.id.desc())
    return (await session.scalars(query.offset(offset).limit(limit + 1))).all()


async def events(
    session: AsyncSession, handoff_id: int, *, offset: int, limit: int
) -> Sequence[HandoffEvent]:
    """A handoff's events in sequence order."""
    query = (
        select(HandoffEvent)
        .where(HandoffEvent.handoff_id == handoff_id)
        .order_by(HandoffEvent.sequence)
        .offset(offset)
        .limit(limit + 1)
    )
    return (await session.scalars(query)).all()


async def events_since(
    session: AsyncSession, *, partner_id: int, after_id: int, limit: int = 100
) -> Sequence[HandoffEvent]:
    """A partner's handoff events written after the event ``after_id``, oldest first."""
    query = (
        select(HandoffEvent)
        .join(Handoff, Handoff.id == HandoffEvent.handoff_id)
        .where(Handoff.partner_id == partner_id, HandoffEvent.id > after_id)
        .order_by(HandoffEvent.id)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def last_event_id(session: AsyncSession) -> int:
    """The id of the newest handoff event (0 when none)."""
    query = select(HandoffEvent.id).order_by(HandoffEvent.id.desc()).limit(1)
    return int(await session.scalar(query) or 0)


async def deliveries(
    session: AsyncSession, *, partner_id: int, offset: int, limit: int
) -> Sequence[OutboxEvent]:
    """A partner's webhook events, newest first."""
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.partner_id == partner_id)
        .order_by(OutboxEvent.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    return (await session.scalars(query)).all()


async def chosen_handoff(session: AsyncSession, campaign_id: int) -> Handoff | None:
    """The campaign's handoff whose quote the brand accepted (in production or shipped too)."""
    chosen = (HandoffStatus.ACCEPTED, HandoffStatus.IN_PRODUCTION, HandoffStatus.SHIPPED)
    return await session.scalar(
        select(Handoff)
        .where(Handoff.campaign_id == campaign_id, Handoff.status.in_(chosen))
        .limit(1)
    )


async def pledges_of(
    session: AsyncSession, *, proposal_id: int, member_id: int
) -> Sequence[Pledge]:
    """A member's active pledges on a proposal, oldest first."""
    query = select(Pledge).where(
        Pledge.proposal_id == proposal_id,
        Pledge.member_id == member_id,
        Pledge.status == PledgeStatus.ACTIVE,
    )
    return (await session.scalars(query.order_by(Pledge.id))).all()
