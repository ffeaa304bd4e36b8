"""Ladder mutations: setCampaignLadder, approveLadderProposal, declineLadderProposal."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.ladder import service
from brandhub.schema.community.mutations import CampaignPayload, ProposalPayload
from brandhub.schema.community.types import CampaignType, ProposalType
from brandhub.schema.context import Context
from brandhub.schema.ladder.inputs import (
    DeclineLadderProposalInput,
    LadderProposalInput,
    SetCampaignLadderInput,
)
from brandhub.schema.payloads import perform
from brandhub.schema.relay import require_pk


@strawberry.type
class LadderMutation:
    @strawberry.mutation(
        description="Run a campaign as a support ladder (brand owners, before voting opens)."
    )
    async def set_campaign_ladder(
        self, info: Info[Context, None], input: SetCampaignLadderInput
    ) -> CampaignPayload:
        async def work(session):
            return await service.set_ladder(
                session,
                actor=await info.context.member(session),
                campaign_id=require_pk(input.campaign_id, "Campaign", "campaignId"),
                initial_days=input.ladder.initial_days,
                stages=input.ladder.to_stages(),
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return CampaignPayload(campaign=CampaignType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Brand owners: approve a proposal in review; it wins and is handed off."
    )
    async def approve_ladder_proposal(
        self, info: Info[Context, None], input: LadderProposalInput
    ) -> ProposalPayload:
        async def work(session):
            return await service.approve(
                session,
                actor=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return ProposalPayload(proposal=ProposalType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Brand owners: decline a proposal in review, with a reason.")
    async def decline_ladder_proposal(
        self, info: Info[Context, None], input: DeclineLadderProposalInput
    ) -> ProposalPayload:
        async def work(session):
            return await service.decline(
                session,
                actor=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                reason=input.reason,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return ProposalPayload(proposal=ProposalType.from_row(row) if row else None, errors=errors)
