"""Slotted counters: additive deltas upserted into one of N rows, summed on read."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.models import Proposal, ProposalStatus
from brandhub.voting import statements
from brandhub.voting.driver import driver_of
from brandhub.voting.methods import Tally, TallyDelta, VotingRules
from brandhub.voting.models import TALLY_SLOTS, CampaignSlot, TallyBin, TallySlot
from brandhub.voting.scoring import quanta, voter_share

# Proposals that take part in the result (and the live ranking).
LISTED = (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED, ProposalStatus.WINNER)
Votes = Mapping[int, tuple[int, float]]


def capped(rules: VotingRules) -> bool:
    """True when the campaign keeps weight histograms (a capped voter share)."""
    return voter_share(rules) is not None


def _counted(votes: Votes) -> bool:
    return any(weight > 0 for _, weight in votes.values())


async def votes_of(
    session: AsyncSession, campaign_id: int, voter_id: int
) -> dict[int, tuple[int, float]]:
    """A voter's current votes {proposal: (value, weight)}."""
    rows = await session.execute(
        statements.VOTES_OF, {"campaign_id": campaign_id, "voter_id": voter_id}
    )
    return {pid: (value, weight) for pid, value, weight in rows}


BATCH = "brandhub.counter_batch"


@dataclass
class CounterBatch:
    """Counter changes gathered over a batch of votes (group commit), applied at its end in
    a few multi-row upserts, in key order (no deadlocks between concurrent batches)."""

    proposals: dict[tuple[int, int], tuple[int, TallyDelta]] = field(default_factory=dict)
    campaigns: dict[tuple[int, int], tuple[int, TallyDelta]] = field(default_factory=dict)
    bins: dict[tuple[int, int, int], tuple[int, int, int]] = field(default_factory=dict)
    # Work to run once the counters are applied (the tallies the changes answer with).
    after: dict[int, Callable[[], Awaitable[Any]]] = field(default_factory=dict)
    # Campaigns whose phase the batch checks once, after all its events are written.
    phases: set[int] = field(default_factory=set)
    # Chain heads this transaction has locked (and moved): {(campaign, voter): ChainState}.
    heads: dict[tuple[int, int], Any] = field(default_factory=dict)
    # The set-based path's rows (``voting.batch``), written with the counters by
    # ``batch.write``: vote upserts, events, chain advances, chains to drop.
    votes: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    chains: list[tuple[Any, ...]] = field(default_factory=list)
    empty: list[tuple[int, int]] = field(default_factory=list)

    def merge(self, other: CounterBatch) -> None:
        """Add a (successful) change's counters to the batch's."""
        for key, (campaign_id, d) in other.proposals.items():
            old = self.proposals.get(key, (campaign_id, TallyDelta()))[1]
            self.proposals[key] = (campaign_id, old + d)
        for key, (voters, d) in other.campaigns.items():
            old_voters, old = self.campaigns.get(key, (0, TallyDelta()))
            self.campaigns[key] = (old_voters + voters, old + d)
        for key, (campaign_id, voters, values) in other.bins.items():
            _, old_voters, old_values = self.bins.get(key, (campaign_id, 0, 0))
            self.bins[key] = (campaign_id, old_voters + voters, old_values + values)
        self.after.update(other.after)
        self.phases |= other.phases
        self.heads.update(other.heads)

    async def apply(self, session: AsyncSession) -> None:
        """Write the gathered counters: one multi-row statement per counter table, on the
        session's driver connection (inside its transaction)."""
        if not (self.proposals or self.bins or self.campaigns):
            return
        driver = await driver_of(session)
        if self.proposals:
            await driver.executemany_named(
                statements.ADD_TO_PROPOSAL.text,
                [
                    _proposal_row(pid, slot, campaign_id, d)
                    for (pid, slot), (campaign_id, d) in sorted(self.proposals.items())
                ],
            )
        if self.bins:
            await driver.executemany_named(
                statements.ADD_TO_BIN.text,
                [
                    {
                        "proposal_id": pid,
                        "quanta": q,
                        "slot": slot,
                        "campaign_id": campaign_id,
                        "voters": voters,
                        "value_sum": values,
                    }
                    for (pid, q, slot), (campaign_id, voters, values) in sorted(self.bins.items())
                ],
            )
        if self.campaigns:
            await driver.executemany_named(
                statements.ADD_TO_CAMPAIGN.text,
                [
                    _campaign_row(campaign_id, slot, voters, d)
                    for (campaign_id, slot), (voters, d) in sorted(self.campaigns.items())
                ],
            )

    def proposal_rows(self) -> list[tuple[Any, ...]]:
        """The proposal counters' rows, in key order (``ADD_TO_PROPOSAL``'s columns)."""
        return [
            (pid, slot, campaign_id, d.voters, d.pending, d.weight_sum, d.value_sum)
            for (pid, slot), (campaign_id, d) in sorted(self.proposals.items())
        ]

    def bin_rows(self) -> list[tuple[Any, ...]]:
        """The histogram counters' rows, in key order (``ADD_TO_BIN``'s columns)."""
        return [
            (pid, q, slot, campaign_id, voters, values)
            for (pid, q, slot), (campaign_id, voters, values) in sorted(self.bins.items())
        ]

    def campaign_rows(self) -> list[tuple[Any, ...]]:
        """The campaign counters' rows, in key order (``ADD_TO_CAMPAIGN``'s columns)."""
        return [
            (campaign_id, slot, voters, d.weight_sum, d.value_sum)
            for (campaign_id, slot), (voters, d) in sorted(self.campaigns.items())
        ]


