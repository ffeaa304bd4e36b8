"""Concurrent votes through the API: nothing lost, budgets hold, duplicates leave one row."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from brandhub.voting.models import Vote
from brandhub.voting.recount import recount
from tests.api.test_voting import CAST
from tests.voting.world import build_world


def vote_request(gql, token: str, proposal: int, value: int = 1):
    from brandhub.schema.relay import to_global_id

    return gql(
        CAST,
        {"input": {"proposalId": to_global_id("Proposal", proposal), "value": value}},
        token=token,
    )


async def count_votes(state, **where) -> int:
    async with state.db.read() as session:
        query = select(func.count()).select_from(Vote)
        for column, value in where.items():
            query = query.where(getattr(Vote, column) == value)
        return await session.scalar(query)


class TestConcurrentVotes:
    async def test_hundreds_of_parallel_votes_on_one_proposal_lose_nothing(self, state, gql, clock):
        world = await build_world(state, members=200, proposals=2, now=clock.now, method="APPROVAL")
        target = world.proposal_ids[0]
        bodies = await asyncio.gather(*(vote_request(gql, token, target) for token in world.tokens))
        assert all(b["data"]["castVote"]["errors"] == [] for b in bodies)
        final = await vote_request(gql, world.tokens[0], target)
        assert final["data"]["castVote"]["tally"] == {"voters": 200, "pending": 0, "score": 200.0}
        async with state.db.read() as session:
            report = await recount(session, world.campaign_id)
        assert report.differences == []
        assert report.events == 200  # the repeated identical vote is a no-op

    async def test_parallel_requests_of_one_member_never_exceed_the_budget(self, state, gql, clock):
        world = await build_world(
            state, members=1, proposals=20, now=clock.now, method="APPROVAL", votes_per_member=5
        )
        [token] = world.tokens
        bodies = await asyncio.gather(
            *(vote_request(gql, token, pid) for pid in world.proposal_ids)
        )
        codes = [[e["code"] for e in b["data"]["castVote"]["errors"]] for b in bodies]
        assert codes.count([]) == 5
        assert codes.count(["BUDGET_EXCEEDED"]) == 15
        assert await count_votes(state, voter_id=world.members[0].id) == 5

    async def test_parallel_quadratic_credits_hold(self, state, gql, clock):
        world = await build_world(
            state, members=1, proposals=10, now=clock.now, method="QUADRATIC", credits_per_member=20
        )
        [token] = world.tokens
        bodies = await asyncio.gather(
            *(vote_request(gql, token, pid, 3) for pid in world.proposal_ids)
        )
        accepted = [b for b in bodies if b["data"]["castVote"]["errors"] == []]
        assert len(accepted) == 2  # 9 + 9 <= 20 < 27

    async def test_duplicate_submissions_leave_one_row(self, state, gql, clock):
        world = await build_world(state, members=1, proposals=1, now=clock.now, method="APPROVAL")
        [token] = world.tokens
        [proposal] = world.proposal_ids
        bodies = await asyncio.gather(*(vote_request(gql, token, proposal) for _ in range(20)))
        assert all(b["data"]["castVote"]["errors"] == [] for b in bodies)
        assert await count_votes(state, proposal_id=proposal) == 1
        final = await vote_request(gql, token, proposal)
        assert final["data"]["castVote"]["tally"]["voters"] == 1


class TestVotesAndClosing:
    async def test_a_vote_racing_a_close_waits_and_is_refused(self, state, clock):
        from brandhub.voting import closing, service
        from brandhub.voting.errors import VotingClosed

        world = await build_world(state, members=1, proposals=1, now=clock.now, method="APPROVAL")

        async def late_vote() -> None:
            async with state.db.unit_of_work() as session:
                await service.cast_vote(
                    session,
                    voter=world.members[0],
                    proposal_id=world.proposal_ids[0],
                    value=1,
                    now=clock.now,
                    secret="test-secret",
                )

        async with state.db.unit_of_work() as session:
            await closing.close_campaign(
                session,
                actor=world.owner,
                campaign_id=world.campaign_id,
                now=clock.now,
                secret="test-secret",
            )
            voting = asyncio.create_task(late_vote())
            await asyncio.sleep(0.3)
            assert not voting.done()  # held back by the closing transaction
        try:
            await voting
        except VotingClosed:
            pass
        else:
            raise AssertionError("a vote landed after the campaign closed")
        assert await count_votes(state, campaign_id=world.campaign_id) == 0
