"""The group-commit vote writer: batches keep every rule of a single vote, answer each
change with its own outcome, and acknowledge only what is committed."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import func, select

from brandhub.voting import closing, writer
from brandhub.voting.errors import BudgetExceededError, InvalidVote, VotingClosed
from brandhub.voting.models import Vote, VoteEvent
from brandhub.voting.recount import recount
from brandhub.voting.writer import CastBallot, CastVote, RetractVote, VoteWriter
from tests.voting.world import build_world

SECRET = "test-secret"


def new_writer(state, **kwargs) -> VoteWriter:
    return VoteWriter(state.db, secret=SECRET, **kwargs)


async def stored_votes(state, campaign_id: int) -> set[tuple[int, int, int]]:
    async with state.db.read() as session:
        rows = await session.execute(
            select(Vote.voter_id, Vote.proposal_id, Vote.value).where(
                Vote.campaign_id == campaign_id
            )
        )
        return {tuple(row) for row in rows}


async def event_count(state, campaign_id: int) -> int:
    async with state.db.read() as session:
        return await session.scalar(
            select(func.count()).select_from(VoteEvent).where(VoteEvent.campaign_id == campaign_id)
        )


async def check_recount(state, campaign_id: int):
    async with state.db.read() as session:
        report = await recount(session, campaign_id)
    assert report.differences == []
    return report


class Gate:
    """Holds the writer's first batch open (before its commit) until released, so that
    everything submitted meanwhile is written as one batch."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.held = asyncio.Event()
        self.sizes: list[int] = []

    async def __call__(self, changes) -> None:
        self.sizes.append(len(changes))
        if len(self.sizes) == 1:
            self.held.set()
            await self.open.wait()


async def first_then_batch(w: VoteWriter, first, rest):
    """Submit ``first``, wait until its batch is held open, then submit ``rest`` (queued as
    one batch) and release; return every outcome (result or exception), in order."""
    gate = Gate()
    w.before_commit = gate
    head = asyncio.create_task(w.submit(first))
    await gate.held.wait()
    tasks = [asyncio.create_task(w.submit(c)) for c in rest]
    await asyncio.sleep(0.05)
    gate.open.set()
    outcomes = await asyncio.gather(head, *tasks, return_exceptions=True)
    return outcomes, gate.sizes


