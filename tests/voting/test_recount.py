"""The recount replays the chained log with the pure functions and catches any tampering."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from sqlalchemy import select, update

from brandhub.cli import main
from brandhub.community import proposals
from brandhub.errors import DomainError
from brandhub.voting import chain, closing, service
from brandhub.voting.models import TallySlot, Vote, VoteEvent
from brandhub.voting.recount import recount
from tests.voting.world import build_world

SECRET = "test-secret"
METHODS = {
    "APPROVAL": {"method": "APPROVAL", "votes_per_member": 3},
    "SCORE": {"method": "SCORE"},
    "QUADRATIC": {"method": "QUADRATIC", "credits_per_member": 20},
    "RANKED": {"method": "RANKED"},
    "ROLE-WEIGHTED": {"method": "SCORE", "weighting": "ROLE"},
}


async def random_votes(state, world, rng: random.Random, clock, operations: int) -> int:
    """Random casts, changes and retractions (and ballots); returns how many changed a vote
    (an identical repeat is accepted but is a no-op: no event)."""
    accepted = 0
    method = None
    heads: dict[int, int] = {}
    for _ in range(operations):
        voter = rng.choice(world.members)
        proposal = rng.choice(world.proposal_ids)
        clock.advance(seconds=rng.randint(1, 120))
        try:
            async with state.db.unit_of_work() as session:
                method = method or (await session.get(closing.Campaign, world.campaign_id)).method
                if method == "RANKED":
                    ranking = rng.sample(
                        world.proposal_ids, rng.randint(0, len(world.proposal_ids))
                    )
                    result = await service.cast_ballot(
                        session,
                        voter=voter,
                        campaign_id=world.campaign_id,
                        ranking=ranking,
                        now=clock.now,
                        secret=SECRET,
                    )
                elif rng.random() < 0.25:
                    result = await service.retract_vote(
                        session, voter=voter, proposal_id=proposal, now=clock.now, secret=SECRET
                    )
                else:
                    value = {
                        "APPROVAL": 1,
                        "SCORE": rng.randint(0, 5),
                        "QUADRATIC": rng.choice([-3, -1, 1, 2, 4]),
                    }[method]
                    result = await service.cast_vote(
                        session,
                        voter=voter,
                        proposal_id=proposal,
                        value=value,
                        now=clock.now,
                        secret=SECRET,
                    )
            if result.receipt.seq > heads.get(voter.id, 0):
                accepted += 1
                heads[voter.id] = result.receipt.seq
        except DomainError:
            pass  # over budget, nothing to retract...: refused and rolled back
    return accepted


async def run_recount(state, campaign_id, **kwargs):
    async with state.db.read() as session:
        return await recount(session, campaign_id, **kwargs)


class TestRecountMatchesLiveState:
    @pytest.mark.parametrize("method", list(METHODS))
    @pytest.mark.parametrize("seed", [1, 2])
    async def test_after_random_interleavings(self, state, clock, method, seed):
        world = await build_world(state, members=6, proposals=4, now=clock.now, **METHODS[method])
        accepted = await random_votes(state, world, random.Random(seed), clock, operations=60)
        assert accepted > 20
        report = await run_recount(state, world.campaign_id)
        assert report.differences == []
        assert report.events == accepted
        async with state.db.unit_of_work() as session:
            await closing.close_campaign(
                session,
                actor=world.owner,
                campaign_id=world.campaign_id,
                now=clock.now,
                secret=SECRET,
            )
        assert (await run_recount(state, world.campaign_id)).differences == []

    async def test_votes_on_a_withdrawn_proposal_stay_out_of_the_result(self, state, clock):
        world = await build_world(state, members=3, proposals=2, now=clock.now, method="APPROVAL")
        kept, withdrawn = world.proposal_ids
        for voter, proposal in [(world.members[0], kept), (world.members[1], withdrawn)]:
            async with state.db.unit_of_work() as session:
                await service.cast_vote(
                    session,
                    voter=voter,
                    proposal_id=proposal,
                    value=1,
                    now=clock.now,
                    secret=SECRET,
                )
        async with state.db.unit_of_work() as session:
            await proposals.withdraw_proposal(
                session, actor=world.members[0], proposal_id=withdrawn, now=clock.now
            )
            await closing.close_campaign(
                session,
                actor=world.owner,
                campaign_id=world.campaign_id,
                now=clock.now,
                secret=SECRET,
            )
        async with state.db.read() as session:
            stored = await session.get(closing.CampaignResultRow, world.campaign_id)
        assert (stored.voters, stored.winner_id) == (1, kept)
        assert (await run_recount(state, world.campaign_id)).differences == []


class TestTampering:
    async def world_with_votes(self, state, clock):
        world = await build_world(state, members=4, proposals=3, now=clock.now, method="APPROVAL")
        for voter in world.members:
            async with state.db.unit_of_work() as session:
                await service.cast_vote(
                    session,
                    voter=voter,
                    proposal_id=world.proposal_ids[0],
                    value=1,
                    now=clock.now,
                    secret=SECRET,
                )
        return world

    async def test_edited_event_breaks_the_chain(self, state, clock):
        world = await self.world_with_votes(state, clock)
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).order_by(VoteEvent.id).limit(1))
            event.payload = {**event.payload, "proposal": world.proposal_ids[1]}
        report = await run_recount(state, world.campaign_id)
        assert not report.ok
        assert any("hash does not match its content" in d for d in report.differences)

    async def test_deleted_event_is_noticed(self, state, clock):
        world = await self.world_with_votes(state, clock)
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).order_by(VoteEvent.id).limit(1))
            await session.delete(event)
        report = await run_recount(state, world.campaign_id)
        assert any("chain head differs" in d for d in report.differences)
        assert any("vote of voter" in d for d in report.differences)

    async def test_edited_vote_row_is_noticed(self, state, clock):
        world = await self.world_with_votes(state, clock)
        async with state.db.unit_of_work() as session:
            await session.execute(
                update(Vote).where(Vote.voter_id == world.members[0].id).values(weight=5.0)
            )
        report = await run_recount(state, world.campaign_id)
        assert any("vote of voter" in d for d in report.differences)

    async def test_edited_tally_is_noticed(self, state, clock):
        world = await self.world_with_votes(state, clock)
        async with state.db.unit_of_work() as session:
            slot = await session.scalar(select(TallySlot).limit(1))
            slot.weight_sum += 1
            slot.value_sum += 1
        report = await run_recount(state, world.campaign_id)
        assert any("live tally" in d for d in report.differences)

    async def test_cli_exits_non_zero_and_exports_pseudonymised_ndjson(
        self, state, clock, settings, monkeypatch, tmp_path, capsys
    ):
        world = await self.world_with_votes(state, clock)
        monkeypatch.setenv("BRANDHUB_DATABASE_URL", settings.database_url)
        monkeypatch.setenv("BRANDHUB_SECRET_KEY", SECRET)
        export = tmp_path / "log.ndjson"
        assert (
            await asyncio.to_thread(
                main, ["recount", str(world.campaign_id), "--export", str(export)]
            )
            == 0
        )
        assert "recount matches" in capsys.readouterr().out
        lines = [json.loads(line) for line in export.read_text().splitlines()]
        events = [line for line in lines if line["kind"] == "event"]
        assert len(events) == 4
        voter = world.members[0].id
        assert chain.pseudonym(SECRET, world.campaign_id, voter) in {
            e["payload"]["voter"] for e in events
        }
        assert all(isinstance(e["payload"]["voter"], str) for e in events)
        async with state.db.unit_of_work() as session:
            event = await session.scalar(select(VoteEvent).limit(1))
            event.payload = {**event.payload, "value": 2}
        assert await asyncio.to_thread(main, ["recount", str(world.campaign_id)]) == 1
        assert "recount FAILED" in capsys.readouterr().out
