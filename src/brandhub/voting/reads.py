"""Live standings from the slotted counters (never from the votes), results, a voter's votes.

The TOP order of APPROVAL, SCORE and QUADRATIC campaigns is computed by the same exact
functions as the result at close (``ranking.rank_results``), ``maxVoterShare`` included, so
the live board ranks exactly as closing now would. RANKED campaigns show a Borda-style
indicator live; their result is Schulze.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign, Proposal
from brandhub.voting import counters, ranking, scoring
from brandhub.voting.counters import LISTED
from brandhub.voting.methods import Tally, VotingMethod, VotingRules
from brandhub.voting.models import Ballot, CampaignResultRow, VelocityFlag, Vote
from brandhub.voting.ranking import RankOrder, ranking_key
from brandhub.voting.results import tiebreak_of
from brandhub.voting.scoring import Support


@dataclass(frozen=True)
class Standing:
    """A proposal's live place: rank under the order, tally, exact score, tied or not."""

    rank: int
    proposal_id: int
    tally: Tally
    score: Fraction
    tied: bool = False


@dataclass(frozen=True)
class Board:
    """A campaign's live TOP ranking, and how to score a proposal outside it."""

    rules: VotingRules
    entries: list[ranking.RankedEntry]
    tallies: dict[int, Tally]
    created: dict[int, datetime]
    prior: Fraction = Fraction(0)
    scores: dict[int, Fraction] = field(default_factory=dict)

    def score_of(self, proposal_id: int, tally: Tally) -> Fraction:
        """A proposal's live score (listed: as ranked; withdrawn: against the same prior)."""
        if proposal_id in self.scores:
            return self.scores[proposal_id]
        support = Support.of_tally(tally)
        return scoring.score_of(
            self.rules.method,
            Fraction(support.weight),
            Fraction(support.value),
            prior_mean=self.prior,
            prior_strength=scoring.exact_decimal(self.rules.score_prior_strength),
        )


def live_ranking(
    rules: VotingRules,
    supports: dict[int, Support],
    tiebreak: dict[int, tuple[str]],
) -> list[ranking.RankedEntry]:
    """The live TOP ranking: the result's ranking, or the Borda indicator for RANKED."""
    if rules.method is VotingMethod.RANKED:
        exact = {pid: Fraction(s.value, scoring.QUANTA_PER_WEIGHT) for pid, s in supports.items()}
        order = sorted(exact, key=lambda pid: (-exact[pid], tiebreak[pid], pid))
        return ranking.entries(order, exact)
    return ranking.rank_results(
        rules.method,
        supports,
        prior_strength=rules.score_prior_strength,
        max_voter_share=rules.max_voter_share,
        tiebreak=tiebreak,
    )


async def board(session: AsyncSession, campaign: Campaign) -> Board:
    """The campaign's live board from its counters: two or three aggregate reads."""
    assert campaign.id is not None
    rules = rules_of(campaign)
    created = {
        pid: at
        for pid, at in await session.execute(
            select(Proposal.id, Proposal.created_at).where(
                Proposal.campaign_id == campaign.id, Proposal.status.in_(LISTED)
            )
        )
    }
    tallies = await counters.proposal_tallies(session, campaign_id=campaign.id)
    capped = rules.max_voter_share is not None and rules.method is not VotingMethod.RANKED
    bins = await counters.proposal_bins(session, campaign.id) if capped else {}
    supports = {pid: Support.of_tally(tallies.get(pid, Tally()), bins.get(pid)) for pid in created}
    entries = live_ranking(rules, supports, tiebreak_of(created))
    prior = Fraction(0)
    if rules.method is VotingMethod.SCORE:
        share = scoring.exact_decimal(rules.max_voter_share) if capped else None
        prior = scoring.prior(scoring.capped(s, share) for s in supports.values())
    return Board(
        rules,
        entries,
        {pid: tallies.get(pid, Tally()) for pid in created},
        created,
        prior,
        {e.proposal_id: e.score for e in entries},
    )


async def standings(
    session: AsyncSession, campaign: Campaign, *, order: RankOrder, now: datetime
) -> list[Standing]:
    """Every listed proposal of the campaign, best first under ``order``."""
    live = await board(session, campaign)
    if order is RankOrder.TOP:
        return [
            Standing(e.rank, e.proposal_id, live.tallies[e.proposal_id], e.score, e.tied)
            for e in live.entries
        ]
    keyed = sorted(
        live.entries,
        key=lambda e: ranking_key(
            order,
            score=float(e.score),
            created_at=live.created[e.proposal_id],
            first_revision_at=live.created[e.proposal_id],
            proposal_id=e.proposal_id,
            now=now,
        ),
    )
    return [
        Standing(rank, e.proposal_id, live.tallies[e.proposal_id], e.score)
        for rank, e in enumerate(keyed, 1)
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
