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
from brandhub.voting.results import Count

BATCH = 10_000
# Voters whose stored rows are fetched and compared together.
VOTER_BATCH = 500


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


@dataclass
class _VoterLog:
    """One voter's chain, replayed: its head and their final votes or ballot."""

    voter: int
    seq: int = 0
    head: str = chain.GENESIS
    votes: dict[int, tuple[int, float]] = field(default_factory=dict)
    ballot: tuple[list[int], float] | None = None


def _replay(log: _VoterLog, event: Row[Any], report: RecountReport) -> None:
    """Check one event against the voter's chain so far, then apply it."""
    where = f"event {event.id} (voter {log.voter}, seq {event.seq})"
    if event.seq != log.seq + 1:
        report.differences.append(f"{where}: expected seq {log.seq + 1}")
    if event.prev_hash != log.head:
        report.differences.append(f"{where}: prev_hash does not match the chain")
    if chain.link(event.prev_hash, event.payload) != event.hash:
        report.differences.append(f"{where}: hash does not match its content")
    payload = event.payload
    if payload.get("voter") != log.voter or payload.get("seq") != event.seq:
        report.differences.append(f"{where}: payload names another voter or seq")
    log.seq, log.head = event.seq, event.hash
    match payload["type"]:
        case "vote.cast":
            log.votes[payload["proposal"]] = (payload["value"], payload["weight"])
        case "vote.retracted":
            log.votes.pop(payload["proposal"], None)
        case "ballot.cast":
            log.ballot = (payload["ranking"], payload["weight"]) if payload["ranking"] else None
        case other:
            report.differences.append(f"{where}: unknown event type {other!r}")


class _Checker:
    """Compares replayed voters with the stored rows, a batch of voters at a time, and
    folds their final votes into the count: memory stays O(batch + proposals)."""

    def __init__(
        self, session: AsyncSession, campaign_id: int, count: Count, report: RecountReport
    ):
        self.session, self.campaign_id = session, campaign_id
        self.count, self.report = count, report
        self.pending: list[_VoterLog] = []

    async def add(self, log: _VoterLog) -> None:
        for proposal, (value, weight) in log.votes.items():
            self.count.add_vote(log.voter, proposal, value, weight)
        if log.ballot is not None:
            self.count.add_ballot(log.voter, *log.ballot)
        self.pending.append(log)
        if len(self.pending) >= VOTER_BATCH:
            await self.flush()

    async def flush(self) -> None:
        logs, self.pending = {log.voter: log for log in self.pending}, []
        if logs:
            await _compare(self.session, self.campaign_id, logs, self.report)


async def _compare(
    session: AsyncSession, campaign_id: int, logs: dict[int, _VoterLog], report: RecountReport
) -> None:
    """Report every stored chain head, vote or ballot of these voters that the log disagrees with."""
    voters = list(logs)
    chains = await session.execute(
        select(VoterChain.voter_id, VoterChain.seq, VoterChain.head).where(
            VoterChain.campaign_id == campaign_id, VoterChain.voter_id.in_(voters)
        )
    )
    stored_heads = {voter: (seq, head) for voter, seq, head in chains}
    votes = await session.execute(
        select(Vote.voter_id, Vote.proposal_id, Vote.value, Vote.weight).where(
            Vote.campaign_id == campaign_id, Vote.voter_id.in_(voters)
        )
    )
    stored_votes: dict[int, dict[int, tuple[int, float]]] = {voter: {} for voter in voters}
    for voter, proposal, value, weight in votes:
        stored_votes[voter][proposal] = (value, weight)
    ballots = await session.execute(
        select(Ballot.voter_id, Ballot.ranking, Ballot.weight).where(
            Ballot.campaign_id == campaign_id, Ballot.voter_id.in_(voters)
        )
    )
    stored_ballots = {voter: (list(order), weight) for voter, order, weight in ballots}
    for voter in sorted(voters):
        log = logs[voter]
        if stored_heads.get(voter, (0, chain.GENESIS)) != (log.seq, log.head):
            report.differences.append(f"voter {voter}: chain head differs from the log")
        for proposal in sorted(set(stored_votes[voter]) | set(log.votes)):
            stored, logged = stored_votes[voter].get(proposal), log.votes.get(proposal)
            if stored != logged:
                report.differences.append(
                    f"vote of voter {voter} on proposal {proposal}: stored {stored}, log {logged}"
                )
        if stored_ballots.get(voter) != log.ballot:
            report.differences.append(f"ballot of voter {voter} differs from the log")


async def _unlogged_voters(session: AsyncSession, campaign_id: int, seen: set[int]) -> set[int]:
    """Voters with stored state but no event at all."""
    found: set[int] = set()
    for table in (VoterChain, Vote, Ballot):
        rows = await session.scalars(
            select(table.voter_id).where(table.campaign_id == campaign_id).distinct()
        )
        found.update(v for v in rows if v not in seen)
    return found


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
    count = Count(rules, await candidates_of(session, campaign_id))
    # The stored rows are read on a second connection while the first streams the log.
    async with AsyncSession(session.bind) as lookups:
        checker = _Checker(lookups, campaign_id, count, report)
        seen: set[int] = set()
        log: _VoterLog | None = None
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
            if log is None or event.voter_id != log.voter:
                if log is not None:
                    await checker.add(log)
                log = _VoterLog(event.voter_id)
                seen.add(log.voter)
            _replay(log, event, report)
            report.events += 1
            if export is not None:
                export.write(_export_line(event, campaign_id, secret) + "\n")
            if progress is not None and report.events % BATCH == 0:
                progress(report.events, total or 0)
        if log is not None:
            await checker.add(log)
        for voter in sorted(await _unlogged_voters(lookups, campaign_id, seen)):
            await checker.add(_VoterLog(voter))
        await checker.flush()
    if progress is not None:
        progress(report.events, total or 0)
    report.voters = len(seen)
    result, tallies = count.result()
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
