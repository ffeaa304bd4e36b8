"""Reading ratings: a product's or a partner's summary, reviews, one buyer's rating."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.partners.models import Pledge, PledgeStatus
from brandhub.ratings.models import ProductRating
from brandhub.ratings.scores import RatingSummary, summarize


async def summary(
    session: AsyncSession, *, handoff_id: int | None = None, partner_id: int | None = None
) -> RatingSummary:
    """Distribution and averages of a product's (or every product of a partner's) ratings."""
    query = select(ProductRating.stars, func.count()).group_by(ProductRating.stars)
    if handoff_id is not None:
        query = query.where(ProductRating.handoff_id == handoff_id)
    if partner_id is not None:
        query = query.where(ProductRating.partner_id == partner_id)
    return summarize({stars: n for stars, n in await session.execute(query)})


async def summaries(
    session: AsyncSession,
    *,
    handoff_ids: Sequence[int] = (),
    partner_ids: Sequence[int] = (),
) -> dict[int, RatingSummary]:
    """``summary`` of several products (by handoff id) or partners (by partner id), keyed by
    the ids asked for (an unrated one has an empty summary)."""
    key = ProductRating.handoff_id if handoff_ids else ProductRating.partner_id
    ids = list(handoff_ids or partner_ids)
    counts: dict[int, dict[int, int]] = {i: {} for i in ids}
    rows = await session.execute(
        select(key, ProductRating.stars, func.count())
        .where(key.in_(ids))
        .group_by(key, ProductRating.stars)
    )
    for owner, stars, n in rows:
        counts[owner][stars] = n
    return {i: summarize(c) for i, c in counts.items()}


async def rated_products_of(session: AsyncSession, partner_ids: Sequence[int]) -> dict[int, int]:
    """``rated_products`` of several partners."""
    rows = await session.execute(
        select(ProductRating.partner_id, func.count(func.distinct(ProductRating.handoff_id)))
        .where(ProductRating.partner_id.in_(list(partner_ids)))
        .group_by(ProductRating.partner_id)
    )
    return {pid: int(n) for pid, n in rows}


async def rated_products(session: AsyncSession, partner_id: int) -> int:
    """How many of a partner's products have at least one rating."""
    return int(
        await session.scalar(
            select(func.count(func.distinct(ProductRating.handoff_id))).where(
                ProductRating.partner_id == partner_id
            )
        )
        or 0
    )


async def reviews(
    session: AsyncSession, handoff_id: int, *, include_hidden: bool, offset: int, limit: int
) -> Sequence[ProductRating]:
    """A product's ratings, newest edit first; hidden reviews only when ``include_hidden``."""
    query = select(ProductRating).where(ProductRating.handoff_id == handoff_id)
    if not include_hidden:
        query = query.where(ProductRating.hidden.is_(False))
    query = query.order_by(ProductRating.updated_at.desc(), ProductRating.id.desc())
    return (await session.scalars(query.offset(offset).limit(limit))).all()


async def rating_of(
    session: AsyncSession, *, handoff_id: int, member_id: int
) -> ProductRating | None:
    """One buyer's rating of a product."""
    return await session.scalar(
        select(ProductRating).where(
            ProductRating.handoff_id == handoff_id, ProductRating.member_id == member_id
        )
    )


async def active_pledges(
    session: AsyncSession, proposal_id: int, *, offset: int, limit: int
) -> Sequence[Pledge]:
    """A product's active pledges, oldest first (the partner's fulfilment list)."""
    query = (
        select(Pledge)
        .where(Pledge.proposal_id == proposal_id, Pledge.status == PledgeStatus.ACTIVE)
        .order_by(Pledge.id)
    )
    return (await session.scalars(query.offset(offset).limit(limit))).all()
