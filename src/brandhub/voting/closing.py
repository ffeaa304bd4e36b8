"""Closing a campaign: compute and store the result, seal and sign it, mark the winner, hand
off to partners (who receive the signed seal with the handoff)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.campaigns import move_phase, rules_of
from brandhub.community.models import Campaign, Phase, Proposal, ProposalStatus
from brandhub.partners.handoffs import create_handoffs
from brandhub.ratings.outcomes import reputation_after_fork_win
from brandhub.voting import scoring, sealing
from brandhub.voting.counters import LISTED
from brandhub.voting.models import Ballot, CampaignResultRow, Vote
from brandhub.voting.ranking import CampaignResult
from brandhub.voting.results import compute_result, result_document

RANKABLE = LISTED


async def candidates_of(session: AsyncSession, campaign_id: int) -> dict[int, datetime]:
    """Proposals that take part in the result, with their first revision time."""
    rows = await session.execute(
        select(Proposal.id, Proposal.created_at).where(
            Proposal.campaign_id == campaign_id, Proposal.status.in_(RANKABLE)
        )
    )
    return {pid: at for pid, at in rows}


async def result_of(session: AsyncSession, campaign: Campaign) -> CampaignResult:
    """Compute the campaign's result from its stored votes or ballots."""
    assert campaign.id is not None
    rules = rules_of(campaign)
    candidates = await candidates_of(session, campaign.id)
    votes = await session.execute(
        select(Vote.voter_id, Vote.proposal_id, Vote.value, Vote.weight)
        .where(Vote.campaign_id == campaign.id, Vote.proposal_id.in_(candidates))
        .order_by(Vote.voter_id, Vote.proposal_id)
    )
    ballots = await session.execute(
        select(Ballot.voter_id, Ballot.ranking, Ballot.weight)
        .where(Ballot.campaign_id == campaign.id)
        .order_by(Ballot.voter_id)
    )
    result, _ = compute_result(
        rules, candidates=candidates, votes=votes.all(), ballots=ballots.all(), live_tallies=False
    )
    return result


async def close_campaign(
    session: AsyncSession, *, actor: Member | None, campaign_id: int, now: datetime, secret: str
) -> Campaign:
    """VOTING → CLOSED: store the result, mark the winner, seal and sign, create handoffs."""
    campaign = await move_phase(
        session, actor=actor, campaign_id=campaign_id, to=Phase.CLOSED, now=now
    )
    result = await result_of(session, campaign)
    from brandhub.ladder.service import close_ladder  # the ladder builds on the vote

    # A ladder's winners are the proposals its owner approves in review, not the top score.
    handing_off = result.winner is not None and not await close_ladder(session, campaign, now)
    if handing_off:
        await session.execute(
            update(Proposal)
            .where(Proposal.id == result.winner)
            .values(status=ProposalStatus.WINNER, updated_at=now)
        )
    document = result_document(result)
    sealed = await sealing.seal_campaign(
        session,
        campaign=campaign,
        setup=await sealing.setup_document(session, campaign, rules_of(campaign)),
        result=document,
        now=now,
        secret=secret,
    )
    session.add(
        CampaignResultRow(
            campaign_id=campaign_id,
            winner_id=result.winner,
            voters=result.voters,
            quorum_met=result.quorum_met,
            ranking=document["ranking"],
            seal=sealed.root,
            computed_at=now,
        )
    )
    if handing_off:
        assert result.winner is not None
        winner = await session.get(Proposal, result.winner)
        assert winner is not None
        if winner.forked_from_id is not None:  # a winning fork credits the forked work's author
            await reputation_after_fork_win(session, winner, now=now)
        await create_handoffs(
            session,
            campaign=campaign,
            winner=winner,
            result_summary=summary(result),
            seal=sealing.signed_seal(sealed),
            now=now,
        )
    await session.flush()
    return campaign


def summary(result: CampaignResult) -> dict[str, Any]:
    """What a partner learns of the vote: voters, quorum, and the top of the ranking."""
    return {
        "voters": result.voters,
        "quorumMet": result.quorum_met,
        "top": [
            {"rank": e.rank, "score": float(e.score), "exactScore": scoring.text(e.score)}
            for e in result.ranking[:3]
        ],
    }