class TestBatches:
    async def test_concurrent_mixed_changes_end_exact(self, state, clock):
        world = await build_world(
            state, members=12, proposals=5, now=clock.now, method="QUADRATIC", credits_per_member=20
        )
        w = new_writer(state, max_batch=16)
        rng = random.Random(7)
        changes = []
        for _ in range(240):
            voter = rng.choice(world.members)
            proposal = rng.choice(world.proposal_ids)
            if rng.random() < 0.25:
                changes.append(RetractVote(voter, proposal, clock.now))
            else:
                changes.append(
                    CastVote(voter, proposal, rng.choice([-3, -2, 1, 2, 3, 4]), clock.now)
                )
        try:
            outcomes = await asyncio.gather(*(w.submit(c) for c in changes), return_exceptions=True)
        finally:
            await w.stop()
        assert w.stats.largest > 1  # really batched
        assert w.stats.batches < len(changes)
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert all(isinstance(o, (BudgetExceededError, InvalidVote)) for o in refused)
        assert len(refused) < len(changes)
        # every voter within their credits
        votes = await stored_votes(state, world.campaign_id)
        for member in world.members:
            assert sum(v * v for voter, _, v in votes if voter == member.id) <= 20
        # each accepted change that changed something is one event, chains and tallies exact
        seqs = {}
        for outcome in outcomes:
            if not isinstance(outcome, Exception):
                key = outcome.receipt.voter
                seqs[key] = max(seqs.get(key, 0), outcome.receipt.seq)
        report = await check_recount(state, world.campaign_id)
        assert report.events == sum(seqs.values()) == await event_count(state, world.campaign_id)

    async def test_two_changes_of_one_voter_in_one_batch_apply_in_order(self, state, clock):
        world = await build_world(
            state, members=2, proposals=3, now=clock.now, method="APPROVAL", votes_per_member=1
        )
        a, b = world.members
        p0, p1, _ = world.proposal_ids
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastVote(b, p0, 1, clock.now),
                [
                    CastVote(a, p0, 1, clock.now),
                    CastVote(a, p1, 1, clock.now),  # over a's budget of one: refused
                    RetractVote(a, p0, clock.now),
                    CastVote(a, p1, 1, clock.now),  # budget freed by the retraction
                ],
            )
        finally:
            await w.stop()
        assert sizes == [1, 4]
        _, first, refused, retracted, last = outcomes
        assert first.tally.voters >= 1 and first.receipt.seq == 1
        assert isinstance(refused, BudgetExceededError)
        assert retracted.vote is None and retracted.receipt.seq == 2
        assert last.receipt.seq == 3
        # tallies answered after the batch's counters: p1 has a's vote, p0 only b's
        assert last.tally.voters == 1
        assert retracted.tally.voters == 1
        assert await stored_votes(state, world.campaign_id) == {(b.id, p0, 1), (a.id, p1, 1)}
        await check_recount(state, world.campaign_id)

    async def test_one_bad_vote_never_fails_its_batch_mates(self, state, clock):
        world = await build_world(state, members=4, proposals=2, now=clock.now, method="SCORE")
        a, b, c, d = world.members
        p0, p1 = world.proposal_ids
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastVote(a, p0, 3, clock.now),
                [
                    CastVote(b, p0, 4, clock.now),
                    CastVote(c, p0, 9, clock.now),  # not a star count
                    CastVote(c, 999_999, 3, clock.now),  # no such proposal
                    RetractVote(d, p1, clock.now),  # nothing to retract
                    CastVote(d, p1, 5, clock.now),
                ],
            )
        finally:
            await w.stop()
        assert sizes == [1, 5]
        ok_b, bad_value, unknown, nothing, ok_d = outcomes[1:]
        assert ok_b.tally.voters == 2
        assert isinstance(bad_value, InvalidVote) and bad_value.field == ["value"]
        assert getattr(unknown, "field", None) == ["proposalId"]
        assert isinstance(nothing, InvalidVote)
        assert ok_d.tally.voters == 1
        assert await stored_votes(state, world.campaign_id) == {
            (a.id, p0, 3),
            (b.id, p0, 4),
            (d.id, p1, 5),
        }
        assert await event_count(state, world.campaign_id) == 3
        await check_recount(state, world.campaign_id)

    async def test_a_failing_statement_is_retried_vote_by_vote(self, state, clock, monkeypatch):
        world = await build_world(state, members=3, proposals=1, now=clock.now, method="APPROVAL")
        a, b, c = world.members
        [p0] = world.proposal_ids
        real = writer.apply_change

        async def flaky(session, change, secret):
            if change.voter.id == b.id:
                raise RuntimeError("the database said no")
            return await real(session, change, secret)

        monkeypatch.setattr(writer, "apply_change", flaky)
        w = new_writer(state, set_based=False)  # the per-change path
        try:
            outcomes, _ = await first_then_batch(
                w,
                CastVote(a, p0, 1, clock.now),
                [CastVote(b, p0, 1, clock.now), CastVote(c, p0, 1, clock.now)],
            )
        finally:
            await w.stop()
        assert w.stats.retried_batches == 1
        assert isinstance(outcomes[1], RuntimeError)
        assert outcomes[2].tally.voters == 2
        assert await stored_votes(state, world.campaign_id) == {(a.id, p0, 1), (c.id, p0, 1)}
        await check_recount(state, world.campaign_id)

    async def test_ballots_replacements_and_withdrawals_in_one_batch(self, state, clock):
        world = await build_world(state, members=3, proposals=3, now=clock.now, method="RANKED")
        a, b, c = world.members
        x, y, z = world.proposal_ids
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastBallot(a, world.campaign_id, [x, y], clock.now),
                [
                    CastBallot(b, world.campaign_id, [y, x, z], clock.now),
                    CastBallot(a, world.campaign_id, [z], clock.now),
                    CastBallot(c, world.campaign_id, [x, x], clock.now),  # refused
                    CastBallot(b, world.campaign_id, [], clock.now),  # withdrawn
                ],
            )
        finally:
            await w.stop()
        assert sizes == [1, 4]
        assert [o.receipt.seq for o in outcomes if not isinstance(o, Exception)] == [1, 1, 2, 2]
        assert isinstance(outcomes[3], InvalidVote)
        report = await check_recount(state, world.campaign_id)
        assert report.events == 4


