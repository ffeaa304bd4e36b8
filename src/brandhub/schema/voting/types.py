"""GraphQL types of tallies, standings, results, a viewer's votes and velocity flags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from brandhub.schema.context import Context
from brandhub.voting import methods
from brandhub.voting.methods import Tally, VotingMethod

if TYPE_CHECKING:
    from brandhub.schema.community.types import ProposalType

Proposal = Annotated["ProposalType", strawberry.lazy("brandhub.schema.community.types")]


async def _proposal(info: Info[Context, None], pk: int) -> ProposalType | None:
    from brandhub.schema.community.types import visible_proposal

    return await visible_proposal(info, pk)


@strawberry.type(name="Tally", description="Live totals of a proposal, kept incrementally.")
class TallyType:
    voters: int = strawberry.field(description="Distinct voters counted (weight above 0).")
    pending: int = strawberry.field(description="Voters whose accounts are too young to count yet.")
    score: float
    weight_sum: float

    @classmethod
    def of(cls, tally: Tally, score: float) -> TallyType:
        return cls(
            voters=tally.voters, pending=tally.pending, score=score, weight_sum=tally.weight_sum
        )


async def tally_of(info: Info[Context, None], proposal_id: int) -> TallyType:
    """A proposal's live tally and score, through the request's loaders."""
    from brandhub.community.campaigns import rules_of

    proposal = await info.context.loaders.proposal.load(proposal_id)
    campaign = await info.context.loaders.campaign.load(proposal.campaign_id)
    rules = rules_of(campaign)
    tally = await info.context.loaders.tally.load(proposal_id)
    weight_sum, value_sum = (0.0, 0.0)
    if rules.method is VotingMethod.SCORE:
        weight_sum, value_sum = await info.context.loaders.campaign_sums.load(campaign.id)
    score = methods.score(rules.method, tally, weight_sum, value_sum, rules.score_prior_strength)
    return TallyType.of(tally, score)


@strawberry.type(name="RankedProposal")
class RankedProposalType:
    rank: int
    score: float
    proposal_id: strawberry.Private[int]
    tally_row: strawberry.Private[Tally | None] = None

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)

    @strawberry.field(description="Live tally (leaderboard only).")
    def tally(self) -> TallyType | None:
        return TallyType.of(self.tally_row, self.score) if self.tally_row else None


@strawberry.type(name="Results", description="The outcome stored when the campaign closed.")
class ResultsType:
    voters: int
    quorum_met: bool
    ranking: list[RankedProposalType]
    seal: str = strawberry.field(description="SHA-256 over every voter's event-chain head.")
    computed_at: datetime
    winner_id: strawberry.Private[int | None]

    @strawberry.field
    async def winner(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.winner_id) if self.winner_id else None


@strawberry.type(name="ViewerVote", description="One of the viewer's own votes.")
class ViewerVoteType:
    value: int
    weight: float
    pending: bool
    cast_at: datetime
    proposal_id: strawberry.Private[int]

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)


@strawberry.type(name="Vote")
class VoteType:
    value: int
    weight: float
    pending: bool = strawberry.field(description="True while the account is too young to count.")


@strawberry.type(name="Ballot")
class BallotType:
    weight: float
    pending: bool
    cast_at: datetime
    proposal_ids: strawberry.Private[list[int]]

    @strawberry.field(description="The proposals in order of preference.")
    async def ranking(self, info: Info[Context, None]) -> list[Proposal]:
        found = [await _proposal(info, pk) for pk in self.proposal_ids]
        return [p for p in found if p is not None]


@strawberry.type(name="VelocityFlag", description="A burst of votes from new accounts.")
class VelocityFlagType:
    new_account_votes: int
    window_start: datetime
    raised_at: datetime
    proposal_id: strawberry.Private[int]

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> Proposal | None:
        return await _proposal(info, self.proposal_id)
