"""A stage is crossed, and its deadline extended, exactly once however many race for it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

from sqlalchemy import delete, update

from brandhub.db import Database
from brandhub.ladder import tasks
from brandhub.ladder.models import LadderEvent, LadderProposal
from brandhub.schema.relay import decode_id
from tests.ladder.world import climb, ladder_world, support


def crossed(events: list[dict]) -> Counter:
    return Counter((e["type"], e["stage"]) for e in events if e["type"] != "ladder.started")


EXACTLY_ONCE = Counter(
    {
        ("ladder.stage_reached", 1): 1,
        ("ladder.deadline_extended", 1): 1,
        ("ladder.stage_reached", 2): 1,
        ("ladder.deadline_extended", 2): 1,
        ("ladder.stage_reached", 3): 1,
        ("ladder.review_requested", 3): 1,
    }
)


async def test_concurrent_supports_cross_each_stage_once(gql, sign_up, clock):
    world = await ladder_world(gql, sign_up, members=8)
    proposal = world["proposals"][0]
    await asyncio.gather(*(support(gql, token, proposal) for token in world["members"]))
    ladder = (await climb(gql, proposal))["ladder"]
    assert ladder["supporters"] == 8
    assert ladder["stage"] == 3 and ladder["status"] == "REVIEW"
    assert crossed(ladder["events"]) == EXACTLY_ONCE
    sequences = [e["sequence"] for e in ladder["events"]]
    assert sequences == list(range(1, len(sequences) + 1))
    # 30 days at the start, +10 at stage 1, +20 at stage 2, each added once
    assert ladder["deadline"].startswith(str((clock.now + timedelta(days=60)).date()))


async def test_concurrent_checks_and_sweeps_cross_each_stage_once(
    gql, sign_up, state, settings, clock
):
    world = await ladder_world(gql, sign_up, members=4)
    proposal = world["proposals"][0]
    for token in world["members"]:
        await support(gql, token, proposal)
    # forget the crossings, as if no check had run: then let many workers race for them
    db = Database(settings)
    try:
        async with db.unit_of_work() as session:
            await session.execute(delete(LadderEvent).where(LadderEvent.sequence > 1))
            await session.execute(
                update(LadderProposal).values(
                    stage=0,
                    status="CLIMBING",
                    last_sequence=1,
                    deadline=clock.now + timedelta(days=30),
                )
            )
        campaign_id = decode_id(world["campaign"], "Campaign")
        proposal_id = decode_id(proposal, "Proposal")
        results = await asyncio.gather(
            *(
                tasks.check_proposal(
                    state.db, campaign_id=campaign_id, proposal_id=proposal_id, now=clock.now
                )
                for _ in range(6)
            ),
            state.jobs.run("ladder.sweep"),
            state.jobs.run("ladder.sweep"),
        )
    finally:
        await db.dispose()
    checks, sweeps = results[:6], results[6:]
    assert sum(checks) + sum(s["events"] for s in sweeps) == 6
    ladder = (await climb(gql, proposal))["ladder"]
    assert crossed(ladder["events"]) == EXACTLY_ONCE
    assert ladder["deadline"].startswith(str((clock.now + timedelta(days=60)).date()))
