"""Pledges (group buying): units promised on a proposal during voting or on an accepted product.

The total per proposal is a counter updated in the pledge's transaction. When it reaches the
accepted quote's moq, the demand is ``moqReached``: pledges lock, the partner gets a webhook
and the brand's owners a notification. In a PLEDGE-weighted campaign in VOTING, a pledge or
a cancellation re-weights the member's current votes in the same transaction
(``voting.reweight``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.errors import InvalidPhase
from brandhub.community.models import Campaign, Membership, Phase, Proposal, ProposalStatus, Role
from brandhub.community.permissions import require_member
from brandhub.errors import Forbidden, InvalidInput, NotFound
from brandhub.partners import quotes
from brandhub.partners.errors import Locked
from brandhub.partners.events import SYSTEM, global_id, record_event
from brandhub.partners.handoffs import lock_campaign_handoffs
from brandhub.partners.models import (
    Handoff,
    HandoffStatus,
    MemberNotification,
    Pledge,
    PledgeStatus,
    PledgeTotal,
)
from brandhub.partners.transitions import PLEDGEABLE
from brandhub.voting.reweight import reweight_voter

MAX_UNITS_PER_PLEDGE = 10_000
VOTING_STATUSES = (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED)


@dataclass(frozen=True)
class Demand:
    """Pledged units priced by a handoff's quote."""

    pledged_units: int
    currency: str | None
    unit_price: Decimal | None
    next_tier: quotes.Tier | None
    moq: int | None
    moq_reached: bool


async def pledged_units(session: AsyncSession, *, campaign_id: int, member_id: int) -> int:
    """Units the member has pledged (active pledges) on proposals of a campaign."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Pledge.units), 0)).where(
            Pledge.campaign_id == campaign_id,
            Pledge.member_id == member_id,
            Pledge.status == PledgeStatus.ACTIVE,
        )
    )
    return int(total or 0)


async def total_units(session: AsyncSession, proposal_id: int) -> int:
    """Active pledged units of a proposal (the counter, not a sum over pledges)."""
    units = await session.scalar(
        select(PledgeTotal.units).where(PledgeTotal.proposal_id == proposal_id)
    )
    return int(units or 0)


async def _add_to_total(session: AsyncSession, proposal_id: int, units: int, pledges: int) -> int:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(PledgeTotal).values(proposal_id=proposal_id, units=units, pledges=pledges)
    stmt = stmt.on_conflict_do_update(
        index_elements=[PledgeTotal.proposal_id],
        set_={
            "units": PledgeTotal.units + units,
            "pledges": PledgeTotal.pledges + pledges,
        },
    ).returning(PledgeTotal.units)
    return int((await session.execute(stmt)).scalar_one())


def demand_of(handoff: Handoff, pledged: int) -> Demand:
    """The demand of a handoff's product given the units pledged in total."""
    if not handoff.quote_tiers:
        return Demand(pledged, None, None, None, None, False)
    tiers = quotes.tiers_from_json(handoff.quote_tiers)
    return Demand(
        pledged_units=pledged,
        currency=handoff.quote_currency,
        unit_price=quotes.current_tier(tiers, pledged).unit_price,
        next_tier=quotes.next_tier(tiers, pledged),
        moq=handoff.quote_moq,
        moq_reached=handoff.moq_reached_at is not None,
    )


async def check_moq(session: AsyncSession, *, handoff: Handoff, now: datetime) -> bool:
    """Mark an accepted handoff's moq as reached when the pledges cover it; True when just now."""
    if (
        handoff.moq_reached_at is not None
        or handoff.status not in PLEDGEABLE
        or handoff.quote_moq is None
    ):
        return False
    pledged = await total_units(session, handoff.proposal_id)
    if pledged < handoff.quote_moq:
        return False
    handoff.moq_reached_at = now
    await record_event(
        session,
        handoff=handoff,
        type="handoff.moq_reached",
        actor=SYSTEM,
        now=now,
        data={"pledgedUnits": pledged, "moq": handoff.quote_moq},
    )
    owners = await session.scalars(
        select(Membership.member_id).where(
            Membership.brand_id == handoff.brand_id, Membership.role == Role.OWNER
        )
    )
    assert handoff.id is not None
    for owner_id in owners:
        session.add(
            MemberNotification(
                member_id=owner_id,
                type="handoff.moq_reached",
                body={
                    "handoffId": global_id("Handoff", handoff.id),
                    "title": handoff.title,
                    "pledgedUnits": pledged,
                    "moq": handoff.quote_moq,
                },
                created_at=now,
            )
        )
    await session.flush()
    return True


