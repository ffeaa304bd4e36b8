"""PLEDGE weight follows the pledge.

In a PLEDGE-weighted campaign in VOTING, a voter's weight comes from the units they have
pledged. When their pledges change (a new pledge, a cancellation), their current votes and
ballot are re-weighted in the same transaction and a chained ``vote.reweighted`` event
records the new weight, so the recount and the audit verifier replay it. Pledge and vote
take the same per-voter chain lock, so neither can work from the other's stale state.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.campaigns import rules_of
from brandhub.community.models import Campaign, Phase
from brandhub.voting import chain, chains, counters, methods, statements
from brandhub.voting.chain import Receipt
from brandhub.voting.errors import VotingClosed
from brandhub.voting.methods import TallyDelta, VotingMethod
from brandhub.voting.models import Ballot
from brandhub.voting.weights import WeightingPolicy, voter_weight


def _ballot_delta(ranking: list[int], old: float, new: float) -> dict[int, TallyDelta]:
    points = methods.ballot_points(ranking)
    return {
        pid: methods.replace_delta(VotingMethod.RANKED, (p, old), (p, new))
        for pid, p in points.items()
    }


async def reweight_voter(
    session: AsyncSession,
    *,
    campaign: Campaign,
    member: Member,
    pledged_units: int,
    now: datetime,
    secret: str,
) -> Receipt | None:
    """Give the member's current votes the weight of ``pledged_units``; the receipt of the
    ``vote.reweighted`` event, or None when nothing had to change."""
    rules = rules_of(campaign)
    if campaign.phase != Phase.VOTING or rules.weighting is not WeightingPolicy.PLEDGE:
        return None
    assert campaign.id is not None and member.id is not None
    state = await chains.lock_chain(
        session, campaign_id=campaign.id, voter_id=member.id, secret=secret
    )
    before = await counters.votes_of(session, campaign.id, member.id)
    ballot = (
        await session.scalar(
            select(Ballot).where(Ballot.campaign_id == campaign.id, Ballot.voter_id == member.id)
        )
        if rules.method is VotingMethod.RANKED
        else None
    )
    weight = voter_weight(
        rules,
        role="MEMBER",  # read only by ROLE weighting
        reputation=member.reputation,
        pledged_units=pledged_units,
        account_created_at=member.created_at,
        now=now,
    )
    changed = {pid for pid, (_, w) in before.items() if w != weight.weight}
    if not changed and (ballot is None or ballot.weight == weight.weight):
        return None
    after = {pid: (value, weight.weight) for pid, (value, _) in before.items()}
    deltas = {pid: methods.replace_delta(rules.method, before[pid], after[pid]) for pid in changed}
    if changed:
        await session.execute(
            statements.REWEIGHT_VOTES,
            {
                "campaign_id": campaign.id,
                "voter_id": member.id,
                "weight": weight.weight,
                "pending": weight.pending,
            },
        )
    ballot_before, ballot_after = {}, {}
    if ballot is not None:
        deltas = _ballot_delta(ballot.ranking, ballot.weight, weight.weight)
        ballot_before, ballot_after = {0: (0, ballot.weight)}, {0: (0, weight.weight)}
        ballot.weight, ballot.pending = weight.weight, weight.pending
    await counters.record(
        session,
        rules,
        campaign.id,
        member.id,
        before if ballot is None else ballot_before,
        after if ballot is None else ballot_after,
        deltas,
    )
    appended = chain.append(state, chain.reweight_event(weight.weight), now)
    await chains.store_event(session, voter_id=member.id, appended=appended)
    await session.flush()
    phase = await session.scalar(select(Campaign.phase).where(Campaign.id == campaign.id))
    if phase != Phase.VOTING:  # closed meanwhile: see service._still_voting
        raise VotingClosed("The campaign closed while this pledge was being made.")
    return appended.receipt
