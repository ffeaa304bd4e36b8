"""The recount: replay the hash-chained log, check every chain, recompute tallies and results
with the same pure functions, and report every difference from what is stored."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import get_campaign, rules_of
from brandhub.community.models import Phase
from brandhub.voting import chain, counters
from brandhub.voting.closing import candidates_of, ranking_rows
from brandhub.voting.methods import Tally
from brandhub.voting.models import Ballot, CampaignResultRow, Vote, VoteEvent, VoterChain
from brandhub.voting.results import compute_result

BATCH = 10_000


@dataclass
class RecountReport:
    """What the recount found; ``ok`` when nothing differs."""

    campaign_id: int
    events: int = 0
    voters: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


def pseudonym(secret: str, campaign_id: int, voter_id: int) -> str:
    """A stable, unlinkable-without-the-key voter id for public audit exports."""
    message = f"{campaign_id}:{voter_id}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


class _Replay:
    """Final votes and ballots rebuilt from the events, chain by chain."""

    def __init__(self, report: RecountReport) -> None:
        self.report = report
        self.votes: dict[tuple[int, int], tuple[int, float]] = {}
        self.ballots: dict[int, tuple[list[int], float]] = {}
        self.heads: dict[int, tuple[int, str]] = {}

    def apply(self, event: Row[Any]) -> None:
        voter = event.voter_id
        seq, head = self.heads.get(voter, (0, chain.GENESIS))
        where = f"event {event.id} (voter {voter}, seq {event.seq})"
        if event.seq != seq + 1:
            self.report.differences.append(f"{where}: expected seq {seq + 1}")
        if event.prev_hash != head:
            self.report.differences.append(f"{where}: prev_hash does not match the chain")
        if chain.link(event.prev_hash, event.payload) != event.hash:
            self.report.differences.append(f"{where}: hash does not match its content")
        payload = event.payload
        if payload.get("voter") != voter or payload.get("seq") != event.seq:
            self.report.differences.append(f"{where}: payload names another voter or seq")
        self.heads[voter] = (event.seq, event.hash)
        match payload["type"]:
            case "vote.cast":
                self.votes[(voter, payload["proposal"])] = (payload["value"], payload["weight"])
            case "vote.retracted":
                self.votes.pop((voter, payload["proposal"]), None)
            case "ballot.cast":
                if payload["ranking"]:
                    self.ballots[voter] = (payload["ranking"], payload["weight"])
                else:
                    self.ballots.pop(voter, None)
            case other:
                self.report.differences.append(f"{where}: unknown event type {other!r}")


async def recount(
    session: AsyncSession,
    campaign_id: int,
    *,
    export: IO[str] | None = None,
    secret: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> RecountReport:
    """Replay a campaign's log and compare with the stored state; optionally export NDJSON."""
    campaign = await get_campaign(session, campaign_id)
    rules = rules_of(campaign)
    report = RecountReport(campaign_id)
    total = await session.scalar(
        select(func.count()).select_from(VoteEvent).where(VoteEvent.campaign_id == campaign_id)
    )
    replay = _Replay(report)
    # Plain rows, not ORM objects: nothing piles up in the session's identity map.
    stream = await session.stream(
        select(
            VoteEvent.id,
            VoteEvent.voter_id,
            VoteEvent.seq,
            VoteEvent.payload,
            VoteEvent.prev_hash,
            VoteEvent.hash,
        )
        .where(VoteEvent.campaign_id == campaign_id)
        .order_by(VoteEvent.voter_id, VoteEvent.seq)
        .execution_options(yield_per=BATCH)
    )
    async for event in stream:
        replay.apply(event)
        report.events += 1
        if export is not None:
            export.write(_export_line(event, campaign_id, secret) + "\n")
        if progress is not None and report.events % BATCH == 0:
            progress(report.events, total or 0)
    if progress is not None:
        progress(report.events, total or 0)
    report.voters = len(replay.heads)
    await _compare_chains(session, campaign_id, replay, report)
    await _compare_votes(session, campaign_id, replay, report)
    candidates = await candidates_of(session, campaign_id)
    result, tallies = compute_result(
        rules,
        candidates=candidates,
        votes=[(v, p, value, w) for (v, p), (value, w) in replay.votes.items()],
        ballots=[(v, r, w) for v, (r, w) in replay.ballots.items()],
    )
    await _compare_tallies(session, campaign_id, rules.max_voter_share, tallies, report)
    if campaign.phase == Phase.CLOSED:
        stored = await session.get(CampaignResultRow, campaign_id)
        if stored is None:
            report.differences.append("the campaign is closed but has no stored result")
        else:
            if stored.ranking != ranking_rows(result):
                report.differences.append("stored ranking differs from the recount")
            if stored.winner_id != result.winner:
                report.differences.append(
                    f"stored winner {stored.winner_id} differs from recount winner {result.winner}"
                )
            if stored.voters != result.voters or stored.quorum_met != result.quorum_met:
                report.differences.append("stored voter count or quorum differs from the recount")
    return report