async def _reweight(
    session: AsyncSession, *, campaign: Campaign, member: Member, now: datetime, secret: str
) -> None:
    """Votes weighted by pledges follow them (PLEDGE weighting, during VOTING only)."""
    if campaign.phase != Phase.VOTING or campaign.weighting != "PLEDGE":
        return
    assert campaign.id is not None and member.id is not None
    units = await pledged_units(session, campaign_id=campaign.id, member_id=member.id)
    await reweight_voter(
        session, campaign=campaign, member=member, pledged_units=units, now=now, secret=secret
    )


async def pledge(
    session: AsyncSession,
    *,
    member: Member,
    proposal_id: int,
    units: int,
    now: datetime,
    secret: str,
) -> Pledge:
    """Pledge units on a proposal in VOTING, or on the winner once a quote is accepted."""
    assert member.id is not None
    if not 1 <= units <= MAX_UNITS_PER_PLEDGE:
        raise InvalidInput(f"units must be between 1 and {MAX_UNITS_PER_PLEDGE}.", field=["units"])
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.status == ProposalStatus.HIDDEN:
        raise NotFound("No such proposal.", field=["proposalId"])
    campaign = await session.get(Campaign, proposal.campaign_id)
    assert campaign is not None and campaign.id is not None
    await require_member(session, brand_id=campaign.brand_id, member_id=member.id, doing="pledge")
    # Locked before the counter, in the order accept_quote uses: a pledge racing an acceptance
    # waits for it, then sees the accepted handoff and its moq.
    handoffs = [
        h
        for h in await lock_campaign_handoffs(session, campaign.id)
        if h.proposal_id == proposal.id
    ]
    target = next((h for h in handoffs if h.status in PLEDGEABLE), None)
    if campaign.phase == Phase.VOTING:
        if proposal.status not in VOTING_STATUSES:
            raise InvalidInput("This proposal is withdrawn.", field=["proposalId"])
    elif target is None:
        raise InvalidPhase(
            "Pledges are open while the campaign is in VOTING, or on the winning product "
            "once its partner's quote is accepted."
        )
    row = Pledge(
        proposal_id=proposal_id,
        campaign_id=campaign.id,
        member_id=member.id,
        handoff_id=target.id if target else None,
        units=units,
        status=PledgeStatus.ACTIVE,
        created_at=now,
    )
    session.add(row)
    await _add_to_total(session, proposal_id, units, 1)
    await session.flush()
    if target is not None:
        await check_moq(session, handoff=target, now=now)
    await _reweight(session, campaign=campaign, member=member, now=now, secret=secret)
    return row


async def cancel_pledge(
    session: AsyncSession, *, member: Member, pledge_id: int, now: datetime, secret: str
) -> Pledge:
    """Cancel one's own pledge, unless the product reached its moq (``Locked``)."""
    row = await session.scalar(select(Pledge).where(Pledge.id == pledge_id).with_for_update())
    if row is None:
        raise NotFound("No such pledge.", field=["pledgeId"])
    if row.member_id != member.id:
        raise Forbidden("You can cancel only your own pledges.")
    if row.status != PledgeStatus.ACTIVE:
        raise InvalidInput("This pledge is already cancelled.", field=["pledgeId"])
    handoffs = await lock_campaign_handoffs(session, row.campaign_id)
    if any(
        h.proposal_id == row.proposal_id
        and h.moq_reached_at is not None
        and h.status != HandoffStatus.CANCELLED  # a cancelled order releases its pledges
        for h in handoffs
    ):
        raise Locked("The minimum order is reached: pledges are locked for production.")
    row.status = PledgeStatus.CANCELLED
    row.cancelled_at = now
    await _add_to_total(session, row.proposal_id, -row.units, -1)
    await session.flush()
    campaign = await session.get(Campaign, row.campaign_id)
    assert campaign is not None
    await _reweight(session, campaign=campaign, member=member, now=now, secret=secret)
    return row
