"""Voting mutations: castVote, retractVote, castBallot, closeCampaign."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.ladder.tasks import after_vote
from brandhub.schema.community.inputs import CampaignIdInput
from brandhub.schema.community.mutations import CampaignPayload
from brandhub.schema.community.types import CampaignType
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError
from brandhub.schema.payloads import perform
from brandhub.schema.relay import require_pk
from brandhub.schema.voting.inputs import CastBallotInput, CastVoteInput, RetractVoteInput
from brandhub.schema.voting.live import announce
from brandhub.schema.voting.types import BallotType, TallyType, VoteReceiptType, VoteType
from brandhub.voting import closing, service


@strawberry.type
class VotePayload:
    vote: VoteType | None = None
    tally: TallyType | None = strawberry.field(
        default=None, description="The proposal's tally after this change."
    )
    receipt: VoteReceiptType | None = strawberry.field(
        default=None, description="Your receipt for this change (its event in your chain)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BallotPayload:
    ballot: BallotType | None = None
    receipt: VoteReceiptType | None = strawberry.field(
        default=None, description="Your receipt for this change (its event in your chain)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


def _vote_payload(result: service.VoteResult | None, errors: list[UserError]) -> VotePayload:
    if result is None:
        return VotePayload(errors=errors)
    vote = result.vote
    return VotePayload(
        vote=VoteType(value=vote.value, weight=vote.weight, pending=vote.pending) if vote else None,
        tally=TallyType.of(result.tally, result.score),
        receipt=VoteReceiptType.of(result.receipt),
    )


@strawberry.type
class VotingMutation:
    @strawberry.mutation(description="Vote on a proposal; a second vote replaces the first.")
    async def cast_vote(self, info: Info[Context, None], input: CastVoteInput) -> VotePayload:
        async def work(session):
            return await service.cast_vote(
                session,
                voter=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                value=input.value,
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        result, errors = await perform(info, work)
        if result is not None:
            await after_vote(
                info.context.db,
                campaign_id=result.campaign_id,
                proposal_id=result.proposal_id,
                supporters=result.score,
                now=info.context.now(),
            )
            await announce(info.context.state, campaign_id=result.campaign_id)
        return _vote_payload(result, errors)

    @strawberry.mutation(description="Take back your vote on a proposal.")
    async def retract_vote(self, info: Info[Context, None], input: RetractVoteInput) -> VotePayload:
        async def work(session):
            return await service.retract_vote(
                session,
                voter=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        result, errors = await perform(info, work)
        if result is not None:
            await after_vote(
                info.context.db,
                campaign_id=result.campaign_id,
                proposal_id=result.proposal_id,
                supporters=result.score,
                now=info.context.now(),
            )
            await announce(info.context.state, campaign_id=result.campaign_id)
        return _vote_payload(result, errors)

    @strawberry.mutation(
        description="Rank proposals (RANKED campaigns); a new ballot replaces the old."
    )
    async def cast_ballot(self, info: Info[Context, None], input: CastBallotInput) -> BallotPayload:
        campaign_id = 0

        async def work(session):
            nonlocal campaign_id
            campaign_id = require_pk(input.campaign_id, "Campaign", "campaignId")
            ranking = [
                require_pk(pid, "Proposal", f"ranking.{i}") for i, pid in enumerate(input.ranking)
            ]
            return await service.cast_ballot(
                session,
                voter=await info.context.member(session),
                campaign_id=campaign_id,
                ranking=ranking,
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        result, errors = await perform(info, work)
        if errors or result is None:
            return BallotPayload(errors=errors)
        await announce(info.context.state, campaign_id=campaign_id)
        ballot, receipt = result.ballot, VoteReceiptType.of(result.receipt)
        if ballot is None:
            return BallotPayload(receipt=receipt)
        return BallotPayload(
            ballot=BallotType(
                weight=ballot.weight,
                pending=ballot.pending,
                cast_at=ballot.cast_at,
                proposal_ids=list(ballot.ranking),
            ),
            receipt=receipt,
        )

    @strawberry.mutation(
        description="VOTING → CLOSED (brand owners): results, winner, the signed seal, handoffs."
    )
    async def close_campaign(
        self, info: Info[Context, None], input: CampaignIdInput
    ) -> CampaignPayload:
        async def work(session):
            return await closing.close_campaign(
                session,
                actor=await info.context.member(session),
                campaign_id=require_pk(input.campaign_id, "Campaign", "campaignId"),
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        row, errors = await perform(info, work)
        if row is not None:
            await announce(info.context.state, campaign_id=row.id)
        return CampaignPayload(campaign=CampaignType.from_row(row) if row else None, errors=errors)