def _export_line(event: Row[Any], campaign_id: int, secret: str) -> str:
    payload: dict[str, Any] = {
        **event.payload,
        "voter": pseudonym(secret, campaign_id, event.voter_id),
    }
    return json.dumps(
        {"payload": payload, "prev_hash": event.prev_hash, "hash": event.hash},
        separators=(",", ":"),
        sort_keys=True,
    )


async def _compare_chains(
    session: AsyncSession, campaign_id: int, replay: _Replay, report: RecountReport
) -> None:
    rows = await session.execute(
        select(VoterChain.voter_id, VoterChain.seq, VoterChain.head).where(
            VoterChain.campaign_id == campaign_id
        )
    )
    stored = {voter: (seq, head) for voter, seq, head in rows}
    for voter in sorted(set(stored) | set(replay.heads)):
        if stored.get(voter, (0, chain.GENESIS)) != replay.heads.get(voter, (0, chain.GENESIS)):
            report.differences.append(f"voter {voter}: chain head differs from the log")


async def _compare_votes(
    session: AsyncSession, campaign_id: int, replay: _Replay, report: RecountReport
) -> None:
    votes = await session.execute(
        select(Vote.voter_id, Vote.proposal_id, Vote.value, Vote.weight).where(
            Vote.campaign_id == campaign_id
        )
    )
    stored = {(v, p): (value, w) for v, p, value, w in votes}
    for key in sorted(set(stored) | set(replay.votes)):
        if stored.get(key) != replay.votes.get(key):
            report.differences.append(
                f"vote of voter {key[0]} on proposal {key[1]}: stored {stored.get(key)}, "
                f"log {replay.votes.get(key)}"
            )
    ballots = await session.execute(
        select(Ballot.voter_id, Ballot.ranking, Ballot.weight).where(
            Ballot.campaign_id == campaign_id
        )
    )
    stored_ballots = {v: (list(r), w) for v, r, w in ballots}
    for voter in sorted(set(stored_ballots) | set(replay.ballots)):
        if stored_ballots.get(voter) != replay.ballots.get(voter):
            report.differences.append(f"ballot of voter {voter} differs from the log")


async def _compare_tallies(
    session: AsyncSession,
    campaign_id: int,
    max_voter_share: float | None,
    recounted: dict[int, Tally],
    report: RecountReport,
) -> None:
    if max_voter_share is not None:
        return  # live tallies are uncapped; the cap applies to results, compared above
    stored = await counters.proposal_tallies(session, campaign_id=campaign_id)
    for pid in sorted(set(stored) | set(recounted)):
        live, again = stored.get(pid, Tally()), recounted.get(pid, Tally())
        if pid not in recounted and live == Tally():
            continue
        if pid not in recounted:
            continue  # withdrawn or hidden: not a candidate, its counters stay as they were
        if (live.voters, live.pending, live.weight_sum, live.value_sum) != (
            again.voters,
            again.pending,
            again.weight_sum,
            again.value_sum,
        ):
            report.differences.append(f"proposal {pid}: live tally {live} but recount {again}")
