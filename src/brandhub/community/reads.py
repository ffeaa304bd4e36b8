"""Read queries of the community domain, built for pagination (offset, limit + 1)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.models import (
    Brand,
    Campaign,
    Comment,
    Membership,
    ModerationAction,
    Phase,
    Proposal,
    ProposalStatus,
    Revision,
)


async def brand_by_slug(session: AsyncSession, slug: str) -> Brand | None:
    """A brand by its slug."""
    return await session.scalar(select(Brand).where(Brand.slug == slug))


async def campaigns_of(
    session: AsyncSession, brand_id: int, *, include_drafts: bool, offset: int, limit: int
) -> Sequence[Campaign]:
    """A brand's campaigns, newest first."""
    query = select(Campaign).where(Campaign.brand_id == brand_id)
    if not include_drafts:
        query = query.where(Campaign.phase != Phase.DRAFT)
    query = query.order_by(Campaign.created_at.desc(), Campaign.id.desc())
    return (await session.scalars(query.offset(offset).limit(limit + 1))).all()


async def newest_proposals(
    session: AsyncSession, campaign_id: int, *, include_hidden: bool, offset: int, limit: int
) -> Sequence[Proposal]:
    """A campaign's proposals, newest first."""
    query = select(Proposal).where(Proposal.campaign_id == campaign_id)
    if not include_hidden:
        query = query.where(Proposal.status != ProposalStatus.HIDDEN)
    query = query.order_by(Proposal.created_at.desc(), Proposal.id.desc())
    return (await session.scalars(query.offset(offset).limit(limit + 1))).all()


async def revisions_of(
    session: AsyncSession, proposal_id: int, *, offset: int, limit: int
) -> Sequence[Revision]:
    """A proposal's revisions, oldest first."""
    query = (
        select(Revision)
        .where(Revision.proposal_id == proposal_id)
        .order_by(Revision.number)
        .offset(offset)
        .limit(limit + 1)
    )
    return (await session.scalars(query)).all()


async def comments_of(
    session: AsyncSession, proposal_id: int, *, include_hidden: bool, offset: int, limit: int
) -> Sequence[Comment]:
    """A proposal's comments, oldest first."""
    query = select(Comment).where(Comment.proposal_id == proposal_id)
    if not include_hidden:
        query = query.where(Comment.hidden.is_(False))
    query = query.order_by(Comment.created_at, Comment.id).offset(offset).limit(limit + 1)
    return (await session.scalars(query)).all()


async def moderation_log(
    session: AsyncSession, brand_id: int, *, offset: int, limit: int
) -> Sequence[ModerationAction]:
    """A brand's moderation actions, newest first."""
    query = (
        select(ModerationAction)
        .where(ModerationAction.brand_id == brand_id)
        .order_by(ModerationAction.at.desc(), ModerationAction.id.desc())
        .offset(offset)
        .limit(limit + 1)
    )
    return (await session.scalars(query)).all()


async def brands(session: AsyncSession, *, offset: int, limit: int) -> Sequence[Brand]:
    """Brands, the most members first, then the newest."""
    query = select(Brand).order_by(Brand.member_count.desc(), Brand.created_at.desc(), Brand.id)
    return (await session.scalars(query.offset(offset).limit(limit + 1))).all()


async def memberships_of(session: AsyncSession, member_id: int) -> Sequence[Membership]:
    """A member's memberships, the most recent first."""
    query = (
        select(Membership)
        .where(Membership.member_id == member_id)
        .order_by(Membership.joined_at.desc(), Membership.id.desc())
    )
    return (await session.scalars(query.limit(200))).all()


async def members_of(
    session: AsyncSession, brand_id: int, *, offset: int, limit: int
) -> Sequence[Membership]:
    """A brand's memberships: owners, then moderators, then members, earliest first."""
    rank = case((Membership.role == "OWNER", 0), (Membership.role == "MODERATOR", 1), else_=2)
    query = (
        select(Membership)
        .where(Membership.brand_id == brand_id)
        .order_by(rank, Membership.joined_at, Membership.id)
        .offset(offset)
        .limit(limit + 1)
    )
    return (await session.scalars(query)).all()
