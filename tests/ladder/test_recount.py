"""The recount covers the ladder: crossings must be justified by the vote chains."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from brandhub.ladder.models import LadderEvent, LadderProposal
from brandhub.schema.relay import decode_id
from brandhub.voting.recount import recount
from tests.ladder.world import ladder_world, support


async def run_recount(state, campaign: str):
    async with state.db.read() as session:
        return await recount(session, decode_id(campaign, "Campaign"))


async def test_an_honest_climb_recounts_clean(gql, sign_up, state):
    world = await ladder_world(gql, sign_up)
    for token in world["members"][:3]:
        await support(gql, token, world["proposals"][0])
    report = await run_recount(state, world["campaign"])
    assert report.differences == []


async def test_a_crossing_before_its_supports_is_reported(gql, sign_up, state, clock):
    world = await ladder_world(gql, sign_up)
    clock.advance(hours=1)
    for token in world["members"][:2]:
        await support(gql, token, world["proposals"][0])
    async with state.db.unit_of_work() as session:
        await session.execute(
            update(LadderEvent)
            .where(LadderEvent.type == "ladder.stage_reached")
            .values(at=clock.now - timedelta(minutes=30))
        )
    report = await run_recount(state, world["campaign"])
    assert len(report.differences) == 1
    assert "stage 1" in report.differences[0] and "count 0" in report.differences[0]


async def test_a_forged_stage_or_deadline_is_reported(gql, sign_up, state):
    world = await ladder_world(gql, sign_up)
    for token in world["members"][:2]:
        await support(gql, token, world["proposals"][0])
    async with state.db.unit_of_work() as session:
        await session.execute(update(LadderProposal).values(stage=2))
    report = await run_recount(state, world["campaign"])
    assert any("at stage 2 but 1 crossings" in d for d in report.differences)
    assert any("deadline" in d for d in report.differences)
