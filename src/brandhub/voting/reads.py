"""Live standings from the slotted tallies (never from the votes), results, a voter's votes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign, Proposal, ProposalStatus
from brandhub.voting import counters, methods
from brandhub.voting.methods import Tally
from brandhub.voting.models import Ballot, CampaignResultRow, VelocityFlag, Vote
from brandhub.voting.ranking import RankOrder, ranking_key

LISTED = (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED, ProposalStatus.WINNER)


@dataclass(frozen=True)
class Standing:
    """A proposal's live place: rank under the order, tally and score."""

    rank: int
    proposal_id: int
    tally: Tally
    score: float


def campaign_sums(tallies: dict[int, Tally]) -> tuple[float, float]:
    """Σ weight and Σ weight·value over a campaign (the SCORE prior)."""
    return (
        sum(t.weight_sum for t in tallies.values()),
        sum(t.value_sum for t in tallies.values()),
    )


async def standings(
    session: AsyncSession, campaign: Campaign, *, order: RankOrder, now: datetime
) -> list[Standing]:
    """Every listed proposal of the campaign, best first under ``order``."""
    assert campaign.id is not None
    rules = rules_of(campaign)
    proposals = (
        await session.execute(
            select(Proposal.id, Proposal.created_at).where(
                Proposal.campaign_id == campaign.id, Proposal.status.in_(LISTED)
            )
        )
    ).all()
    tallies = await counters.proposal_tallies(session, campaign_id=campaign.id)
    weight_sum, value_sum = campaign_sums(tallies)
    scored = []
    for pid, created_at in proposals:
        tally = tallies.get(pid, Tally())
        score = methods.score(
            rules.method, tally, weight_sum, value_sum, rules.score_prior_strength
        )
        key = ranking_key(
            order,
            score=score,
            created_at=created_at,
            first_revision_at=created_at,
            proposal_id=pid,
            now=now,
        )
        scored.append((key, pid, tally, score))
    scored.sort(key=lambda item: item[0])
    return [
        Standing(rank, pid, tally, score) for rank, (_, pid, tally, score) in enumerate(scored, 1)
    ]


async def stored_result(session: AsyncSession, campaign_id: int) -> CampaignResultRow | None:
    """The result stored when the campaign closed."""
    return await session.get(CampaignResultRow, campaign_id)


async def votes_of(session: AsyncSession, *, campaign_id: int, voter_id: int) -> Sequence[Vote]:
    """A voter's current votes in a campaign."""
    return (
        await session.scalars(
            select(Vote)
            .where(Vote.campaign_id == campaign_id, Vote.voter_id == voter_id)
            .order_by(Vote.proposal_id)
        )
    ).all()


async def ballot_of(session: AsyncSession, *, campaign_id: int, voter_id: int) -> Ballot | None:
    """A voter's current ranked ballot."""
    return await session.scalar(
        select(Ballot).where(Ballot.campaign_id == campaign_id, Ballot.voter_id == voter_id)
    )


async def velocity_flags(session: AsyncSession, campaign_id: int) -> Sequence[VelocityFlag]:
    """Bursts of new-account votes raised in a campaign, newest first."""
    return (
        await session.scalars(
            select(VelocityFlag)
            .where(VelocityFlag.campaign_id == campaign_id)
            .order_by(VelocityFlag.raised_at.desc(), VelocityFlag.id.desc())
        )
    ).all()
