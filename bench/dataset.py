"""Bulk-load a campaign's votes in exactly the state castVote would leave (for benchmarks).

For each voter, ``votes_per_voter`` APPROVAL supports on distinct random proposals, cast
in order: the vote rows, one ``vote.cast`` event per vote with its hash chain (built by
voting/chain.py as the service builds it, voter pseudonymised with ``SECRET``), the voter's
chain head and pseudonym, the slotted tally
counters (slot = voter % TALLY_SLOTS) and the campaign counters — computed with the same
pure functions (methods.vote_delta, chain.link). Written with COPY in batches.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from brandhub.voting import chain, methods
from brandhub.voting.methods import TallyDelta, VotingMethod
from brandhub.voting.models import TALLY_SLOTS

BATCH = 50_000
SECRET = "bench-secret"  # benchlib's servers run with this BRANDHUB_SECRET_KEY
VOTE_COLUMNS = ["campaign_id", "voter_id", "proposal_id", "value", "weight", "pending", "cast_at"]
EVENT_COLUMNS = ["campaign_id", "voter_id", "seq", "payload", "prev_hash", "hash", "at"]


@dataclass
class Counters:
    """Tally and campaign counters accumulated while generating."""

    tallies: dict[tuple[int, int], TallyDelta]
    campaign: dict[int, list[float]]  # slot -> [voters, weight_sum, value_sum]


def _voter_rows(
    campaign_id: int, voter: int, proposals: Sequence[int], start: datetime, with_events: bool
) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...] | None]]:
    """(vote row, event row) for each of one voter's votes, chaining the events."""
    state = chain.ChainState(campaign_id, chain.pseudonym(SECRET, campaign_id, voter))
    for seq, proposal in enumerate(proposals, 1):
        at = start + timedelta(milliseconds=seq)
        vote = (campaign_id, voter, proposal, 1, 1.0, False, at)
        event = None
        if with_events:
            appended = chain.append(state, chain.cast_event(proposal, 1, 1.0), at)
            event = (
                campaign_id,
                voter,
                seq,
                json.dumps(appended.payload),
                appended.prev_hash,
                appended.hash,
                at,
            )
            state = appended.state
        yield vote, event


async def load_votes(
    conn: asyncpg.Connection,
    *,
    campaign_id: int,
    proposal_ids: Sequence[int],
    voter_ids: Sequence[int],
    votes_per_voter: int,
    start: datetime,
    rng: random.Random,
    with_events: bool = True,
) -> int:
    """Insert the votes (and events, chains, counters) of ``voter_ids``; return the count."""
    counters = Counters(defaultdict(TallyDelta), defaultdict(lambda: [0, 0.0, 0.0]))
    votes: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    chains: list[tuple[Any, ...]] = []
    total = 0
    delta = methods.vote_delta(VotingMethod.APPROVAL, 1, 1.0)
    for i, voter in enumerate(voter_ids):
        picks = rng.sample(list(proposal_ids), votes_per_voter)
        slot = voter % TALLY_SLOTS
        head, seq = chain.GENESIS, 0
        for vote, event in _voter_rows(
            campaign_id, voter, picks, start + timedelta(seconds=i), with_events
        ):
            votes.append(vote)
            if event is not None:
                events.append(event)
                head, seq = event[5], event[2]
            counters.tallies[(vote[2], slot)] += delta
        if with_events:
            chains.append(
                (campaign_id, voter, chain.pseudonym(SECRET, campaign_id, voter), seq, head)
            )
        totals = counters.campaign[slot]
        totals[0] += 1
        totals[1] += delta.weight_sum * votes_per_voter
        totals[2] += delta.value_sum * votes_per_voter
        total += votes_per_voter
        if len(votes) >= BATCH:
            await _flush(conn, votes, events)
    await _flush(conn, votes, events)
    await _write_counters(conn, campaign_id, counters, chains)
    return total


async def _flush(conn: asyncpg.Connection, votes: list[Any], events: list[Any]) -> None:
    if votes:
        await conn.copy_records_to_table("vote", columns=VOTE_COLUMNS, records=votes)
    if events:
        await conn.copy_records_to_table("vote_event", columns=EVENT_COLUMNS, records=events)
    votes.clear()
    events.clear()


async def _write_counters(
    conn: asyncpg.Connection, campaign_id: int, counters: Counters, chains: list[Any]
) -> None:
    await conn.copy_records_to_table(
        "tally_slot",
        columns=[
            "proposal_id",
            "slot",
            "campaign_id",
            "voters",
            "pending",
            "weight_sum",
            "value_sum",
        ],
        records=[
            (pid, slot, campaign_id, d.voters, d.pending, d.weight_sum, d.value_sum)
            for (pid, slot), d in sorted(counters.tallies.items())
        ],
    )
    await conn.copy_records_to_table(
        "campaign_slot",
        columns=["campaign_id", "slot", "voters", "weight_sum", "value_sum"],
        records=[
            (campaign_id, slot, int(v), w, s)
            for slot, (v, w, s) in sorted(counters.campaign.items())
        ],
    )
    if chains:
        await conn.copy_records_to_table(
            "voter_chain",
            columns=["campaign_id", "voter_id", "pseudonym", "seq", "head"],
            records=chains,
        )
