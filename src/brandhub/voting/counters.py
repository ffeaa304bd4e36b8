"""Slotted counters: additive deltas upserted into one of N rows, summed on read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.voting import statements
from brandhub.voting.methods import Tally, TallyDelta
from brandhub.voting.models import TALLY_SLOTS, CampaignSlot, TallySlot


def slot_of(voter_id: int) -> int:
    """A voter always writes the same slot, so their replacement deltas meet their originals."""
    return voter_id % TALLY_SLOTS


async def add_to_proposal(
    session: AsyncSession, *, campaign_id: int, deltas: Mapping[int, TallyDelta], slot: int
) -> None:
    """Add each proposal's delta to its counter row ``slot`` (in proposal order: no deadlocks)."""
    for proposal_id in sorted(deltas):
        d = deltas[proposal_id]
        await session.execute(
            statements.ADD_TO_PROPOSAL,
            {
                "proposal_id": proposal_id,
                "slot": slot,
                "campaign_id": campaign_id,
                "voters": d.voters,
                "pending": d.pending,
                "weight_sum": d.weight_sum,
                "value_sum": d.value_sum,
            },
        )


async def add_to_campaign(
    session: AsyncSession, *, campaign_id: int, slot: int, voters: int, delta: TallyDelta
) -> None:
    """Add to the campaign-wide counters (distinct voters, Σ weight, Σ weight·value)."""
    await session.execute(
        statements.ADD_TO_CAMPAIGN,
        {
            "campaign_id": campaign_id,
            "slot": slot,
            "voters": voters,
            "weight_sum": delta.weight_sum,
            "value_sum": delta.value_sum,
        },
    )


async def proposal_tally(session: AsyncSession, proposal_id: int) -> Tally:
    """One proposal's tally, summed from its slots."""
    voters, pending, weight_sum, value_sum = (
        await session.execute(statements.PROPOSAL_TALLY, {"proposal_id": proposal_id})
    ).one()
    return Tally(int(voters), int(pending), float(weight_sum), float(value_sum))


async def proposal_tallies(
    session: AsyncSession, *, campaign_id: int | None = None, proposal_ids: Iterable[int] = ()
) -> dict[int, Tally]:
    """Tallies summed from the slots, for a whole campaign or some proposals."""
    query = select(
        TallySlot.proposal_id,
        func.sum(TallySlot.voters),
        func.sum(TallySlot.pending),
        func.sum(TallySlot.weight_sum),
        func.sum(TallySlot.value_sum),
    ).group_by(TallySlot.proposal_id)
    if campaign_id is not None:
        query = query.where(TallySlot.campaign_id == campaign_id)
    else:
        query = query.where(TallySlot.proposal_id.in_(list(proposal_ids)))
    rows = await session.execute(query)
    return {pid: Tally(int(v), int(p), float(w), float(s)) for pid, v, p, w, s in rows}


async def campaign_totals(session: AsyncSession, campaign_id: int) -> Tally:
    """Campaign-wide counters summed from their slots (voters = distinct counted voters)."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(CampaignSlot.voters), 0),
                func.coalesce(func.sum(CampaignSlot.weight_sum), 0.0),
                func.coalesce(func.sum(CampaignSlot.value_sum), 0.0),
            ).where(CampaignSlot.campaign_id == campaign_id)
        )
    ).one()
    return Tally(voters=int(row[0]), weight_sum=float(row[1]), value_sum=float(row[2]))
