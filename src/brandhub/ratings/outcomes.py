"""Reputation from the database: gather each member's outcomes, compute, store the score.

``recompute`` runs in the transaction of every outcome event (a product reaching production,
a rating given or edited, a winning fork, a moderation action) and in the daily job (decay).
It writes ``member.reputation``, the integer ``REPUTATION`` weighting reads when a vote is
cast; votes already cast keep the weight stored on them, so recounts never change.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from brandhub.auth.models import Member
from brandhub.community.models import Campaign, Comment, ModerationAction, Proposal, ProposalStatus
from brandhub.partners.models import Handoff, HandoffEvent
from brandhub.ratings import reputation
from brandhub.ratings.models import ProductRating
from brandhub.ratings.reputation import Outcome, Reputation

BATCH = 500


def _production_query():
    return (
        select(Proposal.author_id, func.min(HandoffEvent.at))
        .join(Handoff, Handoff.proposal_id == Proposal.id)
        .join(HandoffEvent, HandoffEvent.handoff_id == Handoff.id)
        .where(HandoffEvent.type == "handoff.in_production")
        .group_by(Proposal.id, Proposal.author_id)
    )


def _ratings_query():
    # An author's own rating of their product earns them nothing.
    return (
        select(Proposal.author_id, ProductRating.stars, ProductRating.updated_at)
        .join(Proposal, Proposal.id == ProductRating.proposal_id)
        .where(ProductRating.member_id != Proposal.author_id)
    )


def _fork_wins_query():
    """(author of the forked proposal, query of (that author, time the fork won))."""
    parent = aliased(Proposal)
    query = (
        select(parent.author_id, Campaign.phase_changed_at)
        .select_from(Proposal)
        .join(parent, parent.id == Proposal.forked_from_id)
        .join(Campaign, Campaign.id == Proposal.campaign_id)
        .where(Proposal.status == ProposalStatus.WINNER, Proposal.author_id != parent.author_id)
    )
    return parent.author_id, query


def _moderation_queries():
    act = ModerationAction
    columns = (act.target_type, act.target_id, act.action, act.at, act.id)
    return (
        (
            Proposal.author_id,
            select(Proposal.author_id, *columns).join(
                Proposal, (act.target_type == "PROPOSAL") & (Proposal.id == act.target_id)
            ),
        ),
        (
            Comment.author_id,
            select(Comment.author_id, *columns).join(
                Comment, (act.target_type == "COMMENT") & (Comment.id == act.target_id)
            ),
        ),
        (
            ProductRating.member_id,
            select(ProductRating.member_id, *columns).join(
                ProductRating,
                (act.target_type == "RATING") & (ProductRating.id == act.target_id),
            ),
        ),
    )


async def outcomes_of(
    session: AsyncSession, member_ids: Collection[int]
) -> dict[int, list[Outcome]]:
    """Every outcome of each member's work."""
    found: dict[int, list[Outcome]] = {pk: [] for pk in member_ids}
    if not member_ids:
        return found
    ids = list(member_ids)
    for author, at in await session.execute(_production_query().where(Proposal.author_id.in_(ids))):
        found[author].append(reputation.production(at))
    for author, stars, at in await session.execute(
        _ratings_query().where(Proposal.author_id.in_(ids))
    ):
        found[author].append(reputation.rating(stars, at))
    parent_author, fork_wins = _fork_wins_query()
    for author, at in await session.execute(fork_wins.where(parent_author.in_(ids))):
        found[author].append(reputation.fork_win(at))
    actions: dict[int, list[tuple[str, int, str, datetime, int]]] = {}
    for owner_column, query in _moderation_queries():
        for owner, *row in await session.execute(query.where(owner_column.in_(ids))):
            actions.setdefault(owner, []).append(tuple(row))  # type: ignore[arg-type]
    for owner, rows in actions.items():
        rows.sort(key=lambda r: (r[3], r[4]))
        found[owner].extend(
            reputation.moderation(at) for at in reputation.standing_hides(r[:4] for r in rows)
        )
    return found


async def recompute(
    session: AsyncSession, member_ids: Iterable[int | None], *, now: datetime
) -> dict[int, Reputation]:
    """Compute the members' reputations at ``now`` and store each score on the member."""
    ids = sorted({pk for pk in member_ids if pk is not None})
    computed: dict[int, Reputation] = {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        outcomes = await outcomes_of(session, batch)
        members = await session.scalars(select(Member).where(Member.id.in_(batch)))
        for member in members:
            assert member.id is not None
            computed[member.id] = reputation.reputation(outcomes[member.id], now)
            if member.reputation != computed[member.id].score:
                member.reputation = computed[member.id].score
    await session.flush()
    return computed


async def members_with_outcomes(session: AsyncSession) -> set[int]:
    """Every member whose reputation may be non-zero: the daily job's work list."""
    members = set(await session.scalars(select(Member.id).where(Member.reputation != 0)))
    members.update(await session.scalars(_production_query().with_only_columns(Proposal.author_id)))
    members.update(await session.scalars(_ratings_query().with_only_columns(Proposal.author_id)))
    parent_author, fork_wins = _fork_wins_query()
    members.update(await session.scalars(fork_wins.with_only_columns(parent_author)))
    for owner_column, query in _moderation_queries():
        members.update(await session.scalars(query.with_only_columns(owner_column)))
    return members


async def reputation_after_fork_win(
    session: AsyncSession, winner: Proposal, *, now: datetime
) -> None:
    """A fork won its campaign: the forked proposal's author gains reputation."""
    parent_author = await session.scalar(
        select(Proposal.author_id).where(Proposal.id == winner.forked_from_id)
    )
    if parent_author is not None and parent_author != winner.author_id:
        await recompute(session, [parent_author], now=now)
