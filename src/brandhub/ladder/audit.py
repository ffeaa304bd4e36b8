"""What the recount checks of a ladder: every recorded stage crossing is justified by the
supports the vote chains hold at its time, and each climb's stages and deadline add up.

The count at a crossing's time replays the chained events (cast, retract, reweight) with
``at`` at or before the crossing, with the weights they were cast with (pending: 0) and the
campaign's ``maxVoterShare`` cap: the same count the live check made.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign
from brandhub.ladder import events
from brandhub.ladder.models import LadderEvent, LadderProposal, LadderStatus
from brandhub.ladder.rules import Ladder
from brandhub.ladder.service import ladder_of
from brandhub.voting import counters, scoring
from brandhub.voting.methods import VotingMethod
from brandhub.voting.models import VoteEvent


def _support_at(
    chains: dict[int, list[tuple[datetime, dict[str, Any]]]],
    proposal_id: int,
    at: datetime,
    share: Fraction | None,
) -> Fraction:
    bins: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for log in chains.values():
        vote: tuple[int, float] | None = None
        for when, payload in log:
            if when > at:
                break
            match payload.get("type"):
                case "vote.cast" if payload.get("proposal") == proposal_id:
                    vote = (payload["value"], payload["weight"])
                case "vote.retracted" if payload.get("proposal") == proposal_id:
                    vote = None
                case "vote.reweighted" if vote is not None:
                    vote = (vote[0], payload["weight"])
        if vote is not None and scoring.quanta(vote[1]) > 0:
            q = scoring.quanta(vote[1])
            voters, values = bins[q]
            bins[q] = (voters + 1, values + vote[0])
    support = scoring.Support(
        sum(q * n for q, (n, _) in bins.items()),
        sum(q * v for q, (_, v) in bins.items()),
        dict(bins),
    )
    weight, value = scoring.capped(support, share)
    return scoring.score_of(VotingMethod.APPROVAL, weight, value)


def _check_climb(
    ladder: Ladder, climb: LadderProposal, crossings: list[LadderEvent], where: str
) -> list[str]:
    problems: list[str] = []
    stages = [e.stage for e in crossings]
    if stages != list(range(1, len(stages) + 1)):
        problems.append(f"{where}: stages crossed {stages}, not 1, 2, … each once")
    if climb.stage != len(stages):
        problems.append(f"{where}: at stage {climb.stage} but {len(stages)} crossings recorded")
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
    chains: dict[int, list[tuple[datetime, dict[str, Any]]]] = defaultdict(list)
    if crossings:
        rows = await session.execute(
            select(VoteEvent.voter_id, VoteEvent.at, VoteEvent.payload)
            .where(VoteEvent.campaign_id == campaign.id)
            .order_by(VoteEvent.voter_id, VoteEvent.seq)
        )
        for voter_id, at, payload in rows:
            chains[voter_id].append((at, payload))
    rules = rules_of(campaign)
    share = scoring.exact_decimal(rules.max_voter_share or 1) if counters.capped(rules) else None
    problems: list[str] = []
    for climb in climbs:
        where = f"ladder of proposal {climb.proposal_id}"
        found = crossings.get(climb.proposal_id, [])
        problems.extend(_check_climb(ladder, climb, found, where))
        for event in found:
            if not 1 <= event.stage <= ladder.last:
                continue
            threshold = ladder.stages[event.stage - 1].supporters
            counted = _support_at(chains, climb.proposal_id, event.at, share)
            if counted < threshold:
                problems.append(
                    f"{where}: stage {event.stage} recorded at {event.at.isoformat()} needs "
                    f"{threshold} supporters; the vote chains count {scoring.text(counted)} then"
                )
    return problems
