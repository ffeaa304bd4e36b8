"""Group commit for vote changes: one transaction per batch of concurrent votes.

Requests hand their change to ``VoteWriter.submit`` and wait. A writer task takes every
change queued (up to ``max_batch``) and applies them in one transaction, each under its own
savepoint, so one refused vote never fails its batch-mates; the counters the batch moves
are gathered and written at its end in multi-row upserts. Each request is answered only
after the commit, with its own result or its own error. If the batch fails as a whole
(a statement error, a deadlock, a failed commit) its changes are retried one by one.

The rules are those of ``voting.service`` (the same functions run): a voter's changes in one
batch are applied in the order they arrived, behind the voter's chain lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.db import AFTER_COMMIT, PENDING_JOBS, Database
from brandhub.errors import DomainError
from brandhub.voting import batch as setbased
from brandhub.voting import counters, service
from brandhub.voting.errors import VotingClosed
from brandhub.voting.service import BallotResult, VoteResult

log = logging.getLogger("brandhub.voting.writer")


class CampaignClosedInBatch(Exception):
    """A campaign of the batch closed while it was written: retried change by change."""


@dataclass(frozen=True, slots=True)
class CastVote:
    voter: Member
    proposal_id: int
    value: int
    now: datetime


@dataclass(frozen=True, slots=True)
class RetractVote:
    voter: Member
    proposal_id: int
    now: datetime


@dataclass(frozen=True, slots=True)
class CastBallot:
    voter: Member
    campaign_id: int
    ranking: list[int]
    now: datetime


VoteChange = CastVote | RetractVote | CastBallot
Outcome = VoteResult | BallotResult


async def apply_change(session: AsyncSession, change: VoteChange, secret: str) -> Outcome:
    """Run one change through the voting service."""
    match change:
        case CastVote():
            return await service.cast_vote(
                session,
                voter=change.voter,
                proposal_id=change.proposal_id,
                value=change.value,
                now=change.now,
                secret=secret,
            )
        case RetractVote():
            return await service.retract_vote(
                session,
                voter=change.voter,
                proposal_id=change.proposal_id,
                now=change.now,
                secret=secret,
            )
        case CastBallot():
            return await service.cast_ballot(
                session,
                voter=change.voter,
                campaign_id=change.campaign_id,
                ranking=change.ranking,
                now=change.now,
                secret=secret,
            )


@dataclass(slots=True)
class _Waiting:
    change: VoteChange
    future: asyncio.Future[Outcome]


@dataclass
class WriterStats:
    """What the writer did (for tests, metrics and benchmarks)."""

    batches: int = 0
    changes: int = 0
    largest: int = 0
    retried_batches: int = 0
    set_based: int = 0  # changes decided by the set-based path


class VoteWriter:
    """The per-process group-commit writer of vote changes."""

    def __init__(
        self,
        db: Database,
        *,
        secret: str,
        max_batch: int = 128,
        tasks: int = 1,
        set_based: bool = True,
    ) -> None:
        self.db = db
        self.set_based = set_based
        self.secret = secret
        self.max_batch = max_batch
        self.tasks = tasks
        self.stats = WriterStats()
        self._queue: asyncio.Queue[_Waiting] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        # Test hook: awaited inside each batch transaction just before its commit.
        self.before_commit: Callable[[list[VoteChange]], Awaitable[None]] | None = None

    def start(self) -> None:
        """Start the writer task(s)."""
        if not self._workers:
            self._workers = [asyncio.create_task(self._run()) for _ in range(self.tasks)]

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._workers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), timeout=30)
        await self.crash()

    async def crash(self) -> None:
        """Stop at once, as a killed process would: the batch in flight is rolled back and
        its requests (and any still queued) are answered with an error, never a success."""
        for task in self._workers:
            task.cancel()
        for task in self._workers:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._workers = []
        while not self._queue.empty():
            waiting = self._queue.get_nowait()
            if not waiting.future.done():
                waiting.future.set_exception(RuntimeError("the vote writer stopped"))

    async def submit(self, change: VoteChange) -> Outcome:
        """Queue a change and wait for it to be committed: its result, or its error."""
        if not self._workers:
            self.start()
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        await self._queue.put(_Waiting(change, future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write_or_retry(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write_or_retry(self, batch: list[_Waiting]) -> None:
        try:
            await self._write(batch, set_based=self.set_based)
        except asyncio.CancelledError:
            for waiting in batch:
                if not waiting.future.done():
                    waiting.future.set_exception(RuntimeError("the vote writer stopped"))
            raise
        except Exception as error:  # the batch as a whole failed: nothing of it committed
            if len(batch) == 1 and (isinstance(error, DomainError) or not self.set_based):
                if not batch[0].future.done():
                    batch[0].future.set_exception(error)
                return
            if not isinstance(error, CampaignClosedInBatch):
                log.warning("vote batch of %d failed (%r); retrying one by one", len(batch), error)
            self.stats.retried_batches += 1
            for waiting in batch:  # through the per-change path (the fallback)
                try:
                    await self._write([waiting], set_based=False)
                except Exception as error:
                    if not waiting.future.done():
                        waiting.future.set_exception(error)

    async def _write(self, batch: list[_Waiting], *, set_based: bool = False) -> None:
        # A voter's changes stay in arrival order; voters are taken in id order, so two
        # batches lock chains, and then counters, in the same order (no deadlocks).
        ordered = sorted(batch, key=lambda w: w.change.voter.id or 0)
        outcomes: list[tuple[_Waiting, Outcome | DomainError]] = []
        async with self.db.unit_of_work() as session:
            total = counters.CounterBatch()
            later: dict[int, setbased.Later] = {}
            if set_based:
                casts = [w for w in batch if isinstance(w.change, CastVote)]
                others = {w.change.voter.id for w in batch if not isinstance(w.change, CastVote)}
                decided, later = await setbased.cast_votes(
                    session,
                    [w.change for w in casts],
                    secret=self.secret,
                    total=total,
                    slow_voters={v for v in others if v is not None},
                )
                outcomes.extend((casts[i], outcome) for i, outcome in decided.items())
                done = {id(casts[i]) for i in decided}
                self.stats.set_based += len(decided)
            else:
                done = set()
            for waiting in ordered:
                if id(waiting) in done:
                    continue
                outcomes.append((waiting, await self._one(session, waiting.change, total)))
            session.info.pop(counters.BATCH, None)
            # The set-based rows and every counter: one statement on PostgreSQL.
            await setbased.write(session, total)
            if total.phases:  # checked once all the batch's events are written
                try:
                    await service.check_still_voting(session, sorted(total.phases))
                except VotingClosed:
                    if len(batch) > 1:  # find out whose: one by one
                        raise CampaignClosedInBatch() from None
                    raise
            tallies = {pid: await after() for pid, after in sorted(total.after.items())}
            if later:
                fresh = {pid: entry for pid, entry in later.items() if pid not in tallies}
                tallies.update(await setbased.tallies_after(session, fresh))
            if self.before_commit is not None:
                await self.before_commit([w.change for w in ordered])
        # committed: answer everyone
        self.stats.batches += 1
        self.stats.changes += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        for waiting, outcome in outcomes:
            if waiting.future.done():
                continue
            if isinstance(outcome, DomainError):
                waiting.future.set_exception(outcome)
            else:
                waiting.future.set_result(_with_tally(outcome, tallies))

    async def _one(
        self, session: AsyncSession, change: VoteChange, total: counters.CounterBatch
    ) -> Outcome | DomainError:
        """One change under a savepoint: its outcome, or its domain error (rolled back)."""
        mine = counters.CounterBatch(heads=dict(total.heads))
        session.info[counters.BATCH] = mine
        jobs = len(session.info.get(PENDING_JOBS, ()))
        callbacks = len(session.info.get(AFTER_COMMIT, ()))
        try:
            async with session.begin_nested():
                outcome = await apply_change(session, change, self.secret)
        except DomainError as error:
            _truncate(session.info, PENDING_JOBS, jobs)
            _truncate(session.info, AFTER_COMMIT, callbacks)
            return error
        total.merge(mine)
        return outcome


def _truncate(info: dict[str, Any], key: str, length: int) -> None:
    if key in info:
        del info[key][length:]


def _with_tally(outcome: Outcome, tallies: dict[int, Any]) -> Outcome:
    if isinstance(outcome, VoteResult) and outcome.tally is service.TALLY_LATER:
        tally, score = tallies[outcome.proposal_id]
        return dataclasses.replace(outcome, tally=tally, score=score)
    return outcome