class TestAcknowledgement:
    async def test_a_crash_loses_no_acknowledged_vote(self, state, clock):
        world = await build_world(state, members=6, proposals=1, now=clock.now, method="APPROVAL")
        [p0] = world.proposal_ids
        w = new_writer(state)
        stuck = asyncio.Event()

        async def hang_second_batch(changes) -> None:
            if w.stats.batches >= 1:
                stuck.set()
                await asyncio.Event().wait()  # the process dies here, before the commit

        w.before_commit = hang_second_batch
        acked = await w.submit(CastVote(world.members[0], p0, 1, clock.now))
        late = [
            asyncio.create_task(w.submit(CastVote(m, p0, 1, clock.now))) for m in world.members[1:]
        ]
        await stuck.wait()
        await w.crash()
        outcomes = await asyncio.gather(*late, return_exceptions=True)
        assert all(isinstance(o, RuntimeError) for o in outcomes)  # none acknowledged
        assert acked.tally.voters == 1
        assert await stored_votes(state, world.campaign_id) == {(world.members[0].id, p0, 1)}
        await check_recount(state, world.campaign_id)

    async def test_the_close_race_still_refuses_late_votes(self, state, clock):
        world = await build_world(state, members=2, proposals=1, now=clock.now, method="APPROVAL")
        [p0] = world.proposal_ids
        w = new_writer(state)
        try:
            async with state.db.unit_of_work() as session:
                await closing.close_campaign(
                    session,
                    actor=world.owner,
                    campaign_id=world.campaign_id,
                    now=clock.now,
                    secret=SECRET,
                )
                late = [
                    asyncio.create_task(w.submit(CastVote(m, p0, 1, clock.now)))
                    for m in world.members
                ]
                await asyncio.sleep(0.3)
                assert not any(t.done() for t in late)  # held back by the closing transaction
            outcomes = await asyncio.gather(*late, return_exceptions=True)
        finally:
            await w.stop()
        assert all(isinstance(o, VotingClosed) for o in outcomes)
        assert await stored_votes(state, world.campaign_id) == set()


@pytest.mark.parametrize("max_batch", [1, 64])
async def test_the_app_answers_votes_through_its_writer(state, gql, clock, max_batch):
    from tests.voting.test_concurrency import vote_request

    state.votes.max_batch = max_batch
    world = await build_world(state, members=30, proposals=1, now=clock.now, method="APPROVAL")
    bodies = await asyncio.gather(
        *(vote_request(gql, token, world.proposal_ids[0]) for token in world.tokens)
    )
    assert all(b["data"]["castVote"]["errors"] == [] for b in bodies)
    # concurrent batches (two writer tasks on PostgreSQL) each read the tally before the
    # other commits; a repeat (a no-op) reads it after all of them
    again = await vote_request(gql, world.tokens[0], world.proposal_ids[0])
    assert again["data"]["castVote"]["tally"]["voters"] == 30
    assert state.votes.stats.changes == 31
    assert (state.votes.stats.largest > 1) == (max_batch > 1)
    await check_recount(state, world.campaign_id)


async def test_a_close_landing_inside_a_batch_refuses_all_its_votes(
    state, clock, backend, monkeypatch
):
    """The close commits after the batch read the campaign but before its phase check (a
    plain phase update from another connection stands in for the race): the batch is
    retried change by change, and each change is refused."""
    if backend == "sqlite":
        pytest.skip("SQLite: the batch holds the database's write lock, nothing lands inside")
    from sqlalchemy import update

    from brandhub.community.models import Campaign, Phase
    from brandhub.voting import service

    world = await build_world(state, members=3, proposals=1, now=clock.now, method="APPROVAL")
    [p0] = world.proposal_ids
    real = service.check_still_voting
    calls = []

    async def close_in_second_batch(session, campaign_ids):
        calls.append(campaign_ids)
        if len(calls) == 2:  # the first batch (one vote) commits; the second is the race
            async with state.db.engine.connect() as other:
                await other.execute(
                    update(Campaign)
                    .where(Campaign.id == world.campaign_id)
                    .values(phase=Phase.CLOSED)
                )
                await other.commit()
        await real(session, campaign_ids)

    monkeypatch.setattr(service, "check_still_voting", close_in_second_batch)
    w = new_writer(state)
    try:
        outcomes, sizes = await first_then_batch(
            w,
            CastVote(world.members[0], p0, 1, clock.now),
            [CastVote(m, p0, 1, clock.now) for m in world.members[1:]],
        )
    finally:
        await w.stop()
    assert sizes == [1, 1, 1]  # the batch of two never reached its commit: retried alone
    assert outcomes[0].receipt.seq == 1
    assert all(isinstance(o, VotingClosed) for o in outcomes[1:])
    assert w.stats.retried_batches == 1
    assert await stored_votes(state, world.campaign_id) == {(world.members[0].id, p0, 1)}
    assert await event_count(state, world.campaign_id) == 1


