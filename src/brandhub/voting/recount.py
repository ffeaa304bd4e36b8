"""The recount: replay the hash-chained log, check every chain, recompute tallies and results
with the same pure functions, check the signed seal, and report every difference from what
is stored. Memory stays O(batch + proposals + voters / BLOCK_SIZE)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.campaigns import get_campaign, rules_of
from brandhub.community.models import Campaign, Phase
from brandhub.partners.events import global_id
from brandhub.voting import chain, counters, keys, seal, sealing
from brandhub.voting.canonical import digest, timestamp
from brandhub.voting.closing import candidates_of
from brandhub.voting.methods import Tally
from brandhub.voting.models import (
    Ballot,
    CampaignResultRow,
    CampaignSeal,
    Vote,
    VoteEvent,
    VoterChain,
)
from brandhub.voting.ranking import CampaignResult
from brandhub.voting.replay import ChainReplay
from brandhub.voting.results import Count, ranking_rows

BATCH = 10_000
# Voters whose stored rows are fetched and compared together.
VOTER_BATCH = 500


@dataclass
class RecountReport:
    """What the recount found; ``ok`` when nothing differs."""

    campaign_id: int
    events: int = 0
    voters: int = 0
    legacy_events: int = 0
    sealed: bool = False
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences


class _Checker:
    """Compares replayed voters with the stored rows, a batch of voters at a time, and
    folds their final votes into the count: memory stays O(batch + proposals)."""

    def __init__(
        self, session: AsyncSession, campaign_id: int, count: Count, report: RecountReport
    ):
        self.session, self.campaign_id = session, campaign_id
        self.count, self.report = count, report
        self.pending: dict[int, ChainReplay] = {}

    async def add(self, voter_id: int, log: ChainReplay) -> None:
        for proposal, (value, weight) in log.votes.items():
            self.count.add_vote(voter_id, proposal, value, weight)
        if log.ballot is not None:
            self.count.add_ballot(voter_id, *log.ballot)
        self.pending[voter_id] = log
        if len(self.pending) >= VOTER_BATCH:
            await self.flush()

    async def flush(self) -> None:
        logs, self.pending = self.pending, {}
        if logs:
            await _compare(self.session, self.campaign_id, logs, self.report)


async def _compare(
    session: AsyncSession, campaign_id: int, logs: dict[int, ChainReplay], report: RecountReport
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
    """Voters with stored votes, or a chain that claims events, but no event at all."""
    found: set[int] = set()
    chains = await session.scalars(
        select(VoterChain.voter_id).where(VoterChain.campaign_id == campaign_id, VoterChain.seq > 0)
    )
    found.update(v for v in chains if v not in seen)
    for table in (Vote, Ballot):
        rows = await session.scalars(
            select(table.voter_id).where(table.campaign_id == campaign_id).distinct()
        )
        found.update(v for v in rows if v not in seen)
    return found


def _replay(
    log: ChainReplay, event: Row[Any], campaign_id: int, derived: str, report: RecountReport
) -> None:
    """Check one stored event: pseudonymous ("v": 2) or written before migration 0007.

    ``derived`` is the voter's pseudonym as BRANDHUB_SECRET_KEY makes it ("" unchecked).
    """
    where = f"event {event.id} (voter {event.voter_id}, seq {event.seq})"
    payload = event.payload
    version = payload.get("v") if isinstance(payload, dict) else None
    if version is None:
        report.legacy_events += 1
        expected: int | str = event.voter_id
    elif version == chain.EVENT_VERSION:
        expected = event.pseudonym or ""
        if derived and expected != derived:
            report.differences.append(f"{where}: the pseudonym is not this voter's")
    else:
        report.differences.append(f"{where}: unknown event version {version!r}")
        expected = ""
    if isinstance(payload, dict) and payload.get("seq") != event.seq:
        report.differences.append(f"{where}: payload names another seq")
    report.differences.extend(
        log.apply(
            payload,
            event.prev_hash,
            event.hash,
            campaign_id=campaign_id,
            voter=expected,
            where=where,
        )
    )


async def recount(
    session: AsyncSession,
    campaign_id: int,
    *,
    secret: str = "",
    public_key: bytes | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RecountReport:
    """Replay a campaign's log and compare with the stored state and the signed seal.

    ``secret`` (BRANDHUB_SECRET_KEY) also checks that each chain's pseudonym is its voter's;
    ``public_key`` checks the seal's signature with a key held outside the database.
    """
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
        log: ChainReplay | None = None
        voter_id = -1
        # Plain rows, not ORM objects: nothing piles up in the session's identity map.
        stream = await session.stream(
            select(
                VoteEvent.id,
                VoteEvent.voter_id,
                VoteEvent.seq,
                VoteEvent.payload,
                VoteEvent.prev_hash,
                VoteEvent.hash,
                VoterChain.pseudonym,
            )
            .outerjoin(
                VoterChain,
                (VoterChain.campaign_id == VoteEvent.campaign_id)
                & (VoterChain.voter_id == VoteEvent.voter_id),
            )
            .where(VoteEvent.campaign_id == campaign_id)
            .order_by(VoteEvent.voter_id, VoteEvent.seq)
            .execution_options(yield_per=BATCH)
        )
        derived = ""
        async for rows in stream.partitions():
            for event in rows:
                if log is None or event.voter_id != voter_id:
                    if log is not None:
                        await checker.add(voter_id, log)
                    voter_id = event.voter_id
                    log = ChainReplay(voter_id)
                    seen.add(voter_id)
                    derived = chain.pseudonym(secret, campaign_id, voter_id) if secret else ""
                _replay(log, event, campaign_id, derived, report)
                report.events += 1
                if progress is not None and report.events % BATCH == 0:
                    progress(report.events, total or 0)
        if log is not None:
            await checker.add(voter_id, log)
        for voter in sorted(await _unlogged_voters(lookups, campaign_id, seen)):
            await checker.add(voter, ChainReplay(voter))
        await checker.flush()
    if progress is not None:
        progress(report.events, total or 0)
    report.voters = len(seen)
    result, tallies = count.result()
    await _compare_tallies(session, campaign_id, tallies, report)
    from brandhub.ladder.audit import check_ladder  # the ladder builds on the vote

    report.differences.extend(await check_ladder(session, campaign))
    if count.capped:
        await _compare_bins(session, campaign_id, count, report)
    if campaign.phase == Phase.CLOSED:
        await _check_closed(session, campaign, result, public_key, report)
    return report


async def _check_closed(
    session: AsyncSession,
    campaign: Campaign,
    result: CampaignResult,
    public_key: bytes | None,
    report: RecountReport,
) -> None:
    assert campaign.id is not None
    stored = await session.get(CampaignResultRow, campaign.id)
    if stored is None:
        report.differences.append("the campaign is closed but has no stored result")
        return
    sealed = await session.get(CampaignSeal, campaign.id)
    if stored.winner_id != result.winner:
        report.differences.append(
            f"stored winner {stored.winner_id} differs from recount winner {result.winner}"
        )
    if stored.voters != result.voters or stored.quorum_met != result.quorum_met:
        report.differences.append("stored voter count or quorum differs from the recount")
    if sealed is None:
        _check_legacy_result(stored, result, report)
        heads = await session.execute(
            select(VoterChain.voter_id, VoterChain.seq, VoterChain.head).where(
                VoterChain.campaign_id == campaign.id
            )
        )
        if chain.legacy_seal(list(heads.all())) != stored.seal:
            report.differences.append("stored seal differs from the chain heads")
        return
    report.sealed = True
    if stored.ranking != ranking_rows(result):
        report.differences.append("stored ranking differs from the recount")
    await _check_seal(session, campaign, stored, sealed, public_key, report)


def _check_legacy_result(
    stored: CampaignResultRow, result: CampaignResult, report: RecountReport
) -> None:
    """A result stored before migration 0007: float scores, no signature."""
    recounted = [(e.proposal_id, float(e.score)) for e in result.ranking]
    stored_rows = [(e["proposal"], float(e["score"])) for e in stored.ranking]
    if [p for p, _ in recounted] != [p for p, _ in stored_rows] or not all(
        math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
        for (_, a), (_, b) in zip(recounted, stored_rows, strict=True)
    ):
        report.differences.append("stored ranking differs from the recount")


async def _check_seal(
    session: AsyncSession,
    campaign: Campaign,
    stored: CampaignResultRow,
    sealed: CampaignSeal,
    public_key: bytes | None,
    report: RecountReport,
) -> None:
    """The chain heads against the signed root, the statement against what it covers, and the
    signature against the key."""
    assert campaign.id is not None
    tree = await sealing.tree_from_chains(session, campaign.id)
    statement = sealed.statement
    if tree.root != sealed.root or tree.root != statement.get("root"):
        report.differences.append(
            f"the chain heads hash to root {tree.root}, the signed seal says "
            f"{statement.get('root')}"
        )
    if tree.size != statement.get("treeSize"):
        report.differences.append(
            f"{tree.size} voter chains, the signed seal says {statement.get('treeSize')}"
        )
    if [[first, block] for first, block in tree.blocks] != sealed.blocks:
        report.differences.append("the stored seal blocks differ from the chain heads")
    if stored.seal != sealed.root:
        report.differences.append("the stored result's seal differs from the signed root")
    stored_document = {
        "winner": stored.winner_id,
        "voters": stored.voters,
        "quorumMet": stored.quorum_met,
        "ranking": stored.ranking,
    }
    if digest(stored_document) != statement.get("result"):
        report.differences.append("the stored result is not the one the seal signed")
    if digest(sealed.setup) != statement.get("setup"):
        report.differences.append("the stored setup (rules, candidates) is not the one signed")
    if sealed.setup.get("rules") != sealing.rules_document(rules_of(campaign)):
        report.differences.append("the campaign's rules differ from the sealed rules")
    expected = {
        "campaign": global_id("Campaign", campaign.id),
        "closedAt": timestamp(sealed.closed_at),
        "keyId": sealed.key_id,
        "kind": seal.STATEMENT_KIND,
        "version": seal.STATEMENT_VERSION,
    }
    for name, value in expected.items():
        if statement.get(name) != value:
            report.differences.append(f"the signed statement's {name} is {statement.get(name)!r}")
    key = public_key or await keys.public_key(session, sealed.key_id)
    if key is None:
        report.differences.append(f"no public key {sealed.key_id} to check the seal's signature")
    elif not seal.signature_holds(key, statement, sealed.signature):
        report.differences.append(f"the seal's signature does not verify with key {sealed.key_id}")


async def _compare_bins(
    session: AsyncSession, campaign_id: int, count: Count, report: RecountReport
) -> None:
    """The weight histograms a capped campaign ranks by, against the recount's."""
    stored = await counters.proposal_bins(session, campaign_id)
    recounted = {pid: dict(s.bins) for pid, s in count.supports().items() if s.bins}
    for pid in sorted(set(stored) | set(recounted)):
        if stored.get(pid, {}) != recounted.get(pid, {}):
            report.differences.append(
                f"proposal {pid}: live weight histogram {stored.get(pid, {})} "
                f"but recount {recounted.get(pid, {})}"
            )


async def _compare_tallies(
    session: AsyncSession,
    campaign_id: int,
    recounted: dict[int, Tally],
    report: RecountReport,
) -> None:
    stored = await counters.proposal_tallies(session, campaign_id=campaign_id)
    for pid in sorted(set(stored) | set(recounted)):
        if pid not in recounted:
            continue  # withdrawn or hidden: not a candidate, its counters stay as they were
        live, again = stored.get(pid, Tally()), recounted.get(pid, Tally())
        if (live.voters, live.pending, live.weight_sum, live.value_sum) != (
            again.voters,
            again.pending,
            again.weight_sum,
            again.value_sum,
        ):
            report.differences.append(f"proposal {pid}: live tally {live} but recount {again}")
