"""Resolvers of the ladder's fields on Campaign and Proposal (reads only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign
from brandhub.db import Database
from brandhub.ladder import service
from brandhub.ladder.models import CampaignLadder, LadderEvent, LadderProposal, LadderStatus
from brandhub.ladder.rules import Ladder, next_threshold
from brandhub.schema.context import Context
from brandhub.schema.ladder.types import LadderEventType, LadderType, ProposalLadderType
from brandhub.schema.loaders import by_key_loader
from brandhub.voting import counters
from brandhub.voting.models import TallyBin

if TYPE_CHECKING:
    from brandhub.schema.community.types import ProposalType


async def campaign_ladder(info: Info[Context, None], campaign_id: int) -> LadderType | None:
    ladder = await info.context.loaders.get("ladder", _ladder_loader).load(campaign_id)
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
    """One proposal's climb. A board lists many proposals: each read is a DataLoader's."""
    assert campaign.id is not None
    loaders = info.context.loaders
    ladder = await loaders.get("ladder", _ladder_loader).load(campaign.id)
    climb = await loaders.get("ladder_climb", _climb_loader).load(proposal_id)
    if ladder is None or climb is None:
        return None
    tally = await loaders.tally.load(proposal_id)
    bins = None
    if counters.capped(rules_of(campaign)):
        bins = await loaders.get("tally_bins", _bins_loader).load(proposal_id)
    return ProposalLadderType(
        stage=climb.stage,
        last_stage=ladder.last,
        supporters=float(service.support_from(campaign, tally, bins)),
        next_threshold=next_threshold(ladder, climb.stage),
        deadline=climb.deadline,
        status=climb.status,
        started_at=climb.started_at,
        reviewed_at=climb.reviewed_at,
        decline_reason=climb.decline_reason,
        proposal_pk=proposal_id,
    )


def _ladder_loader(db: Database) -> DataLoader[int, Ladder | None]:
    rows = by_key_loader(db, CampaignLadder.campaign_id)

    async def load(campaign_ids: Sequence[int]) -> list[Ladder | None]:
        found = await rows.load_many(campaign_ids)
        return [Ladder.of(r.initial_days, r.stages) if r else None for r in found]

    return DataLoader(load_fn=load)


def _climb_loader(db: Database) -> DataLoader[int, LadderProposal | None]:
    return by_key_loader(db, LadderProposal.proposal_id)


def _bins_loader(db: Database) -> DataLoader[int, dict[int, tuple[int, int]] | None]:
    """Each proposal's weight histogram {quanta: (voters, Σ value)}, summed from its slots."""

    async def load(proposal_ids: Sequence[int]) -> list[dict[int, tuple[int, int]] | None]:
        async with db.read() as session:
            rows = await session.execute(
                select(
                    TallyBin.proposal_id,
                    TallyBin.quanta,
                    func.sum(TallyBin.voters),
                    func.sum(TallyBin.value_sum),
                )
                .where(TallyBin.proposal_id.in_(proposal_ids))
                .group_by(TallyBin.proposal_id, TallyBin.quanta)
            )
            bins: dict[int, dict[int, tuple[int, int]]] = {}
            for pid, quanta, voters, value_sum in rows:
                if voters:
                    bins.setdefault(pid, {})[quanta] = (int(voters), int(value_sum))
        return [bins.get(pid) for pid in proposal_ids]

    return DataLoader(load_fn=load)


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