class TestSetBased:
    """castVote batches decided in Python from one read each (voting.batch)."""

    async def test_concurrent_casts_match_the_rules_applied_in_order(self, state, clock):
        world = await build_world(
            state, members=10, proposals=4, now=clock.now, method="QUADRATIC", credits_per_member=20
        )
        w = new_writer(state, max_batch=32)
        rng = random.Random(11)
        changes = [
            CastVote(rng.choice(world.members), rng.choice(world.proposal_ids), v, clock.now)
            for v in (rng.choice([-4, -2, 1, 2, 3, 4, 5]) for _ in range(300))
        ]
        # the rules applied one change after the other, in arrival order
        model: dict[int, dict[int, int]] = {}
        expected, events = [], {}
        for c in changes:
            mine = model.setdefault(c.voter.id, {})
            spent = sum(v * v for v in mine.values())
            after = spent - mine.get(c.proposal_id, 0) ** 2 + c.value * c.value
            if c.value * c.value > 20:
                expected.append(InvalidVote)
            elif mine.get(c.proposal_id) == c.value:
                expected.append("same")
            elif after > 20 and after > spent:
                expected.append(BudgetExceededError)
            else:
                mine[c.proposal_id] = c.value
                events[c.voter.id] = events.get(c.voter.id, 0) + 1
                expected.append(events[c.voter.id])
        try:
            outcomes = await asyncio.gather(*(w.submit(c) for c in changes), return_exceptions=True)
        finally:
            await w.stop()
        assert w.stats.largest > 1 and w.stats.set_based == len(changes)
        assert w.stats.retried_batches == 0
        for want, got in zip(expected, outcomes, strict=True):
            if isinstance(want, type):
                assert isinstance(got, want)
            elif want == "same":  # a no-op answers the stored vote and its event
                assert got.vote is not None and got.receipt.seq >= 1
            else:
                assert got.receipt.seq == want
        assert "same" in expected and BudgetExceededError in expected
        assert await stored_votes(state, world.campaign_id) == {
            (voter, pid, value) for voter, mine in model.items() for pid, value in mine.items()
        }
        report = await check_recount(state, world.campaign_id)
        assert report.events == sum(events.values()) == await event_count(state, world.campaign_id)
        # the answered tallies are those after the batch: the last answer per proposal is final
        final = {}
        for got in outcomes:
            if not isinstance(got, Exception):
                final[got.proposal_id] = got.tally
        async with state.db.read() as session:
            from brandhub.voting import counters

            for pid, tally in final.items():
                assert tally == await counters.proposal_tally(session, pid)

    async def test_a_failing_set_based_batch_is_retried_change_by_change(
        self, state, clock, monkeypatch
    ):
        from brandhub.voting import batch

        world = await build_world(state, members=3, proposals=1, now=clock.now, method="APPROVAL")
        a, b, c = world.members
        [p0] = world.proposal_ids
        real = batch.tallies_after
        calls = []

        async def fails_once_after_writing(session, later):
            calls.append(later)
            if len(calls) == 2:  # the batch of two, after all its writes
                raise RuntimeError("the database said no")
            return await real(session, later)

        monkeypatch.setattr(batch, "tallies_after", fails_once_after_writing)
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastVote(a, p0, 1, clock.now),
                [CastVote(b, p0, 1, clock.now), CastVote(c, p0, 1, clock.now)],
            )
        finally:
            await w.stop()
        assert sizes == [1, 1, 1]  # the batch of two rolled back, then one by one
        assert w.stats.retried_batches == 1
        assert [o.receipt.seq for o in outcomes] == [1, 1, 1]
        assert outcomes[2].tally.voters == 3
        assert await event_count(state, world.campaign_id) == 3
        await check_recount(state, world.campaign_id)

    async def test_new_accounts_and_retracting_voters_take_the_per_change_path(self, state, clock):
        from datetime import timedelta

        from sqlalchemy import update

        from brandhub.auth.models import Member

        world = await build_world(state, members=3, proposals=2, now=clock.now, method="APPROVAL")
        a, b, c = world.members
        p0, p1 = world.proposal_ids
        async with state.db.unit_of_work() as session:  # c's account is a day old
            await session.execute(
                update(Member)
                .where(Member.id == c.id)
                .values(created_at=clock.now - timedelta(days=1))
            )
        c.created_at = clock.now - timedelta(days=1)
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastVote(a, p0, 1, clock.now),
                [
                    CastVote(b, p0, 1, clock.now),
                    CastVote(a, p1, 1, clock.now),
                    RetractVote(a, p0, clock.now),
                    CastVote(c, p1, 1, clock.now),
                ],
            )
        finally:
            await w.stop()
        assert sizes == [1, 4]
        assert w.stats.set_based == 2  # a's first vote alone, then b's; a and c per change
        assert [o.receipt.seq for o in outcomes] == [1, 1, 2, 3, 1]
        assert await stored_votes(state, world.campaign_id) == {
            (b.id, p0, 1),
            (a.id, p1, 1),
            (c.id, p1, 1),
        }
        await check_recount(state, world.campaign_id)

    @pytest.mark.parametrize(
        "rules",
        [
            {"method": "SCORE", "max_voter_share": 0.5},
            {"method": "APPROVAL", "support_threshold": 2.0},
            {"method": "APPROVAL", "min_account_age_hours": 24 * 60},  # everyone pending
        ],
    )
    async def test_scores_caps_shortlists_and_pending_voters_in_one_batch(
        self, state, clock, rules
    ):
        world = await build_world(state, members=5, proposals=2, now=clock.now, **rules)
        p0, p1 = world.proposal_ids
        value = 4 if rules["method"] == "SCORE" else 1
        w = new_writer(state)
        try:
            outcomes, sizes = await first_then_batch(
                w,
                CastVote(world.members[0], p0, value, clock.now),
                [CastVote(m, p, value, clock.now) for m in world.members for p in (p0, p1)],
            )
        finally:
            await w.stop()
        assert sizes == [1, 10] and w.stats.set_based == 11
        repeat, *rest = outcomes[1:]
        assert repeat.receipt.seq == 1  # the first vote again: a no-op
        assert [o.receipt.seq for o in rest] == [2] + [1, 2] * 4
        async with state.db.read() as session:
            from brandhub.community.models import Proposal
            from brandhub.voting import counters

            for o in outcomes[1:]:
                assert o.tally == await counters.proposal_tally(session, o.proposal_id)
            statuses = set(await session.scalars(select(Proposal.status)))
        pending = "min_account_age_hours" in rules
        assert outcomes[-1].tally.pending == (5 if pending else 0)
        assert outcomes[-1].vote.pending is pending
        assert ("SHORTLISTED" in statuses) == ("support_threshold" in rules)
        await check_recount(state, world.campaign_id)

    async def test_two_writer_tasks_keep_budgets_chains_and_tallies_exact(self, state, clock):
        """Concurrent set-based batches (two writer tasks) over the same voters: each batch
        locks its chain heads in one statement, in key order, before reading any vote."""
        world = await build_world(
            state, members=8, proposals=4, now=clock.now, method="QUADRATIC", credits_per_member=20
        )
        w = new_writer(state, max_batch=8, tasks=2)
        rng = random.Random(5)
        changes = [
            CastVote(rng.choice(world.members), rng.choice(world.proposal_ids), v, clock.now)
            for v in (rng.choice([-3, 1, 2, 3, 4]) for _ in range(200))
        ]
        try:
            outcomes = await asyncio.gather(*(w.submit(c) for c in changes), return_exceptions=True)
        finally:
            await w.stop()
        assert w.stats.set_based > 0 and w.stats.batches < len(changes)
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert all(isinstance(o, BudgetExceededError) for o in refused)
        votes = await stored_votes(state, world.campaign_id)
        for member in world.members:
            assert sum(v * v for voter, _, v in votes if voter == member.id) <= 20
        seqs = {}
        for o in outcomes:
            if not isinstance(o, Exception):
                seqs[o.receipt.voter] = max(seqs.get(o.receipt.voter, 0), o.receipt.seq)
        report = await check_recount(state, world.campaign_id)
        assert report.events == sum(seqs.values()) == await event_count(state, world.campaign_id)
