"""What the recount checks of a ladder: every recorded stage crossing is justified by the
supports the vote chains hold at its time, and each climb's stages and deadline add up.

The count at a crossing's time is ``ladder.crossings``'s, shared with ``brandhub verify``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from itertools import groupby

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign
from brandhub.ladder import events
from brandhub.ladder.crossings import Crossing, CrossingCheck
from brandhub.ladder.models import LadderEvent, LadderProposal, LadderStatus
from brandhub.ladder.rules import Ladder
from brandhub.ladder.service import ladder_of
from brandhub.voting import scoring
from brandhub.voting.models import VoteEvent


def _check_climb(
    ladder: Ladder, climb: LadderProposal, crossings: list[LadderEvent], where: str
) -> list[str]:
    problems: list[str] = []  # the crossings' order and support: CrossingCheck
    if climb.stage != len(crossings):
        problems.append(f"{where}: at stage {climb.stage} but {len(crossings)} crossings recorded")
    expected = climb.started_at + timedelta(days=ladder.initial_days)
    for stage in ladder.stages[: min(climb.stage, ladder.last)]:
        expected += timedelta(days=stage.extension_days or 0)
    if climb.deadline != expected:
        problems.append(f"{where}: deadline {climb.deadline} but its stages give {expected}")
    in_review = climb.stage == ladder.last
    if in_review and climb.status in (LadderStatus.CLIMBING, LadderStatus.EXPIRED):
        problems.append(f"{where}: reached the last stage but is {climb.status}")
    if not in_review and climb.status in (
        LadderStatus.REVIEW,
        LadderStatus.APPROVED,
        LadderStatus.DECLINED,
    ):
        problems.append(f"{where}: {climb.status} below the last stage")
    return problems


async def check_ladder(session: AsyncSession, campaign: Campaign) -> list[str]:
    """Differences between the ladder's recorded climbs and the vote chains (none: [])."""
    assert campaign.id is not None
    ladder = await ladder_of(session, campaign.id)
    if ladder is None:
        return []
    climbs = (
        await session.scalars(
            select(LadderProposal)
            .where(LadderProposal.campaign_id == campaign.id)
            .order_by(LadderProposal.proposal_id)
        )
    ).all()
    crossings: dict[int, list[LadderEvent]] = defaultdict(list)
    for event in await session.scalars(
        select(LadderEvent)
        .where(LadderEvent.campaign_id == campaign.id, LadderEvent.type == events.STAGE_REACHED)
        .order_by(LadderEvent.proposal_id, LadderEvent.sequence)
    ):
        crossings[event.proposal_id].append(event)
    share = scoring.voter_share(rules_of(campaign))
    check = CrossingCheck(
        ladder,
        [
            Crossing(proposal, event.stage, event.at)
            for proposal, found in crossings.items()
            for event in found
        ],
        share,
    )
    if crossings:
        rows = await session.execute(
            select(VoteEvent.voter_id, VoteEvent.at, VoteEvent.payload)
            .where(VoteEvent.campaign_id == campaign.id)
            .order_by(VoteEvent.voter_id, VoteEvent.seq)
        )
        for _, chain in groupby(rows, key=lambda row: row[0]):
            check.add_chain((at, payload) for _, at, payload in chain)
    problems: list[str] = []
    for climb in climbs:
        where = f"ladder of proposal {climb.proposal_id}"
        problems.extend(_check_climb(ladder, climb, crossings.get(climb.proposal_id, []), where))
    return problems + check.problems()
