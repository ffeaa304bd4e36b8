"""The ladder's rules against the database: setting it, starting it, climbing, review, expiry.

Every change to a proposal's climb is a compare-and-set on its ``last_sequence``: a crossing
computed from a stale row changes nothing and is computed again from the fresh one. So a
stage is crossed, and its deadline extended, exactly once however many supports, checks and
workers race for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.brands import check_text
from brandhub.community.campaigns import get_campaign, rules_of
from brandhub.community.errors import InvalidPhase
from brandhub.community.models import Campaign, Phase, Proposal, ProposalStatus, Role
from brandhub.community.permissions import require_role
from brandhub.errors import InvalidInput, NotFound
from brandhub.ladder import events
from brandhub.ladder.models import CampaignLadder, LadderEvent, LadderProposal, LadderStatus
from brandhub.ladder.rules import Ladder, Stage, check_ladder, crossings, stage_reached
from brandhub.partners.errors import InvalidTransition
from brandhub.partners.handoffs import create_handoffs
from brandhub.ratings.outcomes import reputation_after_fork_win
from brandhub.voting import counters, scoring
from brandhub.voting.counters import LISTED
from brandhub.voting.methods import Tally, VotingMethod

log = logging.getLogger("brandhub.ladder")

CAS_ATTEMPTS = 20


async def ladder_of(session: AsyncSession, campaign_id: int) -> Ladder | None:
    """The campaign's ladder, or None when it runs a fixed voting window."""
    row = await session.get(CampaignLadder, campaign_id)
    return Ladder.of(row.initial_days, row.stages) if row else None


def _fits_campaign(campaign: Campaign, *, at: str) -> None:
    if campaign.method != VotingMethod.APPROVAL:
        raise InvalidInput(
            "A ladder counts supporters: the campaign must vote by APPROVAL.",
            field=[at, "stages"] if at != "ladder" else ["voting", "method"],
        )
    if campaign.voting_closes_at is not None:
        raise InvalidInput(
            "A ladder campaign has no votingClosesAt: each proposal has its own deadline.",
            field=["votingClosesAt"],
        )


async def set_ladder(
    session: AsyncSession,
    *,
    actor: Member,
    campaign_id: int,
    initial_days: int,
    stages: Sequence[Stage],
    now: datetime,
) -> Campaign:
    """Set (or replace) a campaign's ladder: brand owners, before voting opens."""
    assert actor.id is not None
    campaign = await get_campaign(session, campaign_id, lock=True)
    await require_role(
        session,
        brand_id=campaign.brand_id,
        member_id=actor.id,
        roles=(Role.OWNER,),
        doing="set a campaign's ladder",
    )
    await configure(session, campaign=campaign, initial_days=initial_days, stages=stages, now=now)
    return campaign


async def configure(
    session: AsyncSession,
    *,
    campaign: Campaign,
    initial_days: int,
    stages: Sequence[Stage],
    now: datetime,
) -> CampaignLadder:
    """Validate and store a ladder for a campaign that has not opened voting yet."""
    assert campaign.id is not None
    ladder = check_ladder(initial_days, stages)
    if campaign.phase not in (Phase.DRAFT, Phase.SUBMISSIONS):
        raise InvalidPhase("A ladder is set before voting opens.", field=["campaignId"])
    _fits_campaign(campaign, at="ladder")
    row = await session.get(CampaignLadder, campaign.id)
    if row is None:
        row = CampaignLadder(campaign_id=campaign.id, initial_days=0, stages=[], updated_at=now)
        session.add(row)
    row.initial_days, row.stages, row.updated_at = ladder.initial_days, ladder.to_json(), now
    await session.flush()
    return row


