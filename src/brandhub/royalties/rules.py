"""Royalty rules: set by a campaign's owner until voting opens, frozen with each handoff.

The authors' percentage is shared equally by the winning proposal's credited authors: its
author, then the authors of the proposals it was forked from (``Proposal.credit_ids``, each
once, in that order). The list is frozen with the rules, so later changes to the campaign or
the proposal never change what a handoff pays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.errors import InvalidPhase
from brandhub.community.models import Campaign, Phase, Proposal, Role
from brandhub.community.permissions import require_role
from brandhub.errors import DomainError, ManyErrors
from brandhub.royalties.allocation import check_percentages
from brandhub.royalties.models import HandoffRoyalties, RoyaltyRules

OPEN_PHASES = (Phase.DRAFT, Phase.SUBMISSIONS)


@dataclass(frozen=True)
class Percentages:
    """Royalty percentages of net revenue, as exact decimals."""

    brand: Decimal
    authors: Decimal


def _under(error: DomainError, prefix: Sequence[str]) -> DomainError:
    """The same error with its field inside ``prefix`` (e.g. createCampaign's royalties)."""
    if isinstance(error, ManyErrors):
        return ManyErrors([_under(e, prefix) for e in error.errors])
    return type(error)(error.message, field=[*prefix, *(error.field or [])])


async def put_rules(
    session: AsyncSession,
    *,
    campaign: Campaign,
    rules: Percentages,
    now: datetime,
    field: Sequence[str] = (),
) -> RoyaltyRules:
    """Validate and store a campaign's rules (the caller checked who and the phase)."""
    try:
        brand, authors = check_percentages(rules.brand, rules.authors)
    except DomainError as error:
        raise _under(error, field) from None
    assert campaign.id is not None
    row = await session.get(RoyaltyRules, campaign.id)
    if row is None:
        row = RoyaltyRules(campaign_id=campaign.id, brand_percent="0", authors_percent="0")
        session.add(row)
    row.brand_percent, row.authors_percent, row.updated_at = str(brand), str(authors), now
    await session.flush()
    return row


async def set_rules(
    session: AsyncSession, *, actor: Member, campaign_id: int, rules: Percentages, now: datetime
) -> Campaign:
    """A brand owner sets a campaign's royalty rules, refused once voting has opened."""
    from brandhub.community.campaigns import get_campaign

    assert actor.id is not None
    # FOR KEY SHARE: a phase change in flight finishes first, and waits for this one.
    campaign = await get_campaign(session, campaign_id, share=True)
    await require_role(
        session,
        brand_id=campaign.brand_id,
        member_id=actor.id,
        roles=(Role.OWNER,),
        doing="set a campaign's royalty rules",
    )
    if campaign.phase not in OPEN_PHASES:
        raise InvalidPhase(
            f"Royalty rules are set before voting opens; this campaign is {campaign.phase}.",
            field=["campaignId"],
        )
    await put_rules(session, campaign=campaign, rules=rules, now=now)
    return campaign


def credited_authors(proposal: Proposal) -> list[int]:
    """Who shares the authors' royalties: the author, then the forked-from authors, once each."""
    return list(dict.fromkeys([proposal.author_id, *proposal.credit_ids]))


async def freeze_rules(
    session: AsyncSession, *, handoff_id: int, campaign_id: int, winner: Proposal, now: datetime
) -> HandoffRoyalties | None:
    """Copy the campaign's rules and the winner's credited authors onto a new handoff."""
    rules = await session.get(RoyaltyRules, campaign_id)
    if rules is None:
        return None
    frozen = HandoffRoyalties(
        handoff_id=handoff_id,
        brand_percent=rules.brand_percent,
        authors_percent=rules.authors_percent,
        author_ids=credited_authors(winner),
        frozen_at=now,
    )
    session.add(frozen)
    return frozen


def royalty_terms(frozen: HandoffRoyalties | None) -> dict[str, Any] | None:
    """The frozen rules as the handoff.received webhook tells the partner (null: none)."""
    if frozen is None:
        return None
    from brandhub.partners.events import global_id

    return {
        "brandPercent": frozen.brand_percent,
        "authorsPercent": frozen.authors_percent,
        "authorSplit": "EQUAL",
        "authorIds": [global_id("Member", pk) for pk in frozen.author_ids],
    }
