"""Verified-buyer ratings: rate a shipped product, edit the rating, moderate its review.

Only a member whose pledge on the product was fulfilled may rate it, once the handoff is
SHIPPED: 1–5 stars and an optional plain-text review, one rating per buyer (rating again edits
it). Brand moderators hide and restore reviews as they do comments: a hidden review's text is
withheld, its stars still count (hiding a bad review must not lift the product's score).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.brands import check_text
from brandhub.community.models import ModerationAction, Proposal
from brandhub.community.permissions import MODERATORS, require_role
from brandhub.errors import Forbidden, InvalidInput, NotFound
from brandhub.partners.errors import InvalidTransition
from brandhub.partners.models import Handoff, HandoffStatus, Pledge, PledgeStatus
from brandhub.ratings import outcomes
from brandhub.ratings.models import ProductRating

MAX_REVIEW_LENGTH = 2000


async def shipped_handoff(session: AsyncSession, proposal_id: int) -> Handoff | None:
    """The shipped handoff of a proposal's product, if it shipped."""
    return await session.scalar(
        select(Handoff)
        .where(Handoff.proposal_id == proposal_id, Handoff.status == HandoffStatus.SHIPPED)
        .order_by(Handoff.id)
        .limit(1)
    )


async def shipped_handoffs(
    session: AsyncSession, proposal_ids: Sequence[int]
) -> dict[int, Handoff]:
    """``shipped_handoff`` of several proposals, by proposal id (those that shipped)."""
    rows = await session.scalars(
        select(Handoff)
        .where(Handoff.proposal_id.in_(proposal_ids), Handoff.status == HandoffStatus.SHIPPED)
        .order_by(Handoff.id.desc())
    )
    return {row.proposal_id: row for row in rows}  # the lowest id wins: it comes last


async def buyer_status(session: AsyncSession, *, proposal_id: int, member_id: int) -> str:
    """NONE (no active pledge), PLEDGED (not fulfilled yet) or FULFILLED."""
    rows = (
        await session.execute(
            select(Pledge.fulfilled_at).where(
                Pledge.proposal_id == proposal_id,
                Pledge.member_id == member_id,
                Pledge.status == PledgeStatus.ACTIVE,
            )
        )
    ).all()
    if not rows:
        return "NONE"
    return "FULFILLED" if any(at is not None for (at,) in rows) else "PLEDGED"


async def _product(
    session: AsyncSession, *, handoff_id: int | None, proposal_id: int | None
) -> Handoff:
    if (handoff_id is None) == (proposal_id is None):
        raise InvalidInput("Give either handoffId or proposalId.", field=["proposalId"])
    if handoff_id is not None:
        handoff = await session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound("No such product.", field=["handoffId"])
        if handoff.status != HandoffStatus.SHIPPED:
            raise InvalidTransition("This product has not shipped yet.", field=["handoffId"])
        return handoff
    assert proposal_id is not None
    if await session.get(Proposal, proposal_id) is None:
        raise NotFound("No such proposal.", field=["proposalId"])
    handoff = await shipped_handoff(session, proposal_id)
    if handoff is None:
        raise InvalidTransition("This product has not shipped yet.", field=["proposalId"])
    return handoff


async def rate_product(
    session: AsyncSession,
    *,
    member: Member,
    handoff_id: int | None = None,
    proposal_id: int | None = None,
    stars: int,
    review: str | None,
    now: datetime,
) -> ProductRating:
    """Rate a shipped product as a verified buyer, or edit one's rating of it."""
    assert member.id is not None
    if not 1 <= stars <= 5:
        raise InvalidInput("stars must be between 1 and 5.", field=["stars"])
    text = check_text(
        review or "", field="review", label="A review", max_length=MAX_REVIEW_LENGTH, required=False
    )
    handoff = await _product(session, handoff_id=handoff_id, proposal_id=proposal_id)
    assert handoff.id is not None
    status = await buyer_status(session, proposal_id=handoff.proposal_id, member_id=member.id)
    if status == "NONE":
        raise Forbidden("Only buyers whose pledge was fulfilled may rate this product.")
    if status == "PLEDGED":
        raise Forbidden(
            "Your pledge has not been fulfilled yet: rate the product once you have it."
        )
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ProductRating)
        .values(
            handoff_id=handoff.id,
            proposal_id=handoff.proposal_id,
            partner_id=handoff.partner_id,
            member_id=member.id,
            stars=stars,
            review=text or None,
            hidden=False,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=[ProductRating.handoff_id, ProductRating.member_id],
            set_={"stars": stars, "review": text or None, "updated_at": now},
        )
        .returning(ProductRating.id)
    )
    rating_id = (await session.execute(statement)).scalar_one()
    rating = await session.get(ProductRating, rating_id, populate_existing=True)
    assert rating is not None
    author_id = await session.scalar(
        select(Proposal.author_id).where(Proposal.id == handoff.proposal_id)
    )
    await outcomes.recompute(session, [author_id], now=now)
    return rating


async def moderate_rating(
    session: AsyncSession,
    *,
    actor: Member,
    rating_id: int,
    hide: bool,
    reason: str,
    now: datetime,
) -> ProductRating:
    """Hide or restore a rating's review (the brand's moderators and owners), with a reason."""
    assert actor.id is not None
    reason = check_text(reason, field="reason", label="Reason", max_length=1000)
    rating = await session.scalar(
        select(ProductRating).where(ProductRating.id == rating_id).with_for_update()
    )
    if rating is None:
        raise NotFound("No such rating.", field=["targetId"])
    handoff = await session.get(Handoff, rating.handoff_id)
    assert handoff is not None
    await require_role(
        session, brand_id=handoff.brand_id, member_id=actor.id, roles=MODERATORS, doing="moderate"
    )
    if rating.hidden == hide:
        state = "hidden" if rating.hidden else "visible"
        raise InvalidInput(f"This review is already {state}.", field=["targetId"])
    rating.hidden = hide
    session.add(
        ModerationAction(
            brand_id=handoff.brand_id,
            moderator_id=actor.id,
            target_type="RATING",
            target_id=rating_id,
            action="HIDE" if hide else "RESTORE",
            reason=reason,
            at=now,
        )
    )
    await session.flush()
    await outcomes.recompute(session, [rating.member_id], now=now)
    return rating