async def open_ladder(session: AsyncSession, campaign: Campaign, now: datetime) -> int:
    """Voting opens: every listed proposal starts climbing with the initial deadline."""
    assert campaign.id is not None
    ladder = await ladder_of(session, campaign.id)
    if ladder is None:
        return 0
    _fits_campaign(campaign, at="ladder")
    deadline = now + timedelta(days=ladder.initial_days)
    proposal_ids = (
        await session.scalars(
            select(Proposal.id)
            .where(Proposal.campaign_id == campaign.id, Proposal.status.in_(LISTED))
            .order_by(Proposal.id)
        )
    ).all()
    started: list[LadderEvent] = []
    for pid in proposal_ids:
        session.add(
            LadderProposal(
                proposal_id=pid,
                campaign_id=campaign.id,
                stage=0,
                status=LadderStatus.CLIMBING,
                started_at=now,
                deadline=deadline,
                last_sequence=1,
                updated_at=now,
            )
        )
        started.append(
            events.event_row(
                proposal_id=pid,
                campaign_id=campaign.id,
                sequence=1,
                type=events.STARTED,
                stage=0,
                status=LadderStatus.CLIMBING,
                deadline=deadline,
                now=now,
            )
        )
    await session.flush()
    await events.record(session, started, now)
    return len(started)


async def supporters_of(session: AsyncSession, campaign: Campaign, proposal_id: int) -> Fraction:
    """A proposal's counted support, exactly as the leaderboard scores it: Σ weight, pending
    voters at 0, each voter capped at ``maxVoterShare``."""
    tally = await counters.proposal_tally(session, proposal_id)
    bins: dict[int, tuple[int, int]] | None = None
    if counters.capped(rules_of(campaign)):
        assert campaign.id is not None
        bins = (await counters.proposal_bins(session, campaign.id, proposal_id)).get(proposal_id)
    return support_from(campaign, tally, bins)


def support_from(
    campaign: Campaign, tally: Tally, bins: dict[int, tuple[int, int]] | None
) -> Fraction:
    """``supporters_of`` from a proposal's tally and (for a capped campaign) its weight
    histogram, already read."""
    rules = rules_of(campaign)
    share: Fraction | None = None
    if counters.capped(rules):
        share = scoring.exact_decimal(rules.max_voter_share or 1)
    weight, value = scoring.capped(scoring.Support.of_tally(tally, bins), share)
    return scoring.score_of(VotingMethod.APPROVAL, weight, value)


async def _climb(session: AsyncSession, proposal_id: int) -> LadderProposal | None:
    return await session.scalar(
        select(LadderProposal)
        .where(LadderProposal.proposal_id == proposal_id)
        .execution_options(populate_existing=True)
    )


