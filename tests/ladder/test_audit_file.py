"""The audit file carries a ladder's stages and crossings; ``brandhub verify`` checks each
crossing against the support the file's vote chains held at its time."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import update

from brandhub.ladder.models import LadderEvent
from brandhub.schema.relay import decode_id
from brandhub.voting import export
from brandhub.voting.verify import verify
from tests.factories import move_phase
from tests.ladder.world import ladder_world, support


async def audit_lines(state, campaign: str) -> list[str]:
    async with state.db.read() as session:
        return [line async for line in export.lines(session, decode_id(campaign, "Campaign"))]


def ladder_of(lines: list[str]) -> dict:
    [found] = [json.loads(line) for line in lines if json.loads(line)["kind"] == "ladder"]
    return found


def with_ladder(lines: list[str], ladder: dict) -> list[str]:
    return [
        json.dumps(ladder) + "\n" if json.loads(line)["kind"] == "ladder" else line
        for line in lines
    ]


async def climbed(gql, sign_up, *, supporters: int = 3) -> dict:
    world = await ladder_world(gql, sign_up, proposals=2)
    for token in world["members"][:supporters]:
        await support(gql, token, world["proposals"][0])
    return world


async def test_an_honest_climb_verifies_with_every_crossing_checked(gql, sign_up, state):
    world = await climbed(gql, sign_up)
    lines = await audit_lines(state, world["campaign"])
    ladder = ladder_of(lines)
    assert ladder["stages"][0] == {"supporters": 2, "extensionDays": 10}
    proposal = decode_id(world["proposals"][0], "Proposal")
    assert [(c["proposal"], c["stage"]) for c in ladder["crossings"]] == [
        (proposal, 1),
        (proposal, 2),
    ]
    report = verify(lines, allow_unsealed=True)
    assert report.differences == [] and report.crossings == 2


async def test_a_closed_ladder_campaign_verifies_with_its_seal(gql, sign_up, state):
    world = await climbed(gql, sign_up)
    await move_phase(
        gql, token=world["owner"], campaign_id=world["campaign"], mutation="closeCampaign"
    )
    report = verify(await audit_lines(state, world["campaign"]))
    assert report.ok and report.sealed and report.crossings == 2, report.differences


async def test_a_crossing_recorded_before_its_supports_is_refused(gql, sign_up, state, clock):
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
    report = verify(await audit_lines(state, world["campaign"]), allow_unsealed=True)
    assert len(report.differences) == 1, report.differences
    assert "stage 1" in report.differences[0] and "count 0" in report.differences[0]


async def test_an_edited_ladder_line_is_refused(gql, sign_up, state):
    world = await climbed(gql, sign_up, supporters=2)
    lines = await audit_lines(state, world["campaign"])
    ladder = ladder_of(lines)
    [crossing] = ladder["crossings"]
    other = decode_id(world["proposals"][1], "Proposal")

    # A stage the supports never reached.
    forged = {**ladder, "crossings": [crossing, {**crossing, "stage": 2}]}
    report = verify(with_ladder(lines, forged), allow_unsealed=True)
    assert ["needs 3 supporters; the vote chains count 2" in d for d in report.differences] == [
        True
    ]
    # A crossing moved to a proposal nobody supported.
    forged = {**ladder, "crossings": [{**crossing, "proposal": other}]}
    report = verify(with_ladder(lines, forged), allow_unsealed=True)
    assert any("count 0" in d for d in report.differences), report.differences
    # A stage skipped, and a proposal that is not a candidate.
    forged = {**ladder, "crossings": [{**crossing, "stage": 2}]}
    report = verify(with_ladder(lines, forged), allow_unsealed=True)
    assert any("stages crossed [2], not 1, 2" in d for d in report.differences)
    forged = {**ladder, "crossings": [{**crossing, "proposal": 999_999}]}
    report = verify(with_ladder(lines, forged), allow_unsealed=True)
    assert any("not a candidate" in d for d in report.differences)


async def test_a_fixed_window_campaign_has_no_ladder_line(gql, sign_up, state):
    from tests.factories import open_campaign, submit_proposal

    c = await open_campaign(gql, sign_up)
    await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
    kinds = {json.loads(line)["kind"] for line in await audit_lines(state, c["campaign"])}
    assert "ladder" not in kinds