def deferred(session: AsyncSession) -> CounterBatch | None:
    """The batch gathering this session's counter changes (None: write them at once)."""
    return session.info.get(BATCH)


def _proposal_row(proposal_id: int, slot: int, campaign_id: int, d: TallyDelta) -> dict[str, Any]:
    return {
        "proposal_id": proposal_id,
        "slot": slot,
        "campaign_id": campaign_id,
        "voters": d.voters,
        "pending": d.pending,
        "weight_sum": d.weight_sum,
        "value_sum": d.value_sum,
    }


def _campaign_row(campaign_id: int, slot: int, voters: int, d: TallyDelta) -> dict[str, Any]:
    return {
        "campaign_id": campaign_id,
        "slot": slot,
        "voters": voters,
        "weight_sum": d.weight_sum,
        "value_sum": d.value_sum,
    }


async def record(
    session: AsyncSession,
    rules: VotingRules,
    campaign_id: int,
    voter_id: int,
    before: Votes,
    after: Votes,
    deltas: Mapping[int, TallyDelta],
) -> None:
    """Apply one voter's change: tally deltas, weight histograms (when capped), and the
    campaign's distinct-voter count and sums (gathered instead, inside a batch)."""
    slot = slot_of(voter_id)
    batch = deferred(session)
    if batch is not None:
        gather(batch, rules, campaign_id, slot, before, after, deltas)
        return
    await add_to_proposal(session, campaign_id=campaign_id, deltas=deltas, slot=slot)
    if capped(rules):
        changes = bin_changes(before, after)
        if changes:
            await add_to_bins(session, campaign_id=campaign_id, changes=changes, slot=slot)
    total = TallyDelta()
    for d in deltas.values():
        total = total + d
    voters = int(_counted(after)) - int(_counted(before))
    await add_to_campaign(session, campaign_id=campaign_id, slot=slot, voters=voters, delta=total)


def gather(
    batch: CounterBatch,
    rules: VotingRules,
    campaign_id: int,
    slot: int,
    before: Votes,
    after: Votes,
    deltas: Mapping[int, TallyDelta],
    *,
    counted_elsewhere: bool = False,
) -> None:
    """Add one voter's change (``record``'s arguments) to a batch's counters. ``before`` and
    ``after`` may hold only the votes the change touches, ``counted_elsewhere`` telling
    whether the voter has another vote with a weight (so is a counted voter either way)."""
    change = CounterBatch()
    total = TallyDelta()
    for proposal_id, d in deltas.items():
        change.proposals[(proposal_id, slot)] = (campaign_id, d)
        total = total + d
    if capped(rules):
        for (proposal_id, q), (voters, values) in bin_changes(before, after).items():
            change.bins[(proposal_id, q, slot)] = (campaign_id, voters, values)
    voters = int(counted_elsewhere or _counted(after)) - int(counted_elsewhere or _counted(before))
    change.campaigns[(campaign_id, slot)] = (voters, total)
    batch.merge(change)


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


