"""Resolvers of the ladder's fields on Campaign and Proposal (reads only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from strawberry.types import Info

from brandhub.community.models import Campaign
from brandhub.ladder import service
from brandhub.ladder.models import LadderEvent, LadderProposal, LadderStatus
from brandhub.ladder.rules import next_threshold
from brandhub.schema.context import Context
from brandhub.schema.ladder.types import LadderEventType, LadderType, ProposalLadderType

if TYPE_CHECKING:
    from brandhub.schema.community.types import ProposalType


async def campaign_ladder(info: Info[Context, None], campaign_id: int) -> LadderType | None:
    async with info.context.db.read() as session:
        ladder = await service.ladder_of(session, campaign_id)
    return LadderType.of(ladder, campaign_id) if ladder else None


async def review_queue(info: Info[Context, None], campaign_id: int) -> list[ProposalType]:
    from brandhub.schema.community.types import visible_proposal

    async with info.context.db.read() as session:
        ids = (
            await session.scalars(
                select(LadderProposal.proposal_id)
                .where(
                    LadderProposal.campaign_id == campaign_id,
                    LadderProposal.status == LadderStatus.REVIEW,
                )
                .order_by(LadderProposal.updated_at, LadderProposal.proposal_id)
            )
        ).all()
    found = [await visible_proposal(info, pk) for pk in ids]
    return [p for p in found if p is not None]


async def proposal_ladder(
    info: Info[Context, None], campaign: Campaign, proposal_id: int
) -> ProposalLadderType | None:
    assert campaign.id is not None
    async with info.context.db.read() as session:
        ladder = await service.ladder_of(session, campaign.id)
        climb = await session.get(LadderProposal, proposal_id)
        if ladder is None or climb is None:
            return None
        supporters = await service.supporters_of(session, campaign, proposal_id)
    return ProposalLadderType(
        stage=climb.stage,
        last_stage=ladder.last,
        supporters=float(supporters),
        next_threshold=next_threshold(ladder, climb.stage),
        deadline=climb.deadline,
        status=climb.status,
        started_at=climb.started_at,
        reviewed_at=climb.reviewed_at,
        decline_reason=climb.decline_reason,
        proposal_pk=proposal_id,
    )


async def ladder_events(info: Info[Context, None], proposal_id: int) -> list[LadderEventType]:
    async with info.context.db.read() as session:
        rows = (
            await session.scalars(
                select(LadderEvent)
                .where(LadderEvent.proposal_id == proposal_id)
                .order_by(LadderEvent.sequence)
            )
        ).all()
    return [LadderEventType.from_row(r) for r in rows]
