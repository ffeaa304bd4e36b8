"""Moving a handoff through its status machine: the partner's steps and the brand owner's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.brands import check_text
from brandhub.community.models import Proposal
from brandhub.errors import InvalidInput
from brandhub.partners import quotes
from brandhub.partners.errors import InvalidTransition
from brandhub.partners.events import SYSTEM, Actor, record_event
from brandhub.partners.handoffs import (
    get_handoff,
    lock_campaign_handoffs,
    owned_handoff,
    partner_handoff,
)
from brandhub.partners.models import Handoff, HandoffStatus, Partner
from brandhub.partners.pledges import check_moq
from brandhub.partners.transitions import OPEN_FOR_SELECTION, ActorType, check_transition
from brandhub.ratings import outcomes

PRODUCTION_STATUSES = (HandoffStatus.IN_PRODUCTION, HandoffStatus.SHIPPED)


def _partner_actor(partner: Partner) -> Actor:
    return Actor(ActorType.PARTNER, partner_id=partner.id)


def _note(text: str | None, field: str) -> str:
    return check_text(text or "", field=field, label=field, max_length=1000, required=False)


async def _move(
    session: AsyncSession,
    *,
    handoff: Handoff,
    to: HandoffStatus,
    actor: Actor,
    now: datetime,
    data: dict | None = None,
) -> Handoff:
    handoff.status = check_transition(handoff.status, to, actor.type)
    await record_event(
        session,
        handoff=handoff,
        type=f"handoff.{to.value.lower()}",
        actor=actor,
        now=now,
        data=data,
    )
    return handoff


async def acknowledge(
    session: AsyncSession, *, partner: Partner, handoff_id: int, now: datetime
) -> Handoff:
    """The partner confirms it received the spec."""
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    return await _move(
        session,
        handoff=handoff,
        to=HandoffStatus.ACKNOWLEDGED,
        actor=_partner_actor(partner),
        now=now,
    )


async def submit_quote(
    session: AsyncSession, *, partner: Partner, handoff_id: int, quote: quotes.Quote, now: datetime
) -> Handoff:
    """The partner quotes (or revises its quote): currency, price tiers, moq, lead time."""
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    check_transition(handoff.status, HandoffStatus.QUOTED, ActorType.PARTNER)
    checked = quotes.check_quote(quote, now=now)
    handoff.quote_currency = checked.currency
    handoff.quote_tiers = quotes.tiers_to_json(checked.tiers)
    handoff.quote_moq = checked.moq
    handoff.quote_lead_time_days = checked.lead_time_days
    handoff.quote_valid_until = checked.valid_until
    handoff.quoted_at = now
    return await _move(
        session,
        handoff=handoff,
        to=HandoffStatus.QUOTED,
        actor=_partner_actor(partner),
        now=now,
        data={
            "quote": {
                "currency": checked.currency,
                "tiers": handoff.quote_tiers,
                "moq": checked.moq,
                "leadTimeDays": checked.lead_time_days,
                "validUntil": checked.valid_until.isoformat(),
            }
        },
    )


async def decline(
    session: AsyncSession, *, partner: Partner, handoff_id: int, reason: str | None, now: datetime
) -> Handoff:
    """The partner will not make this product."""
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    return await _move(
        session,
        handoff=handoff,
        to=HandoffStatus.DECLINED,
        actor=_partner_actor(partner),
        now=now,
        data={"reason": _note(reason, "reason")},
    )


async def update_production(
    session: AsyncSession,
    *,
    partner: Partner,
    handoff_id: int,
    status: HandoffStatus,
    note: str | None,
    now: datetime,
) -> Handoff:
    """The partner starts production (once the moq is reached) or ships."""
    if HandoffStatus(status) not in PRODUCTION_STATUSES:
        raise InvalidInput("status must be IN_PRODUCTION or SHIPPED.", field=["status"])
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    starting = status == HandoffStatus.IN_PRODUCTION and handoff.status == HandoffStatus.ACCEPTED
    if starting and handoff.moq_reached_at is None:
        raise InvalidTransition(
            "Production starts once the pledges reach the minimum order quantity."
        )
    await _move(
        session,
        handoff=handoff,
        to=HandoffStatus(status),
        actor=_partner_actor(partner),
        now=now,
        data={"note": _note(note, "note")},
    )
    if starting:  # reaching production is an outcome of the author's reputation
        author_id = await session.scalar(
            select(Proposal.author_id).where(Proposal.id == handoff.proposal_id)
        )
        await outcomes.recompute(session, [author_id], now=now)
    return handoff


async def accept_quote(
    session: AsyncSession, *, actor: Member, handoff_id: int, now: datetime
) -> Handoff:
    """The brand owner accepts a quote; the other open handoffs of the same proposal become
    NOT_SELECTED (a ladder campaign hands off each approved proposal on its own)."""
    await owned_handoff(session, member=actor, handoff_id=handoff_id)
    campaign_id = (await get_handoff(session, handoff_id)).campaign_id
    handoffs = await lock_campaign_handoffs(session, campaign_id)
    handoff = next(h for h in handoffs if h.id == handoff_id)
    check_transition(handoff.status, HandoffStatus.ACCEPTED, ActorType.OWNER)
    if handoff.quote_valid_until is not None and handoff.quote_valid_until <= now:
        raise InvalidTransition("This quote has expired; ask the partner for a new one.")
    await _move(
        session,
        handoff=handoff,
        to=HandoffStatus.ACCEPTED,
        actor=Actor(ActorType.OWNER, member_id=actor.id),
        now=now,
    )
    for other in handoffs:
        if (
            other.id != handoff.id
            and other.proposal_id == handoff.proposal_id
            and other.status in OPEN_FOR_SELECTION
        ):
            await _move(
                session, handoff=other, to=HandoffStatus.NOT_SELECTED, actor=SYSTEM, now=now
            )
    await check_moq(session, handoff=handoff, now=now)
    return handoff


async def cancel(
    session: AsyncSession, *, actor: Member, handoff_id: int, reason: str | None, now: datetime
) -> Handoff:
    """The brand owner calls the handoff off (any time before it ships)."""
    handoff = await owned_handoff(session, member=actor, handoff_id=handoff_id, lock=True)
    return await _move(
        session,
        handoff=handoff,
        to=HandoffStatus.CANCELLED,
        actor=Actor(ActorType.OWNER, member_id=actor.id),
        now=now,
        data={"reason": _note(reason, "reason")},
    )