def bin_changes(before: Votes, after: Votes) -> dict[tuple[int, int], tuple[int, int]]:
    """Histogram changes {(proposal, weight in quanta): (Δ voters, Δ Σ value)} of a change
    from ``before`` to ``after`` (a voter's votes {proposal: (value, weight)})."""
    changes: dict[tuple[int, int], tuple[int, int]] = {}
    for votes, sign in ((before, -1), (after, 1)):
        for proposal, (value, weight) in votes.items():
            if before.get(proposal) == after.get(proposal):
                continue
            q = quanta(weight)
            if q == 0:
                continue
            voters, values = changes.get((proposal, q), (0, 0))
            changes[(proposal, q)] = (voters + sign, values + sign * value)
    return {key: change for key, change in changes.items() if change != (0, 0)}


async def add_to_bins(
    session: AsyncSession,
    *,
    campaign_id: int,
    changes: Mapping[tuple[int, int], tuple[int, int]],
    slot: int,
) -> None:
    """Apply histogram changes to counter rows ``slot`` (in key order: no deadlocks)."""
    for proposal_id, q in sorted(changes):
        voters, value_sum = changes[(proposal_id, q)]
        await session.execute(
            statements.ADD_TO_BIN,
            {
                "proposal_id": proposal_id,
                "quanta": q,
                "slot": slot,
                "campaign_id": campaign_id,
                "voters": voters,
                "value_sum": value_sum,
            },
        )


async def proposal_bins(
    session: AsyncSession, campaign_id: int, proposal_id: int | None = None
) -> dict[int, dict[int, tuple[int, int]]]:
    """Each listed proposal's weight histogram {quanta: (voters, Σ value)}, summed from slots
    (or one proposal's, listed or not)."""
    query = select(
        TallyBin.proposal_id,
        TallyBin.quanta,
        func.sum(TallyBin.voters),
        func.sum(TallyBin.value_sum),
    ).group_by(TallyBin.proposal_id, TallyBin.quanta)
    if proposal_id is not None:
        query = query.where(TallyBin.proposal_id == proposal_id)
    else:
        query = query.join(Proposal, Proposal.id == TallyBin.proposal_id).where(
            TallyBin.campaign_id == campaign_id, Proposal.status.in_(LISTED)
        )
    rows = await session.execute(query)
    bins: dict[int, dict[int, tuple[int, int]]] = {}
    for proposal_id, q, voters, value_sum in rows:
        if voters:
            bins.setdefault(proposal_id, {})[q] = (int(voters), int(value_sum))
    return bins


async def listed_sums(session: AsyncSession, campaign_id: int) -> tuple[float, float]:
    """(Σ weight, Σ weight·value) over the listed proposals: the SCORE prior's inputs."""
    row = (
        await session.execute(
            select(
                func.coalesce(func.sum(TallySlot.weight_sum), 0.0),
                func.coalesce(func.sum(TallySlot.value_sum), 0.0),
            )
            .join(Proposal, Proposal.id == TallySlot.proposal_id)
            .where(TallySlot.campaign_id == campaign_id, Proposal.status.in_(LISTED))
        )
    ).one()
    return float(row[0]), float(row[1])


async def campaign_voters(session: AsyncSession, campaign_id: int) -> int:
    """Distinct voters counted in a campaign (weight > 0), summed from its counter slots."""
    total = await session.scalar(
        select(func.coalesce(func.sum(CampaignSlot.voters), 0)).where(
            CampaignSlot.campaign_id == campaign_id
        )
    )
    return int(total or 0)