async def _compare_and_set(
    session: AsyncSession, climb: LadderProposal, *, added: int, **values: object
) -> bool:
    """Apply ``values`` only if nobody changed the climb since it was read."""
    result = await session.execute(
        update(LadderProposal)
        .where(
            LadderProposal.proposal_id == climb.proposal_id,
            LadderProposal.last_sequence == climb.last_sequence,
        )
        .values(last_sequence=climb.last_sequence + added, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def advance(
    session: AsyncSession, *, campaign: Campaign, proposal_id: int, now: datetime
) -> list[LadderEvent]:
    """Cross every stage the proposal's support now reaches (before its deadline): each once."""
    assert campaign.id is not None
    ladder = await ladder_of(session, campaign.id)
    if ladder is None or campaign.phase != Phase.VOTING:
        return []
    for _ in range(CAS_ATTEMPTS):
        climb = await _climb(session, proposal_id)
        if climb is None or climb.status != LadderStatus.CLIMBING or climb.deadline <= now:
            return []
        supporters = await supporters_of(session, campaign, proposal_id)
        target = stage_reached(ladder, supporters)
        if target <= climb.stage:
            return []
        planned: list[LadderEvent] = []
        sequence = climb.last_sequence
        deadline = climb.deadline
        for crossing in crossings(ladder, stage=climb.stage, deadline=climb.deadline, to=target):
            review = crossing.deadline is None
            status = LadderStatus.REVIEW if review else LadderStatus.CLIMBING
            kinds = [(events.STAGE_REACHED, crossing.deadline_before)]
            if review:
                kinds.append((events.REVIEW_REQUESTED, None))
            else:
                assert crossing.deadline is not None
                kinds.append((events.DEADLINE_EXTENDED, crossing.deadline))
                deadline = crossing.deadline
            for kind, at_deadline in kinds:
                sequence += 1
                planned.append(
                    events.event_row(
                        proposal_id=proposal_id,
                        campaign_id=campaign.id,
                        sequence=sequence,
                        type=kind,
                        stage=crossing.stage,
                        status=status,
                        supporters=supporters,
                        deadline=at_deadline,
                        now=now,
                    )
                )
        status = LadderStatus.REVIEW if target == ladder.last else LadderStatus.CLIMBING
        if await _compare_and_set(
            session,
            climb,
            added=len(planned),
            stage=target,
            status=status,
            deadline=deadline,
            updated_at=now,
        ):
            await events.record(session, planned, now)
            return planned
    log.warning("ladder: proposal %s still contended after %s attempts", proposal_id, CAS_ATTEMPTS)
    return []


async def expire(
    session: AsyncSession, *, proposal_id: int, now: datetime, closing: bool = False
) -> LadderEvent | None:
    """A climbing proposal whose deadline has passed (or whose campaign closes) expires, once."""
    for _ in range(CAS_ATTEMPTS):
        climb = await _climb(session, proposal_id)
        if climb is None or climb.status != LadderStatus.CLIMBING:
            return None
        if climb.deadline > now and not closing:
            return None
        if await _compare_and_set(
            session, climb, added=1, status=LadderStatus.EXPIRED, updated_at=now
        ):
            event = events.event_row(
                proposal_id=proposal_id,
                campaign_id=climb.campaign_id,
                sequence=climb.last_sequence + 1,
                type=events.EXPIRED,
                stage=climb.stage,
                status=LadderStatus.EXPIRED,
                deadline=climb.deadline,
                now=now,
            )
            await events.record(session, [event], now)
            return event
    return None


async def close_ladder(session: AsyncSession, campaign: Campaign, now: datetime) -> bool:
    """The campaign closes: climbs still in progress expire. False if it is no ladder."""
    assert campaign.id is not None
    if await ladder_of(session, campaign.id) is None:
        return False
    in_progress = await session.scalars(
        select(LadderProposal.proposal_id)
        .where(
            LadderProposal.campaign_id == campaign.id,
            LadderProposal.status == LadderStatus.CLIMBING,
        )
        .order_by(LadderProposal.proposal_id)
    )
    for proposal_id in in_progress.all():
        await expire(session, proposal_id=proposal_id, now=now, closing=True)
    return True


async def behind(session: AsyncSession, *, now: datetime) -> list[tuple[int, int]]:
    """(campaign, proposal) of climbs in progress whose counted support has reached a stage
    they have not crossed yet: one aggregate read per voting ladder campaign."""
    rows = (
        await session.execute(
            select(LadderProposal.campaign_id, LadderProposal.proposal_id, LadderProposal.stage)
            .join(Campaign, Campaign.id == LadderProposal.campaign_id)
            .where(
                LadderProposal.status == LadderStatus.CLIMBING,
                LadderProposal.deadline > now,
                Campaign.phase == Phase.VOTING,
            )
            .order_by(LadderProposal.campaign_id, LadderProposal.proposal_id)
        )
    ).all()
    found: list[tuple[int, int]] = []
    by_campaign: dict[int, list[tuple[int, int]]] = {}
    for campaign_id, proposal_id, stage in rows:
        by_campaign.setdefault(campaign_id, []).append((proposal_id, stage))
    for campaign_id, climbs in by_campaign.items():
        campaign = await get_campaign(session, campaign_id)
        ladder = await ladder_of(session, campaign_id)
        if ladder is None:
            continue
        rules = rules_of(campaign)
        tallies = await counters.proposal_tallies(session, proposal_ids=[pid for pid, _ in climbs])
        capped = counters.capped(rules)
        bins = await counters.proposal_bins(session, campaign_id) if capped else {}
        share = scoring.exact_decimal(rules.max_voter_share or 1) if capped else None
        for proposal_id, stage in climbs:
            support = scoring.Support.of_tally(
                tallies.get(proposal_id, Tally()), bins.get(proposal_id)
            )
            weight, value = scoring.capped(support, share)
            supporters = scoring.score_of(VotingMethod.APPROVAL, weight, value)
            if stage_reached(ladder, supporters) > stage:
                found.append((campaign_id, proposal_id))
    return found


async def due(session: AsyncSession, *, now: datetime) -> list[int]:
    """Climbing proposals whose deadline has passed."""
    rows = await session.scalars(
        select(LadderProposal.proposal_id)
        .where(LadderProposal.status == LadderStatus.CLIMBING, LadderProposal.deadline <= now)
        .order_by(LadderProposal.proposal_id)
    )
    return list(rows.all())


async def _reviewable(
    session: AsyncSession, *, actor: Member, proposal_id: int
) -> tuple[Proposal, Campaign, LadderProposal]:
    assert actor.id is not None
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.", field=["proposalId"])
    campaign = await get_campaign(session, proposal.campaign_id)
    await require_role(
        session,
        brand_id=campaign.brand_id,
        member_id=actor.id,
        roles=(Role.OWNER,),
        doing="review ladder proposals",
    )
    climb = await _climb(session, proposal_id)
    if climb is None:
        raise InvalidTransition("This proposal is not on a ladder.", field=["proposalId"])
    if climb.status != LadderStatus.REVIEW:
        raise InvalidTransition(
            f"Only a proposal in REVIEW can be decided; this one is {climb.status}.",
            field=["proposalId"],
        )
    if proposal.status not in (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED):
        raise InvalidTransition(
            f"A {proposal.status.lower()} proposal cannot be decided.", field=["proposalId"]
        )
    return proposal, campaign, climb


async def _decide(
    session: AsyncSession,
    *,
    actor: Member,
    climb: LadderProposal,
    status: LadderStatus,
    type: str,
    reason: str | None,
    now: datetime,
) -> LadderEvent:
    if not await _compare_and_set(
        session,
        climb,
        added=1,
        status=status,
        reviewed_by_id=actor.id,
        reviewed_at=now,
        decline_reason=reason,
        updated_at=now,
    ):
        raise InvalidTransition("This proposal was decided meanwhile.", field=["proposalId"])
    event = events.event_row(
        proposal_id=climb.proposal_id,
        campaign_id=climb.campaign_id,
        sequence=climb.last_sequence + 1,
        type=type,
        stage=climb.stage,
        status=status,
        actor_member_id=actor.id,
        reason=reason,
        now=now,
    )
    await events.record(session, [event], now)
    return event


async def approve(
    session: AsyncSession, *, actor: Member, proposal_id: int, now: datetime
) -> Proposal:
    """The owner approves a proposal in review: it wins, and its spec is handed off."""
    proposal, campaign, climb = await _reviewable(session, actor=actor, proposal_id=proposal_id)
    supporters = await supporters_of(session, campaign, proposal_id)
    await _decide(
        session,
        actor=actor,
        climb=climb,
        status=LadderStatus.APPROVED,
        type=events.APPROVED,
        reason=None,
        now=now,
    )
    proposal.status = ProposalStatus.WINNER
    proposal.updated_at = now
    if proposal.forked_from_id is not None:  # as at a close: a winning fork is an outcome
        await session.flush()
        await reputation_after_fork_win(session, proposal, now=now)
    tally = await counters.proposal_tally(session, proposal_id)
    await create_handoffs(
        session,
        campaign=campaign,
        winner=proposal,
        result_summary={
            "voters": tally.voters,
            "ladder": {
                "stage": climb.stage,
                "supporters": float(supporters),
                "exactSupporters": scoring.text(supporters),
            },
        },
        now=now,
    )
    await session.flush()
    return proposal


async def decline(
    session: AsyncSession, *, actor: Member, proposal_id: int, reason: str, now: datetime
) -> Proposal:
    """The owner declines a proposal in review, with a reason its supporters will read."""
    proposal, _, climb = await _reviewable(session, actor=actor, proposal_id=proposal_id)
    reason = check_text(reason, field="reason", label="Reason", max_length=1000)
    await _decide(
        session,
        actor=actor,
        climb=climb,
        status=LadderStatus.DECLINED,
        type=events.DECLINED,
        reason=reason,
        now=now,
    )
    return proposal
