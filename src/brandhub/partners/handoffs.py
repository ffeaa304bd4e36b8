"""Handoffs: created when a campaign closes with quorum, one per invited partner; who sees them."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.models import Brand, Campaign, LabelMode, Proposal, Revision, Role
from brandhub.community.permissions import require_role, role_in
from brandhub.community.specs import spec_digest
from brandhub.community.units import metric_spec
from brandhub.errors import DomainError, InvalidInput, ManyErrors, NotFound
from brandhub.partners.events import SYSTEM, global_id, record_event
from brandhub.partners.models import CampaignPartner, Handoff, HandoffStatus, Partner
from brandhub.royalties.rules import freeze_rules, royalty_terms


def co_branding(brand_name: str, label_mode: str, powered_by_label: str) -> str:
    """The line the product ships under: GREY names the partner behind the brand, WHITE does not."""
    if LabelMode(label_mode) is LabelMode.GREY:
        return f"{brand_name} — Powered by {powered_by_label}"
    return brand_name


def snapshot(handoff: Handoff, brand: Brand) -> dict[str, Any]:
    """Everything a partner needs to quote, as sent in the ``handoff.received`` webhook."""
    return {
        "campaignId": global_id("Campaign", handoff.campaign_id),
        "proposalId": global_id("Proposal", handoff.proposal_id),
        "title": handoff.title,
        "summary": handoff.summary,
        "spec": handoff.spec,
        "specDigest": handoff.spec_digest,
        "metricSpec": metric_spec(handoff.spec),
        "revision": handoff.revision,
        "brand": {
            "id": global_id("Brand", handoff.brand_id),
            "slug": brand.slug,
            "name": brand.name,
        },
        "labelMode": handoff.label_mode,
        "coBranding": handoff.co_branding,
        "resultSummary": handoff.result_summary,
        # The campaign's signed seal: a copy held outside brandhub's database, against which
        # any later audit export can be checked (`brandhub verify FILE --seal SEAL.json`).
        "seal": handoff.seal,
    }


async def invited_partners(session: AsyncSession, campaign_id: int) -> Sequence[Partner]:
    """The partners a campaign invited, in the order given."""
    query = (
        select(Partner)
        .join(CampaignPartner, CampaignPartner.partner_id == Partner.id)
        .where(CampaignPartner.campaign_id == campaign_id)
        .order_by(CampaignPartner.position, Partner.id)
    )
    return (await session.scalars(query)).all()


async def invite_partners(
    session: AsyncSession, *, campaign_id: int, category: str, partner_ids: Sequence[int]
) -> None:
    """Record the partners a campaign invites, each named at its position when refused:
    NOT_FOUND when unknown, INVALID_INPUT when it does not make the campaign's category."""
    found = {
        partner.id: partner
        for partner in (
            await session.scalars(select(Partner).where(Partner.id.in_(partner_ids)))
        ).all()
    }
    problems: list[DomainError] = []
    for i, pk in enumerate(partner_ids):
        partner = found.get(pk)
        if partner is None:
            problems.append(NotFound("No such partner.", field=["partnerIds", i]))
        elif category not in partner.categories:
            problems.append(
                InvalidInput(
                    f'Partner "{partner.slug}" does not make "{category}" '
                    f"(its categories: {', '.join(partner.categories)}).",
                    field=["partnerIds", i],
                )
            )
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    for position, pk in enumerate(dict.fromkeys(partner_ids)):
        session.add(CampaignPartner(campaign_id=campaign_id, partner_id=pk, position=position))
    await session.flush()


async def create_handoffs(
    session: AsyncSession,
    *,
    campaign: Campaign,
    winner: Proposal,
    result_summary: dict[str, Any],
    seal: dict[str, Any] | None = None,
    now: datetime,
) -> list[Handoff]:
    """Freeze the winner's latest revision and hand it to every invited partner (RECEIVED)."""
    assert campaign.id is not None and winner.id is not None
    partners = await invited_partners(session, campaign.id)
    if not partners:
        return []
    revision = await session.scalar(
        select(Revision).where(
            Revision.proposal_id == winner.id, Revision.number == winner.revision
        )
    )
    spec = copy.deepcopy(revision.spec if revision is not None else winner.spec)
    brand = await session.get(Brand, campaign.brand_id)
    assert brand is not None
    handoffs: list[Handoff] = []
    for partner in partners:
        assert partner.id is not None
        handoff = Handoff(
            campaign_id=campaign.id,
            partner_id=partner.id,
            proposal_id=winner.id,
            brand_id=brand.id,
            revision=winner.revision,
            spec=copy.deepcopy(spec),
            spec_digest=spec_digest(spec),
            title=winner.title,
            summary=winner.summary,
            label_mode=brand.label_mode,
            co_branding=co_branding(brand.name, brand.label_mode, partner.powered_by_label),
            result_summary=copy.deepcopy(result_summary),
            seal=copy.deepcopy(seal),
            status=HandoffStatus.RECEIVED,
            created_at=now,
            updated_at=now,
        )
        session.add(handoff)
        await session.flush()
        assert handoff.id is not None
        frozen = await freeze_rules(
            session, handoff_id=handoff.id, campaign_id=campaign.id, winner=winner, now=now
        )
        await record_event(
            session,
            handoff=handoff,
            type="handoff.received",
            actor=SYSTEM,
            now=now,
            data={**snapshot(handoff, brand), "royalties": royalty_terms(frozen)},
        )
        handoffs.append(handoff)
    return handoffs


async def get_handoff(session: AsyncSession, handoff_id: int, *, lock: bool = False) -> Handoff:
    """A handoff by id, or ``NotFound``."""
    query = select(Handoff).where(Handoff.id == handoff_id)
    handoff = await session.scalar(query.with_for_update() if lock else query)
    if handoff is None:
        raise NotFound("No such handoff.", field=["handoffId"])
    return handoff


async def partner_handoff(
    session: AsyncSession, *, partner: Partner, handoff_id: int, lock: bool = False
) -> Handoff:
    """One of the partner's own handoffs; another partner's is ``NotFound`` (never revealed)."""
    handoff = await get_handoff(session, handoff_id, lock=lock)
    if handoff.partner_id != partner.id:
        raise NotFound("No such handoff.", field=["handoffId"])
    return handoff


async def owned_handoff(
    session: AsyncSession, *, member: Member, handoff_id: int, lock: bool = False
) -> Handoff:
    """A handoff of a brand the member owns, or ``Forbidden``."""
    assert member.id is not None
    handoff = await get_handoff(session, handoff_id, lock=lock)
    await require_role(
        session,
        brand_id=handoff.brand_id,
        member_id=member.id,
        roles=(Role.OWNER,),
        doing="act on its handoffs",
    )
    return handoff


async def can_see(
    session: AsyncSession, *, handoff: Handoff, member_id: int | None, partner_id: int | None
) -> bool:
    """Its partner and its brand's owners see a handoff; nobody else does."""
    if partner_id is not None:
        return handoff.partner_id == partner_id
    if member_id is None:
        return False
    return await role_in(session, brand_id=handoff.brand_id, member_id=member_id) is Role.OWNER


async def lock_campaign_handoffs(session: AsyncSession, campaign_id: int) -> list[Handoff]:
    """Every handoff of a campaign, locked in id order (one order everywhere: no deadlock)."""
    query = (
        select(Handoff)
        .where(Handoff.campaign_id == campaign_id)
        .order_by(Handoff.id)
        .with_for_update()
    )
    return list((await session.scalars(query)).all())
