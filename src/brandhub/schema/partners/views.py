"""Who sees which partner data through the shared types (Partner, Campaign, Proposal)."""

from __future__ import annotations

from strawberry.types import Info

from brandhub.community.models import Campaign, LabelMode, Proposal, Role
from brandhub.partners import pledges, reads
from brandhub.partners.models import HandoffStatus, Partner
from brandhub.schema.community.types import viewer_id
from brandhub.schema.context import Context
from brandhub.schema.errors import forbidden, unauthenticated
from brandhub.schema.partners import loaders
from brandhub.schema.partners.types import (
    DemandType,
    HandoffType,
    PledgeType,
    PriceTierType,
    viewer_ids,
)
from brandhub.schema.relay import Connection, connection, page


async def manages(info: Info[Context, None], partner: Partner) -> bool:
    """True when the caller is the partner itself or its admin member."""
    member_id, partner_id = await viewer_ids(info)
    if partner_id is not None:
        return partner_id == partner.id
    return member_id is not None and member_id == partner.admin_id


async def partner_handoffs(
    info: Info[Context, None],
    partner_pk: int,
    status: HandoffStatus | None,
    first: int | None,
    after: str | None,
) -> Connection[HandoffType]:
    """``Partner.handoffs``: the partner's own, for the partner itself only."""
    p = page(first, after)
    _, partner_id = await viewer_ids(info)
    if partner_id is None:
        raise unauthenticated("Authenticate with the partner's API key to read its handoffs.")
    if partner_id != partner_pk:
        raise forbidden("A partner sees only its own handoffs.")
    async with info.context.db.read() as session:
        rows = await reads.handoffs(
            session,
            partner_id=partner_pk,
            status=HandoffStatus(status.value) if status else None,
            offset=p.offset,
            limit=p.limit,
        )
    return connection(rows, p, HandoffType.from_row)


async def campaign_handoffs(
    info: Info[Context, None], campaign_pk: int, brand_pk: int, first: int | None, after: str | None
) -> Connection[HandoffType]:
    """``Campaign.handoffs``: all for the brand's owners, its own for a partner, else refused."""
    p = page(first, after)
    member_id, partner_id = await viewer_ids(info)
    if member_id is None and partner_id is None:
        raise unauthenticated("Sign in as an owner of the brand to read its handoffs.")
    if partner_id is None:
        role = await info.context.loaders.role.load((brand_pk, member_id))
        if role != Role.OWNER:
            raise forbidden("Only the brand's owners see its campaigns' handoffs.")
    async with info.context.db.read() as session:
        rows = await reads.handoffs(
            session, campaign_id=campaign_pk, partner_id=partner_id, offset=p.offset, limit=p.limit
        )
    return connection(rows, p, HandoffType.from_row)


async def proposal_pledged_units(info: Info[Context, None], proposal_pk: int) -> int:
    """``Proposal.pledgedUnits``: the counter, through the per-request loader."""
    from brandhub.schema.partners.loaders import pledged_units

    return await pledged_units(info.context).load(proposal_pk)


async def campaign_powered_by(info: Info[Context, None], campaign: Campaign) -> str | None:
    """``Campaign.poweredBy``: the chosen partner's label, in GREY label mode only."""
    brand = await info.context.loaders.brand.load(campaign.brand_id)
    if brand is None or brand.label_mode != LabelMode.GREY:
        return None
    assert campaign.id is not None
    async with info.context.db.read() as session:
        handoff = await reads.chosen_handoff(session, campaign.id)
    if handoff is None:
        return None
    partner = await loaders.partner(info.context).load(handoff.partner_id)
    return partner.powered_by_label if partner else None


async def proposal_demand(info: Info[Context, None], proposal: Proposal) -> DemandType:
    """``Proposal.demand``: pledged units, priced by the accepted quote of this proposal."""
    assert proposal.id is not None
    pledged = await loaders.pledged_units(info.context).load(proposal.id)
    async with info.context.db.read() as session:
        handoff = await reads.chosen_handoff(session, proposal.campaign_id)
    if handoff is None or handoff.proposal_id != proposal.id:
        return DemandType(
            pledged_units=pledged,
            currency=None,
            unit_price=None,
            next_tier=None,
            moq=None,
            moq_reached=False,
        )
    d = pledges.demand_of(handoff, pledged)
    tier = d.next_tier
    return DemandType(
        pledged_units=d.pledged_units,
        currency=d.currency,
        unit_price=d.unit_price,
        next_tier=PriceTierType(min_units=tier.min_units, unit_price=tier.unit_price)
        if tier
        else None,
        moq=d.moq,
        moq_reached=d.moq_reached,
    )


async def viewer_pledges(info: Info[Context, None], proposal_pk: int) -> list[PledgeType]:
    """``Proposal.viewerPledges``: the signed-in member's active pledges on it."""
    member_id = await viewer_id(info)
    if member_id is None:
        return []
    async with info.context.db.read() as session:
        rows = await reads.pledges_of(session, proposal_id=proposal_pk, member_id=member_id)
    return [PledgeType.from_row(row) for row in rows]
