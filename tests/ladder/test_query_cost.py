"""A board of ladder proposals reads each relation once per request, not once per proposal."""

from __future__ import annotations

import pytest

from brandhub.community.models import Campaign
from brandhub.ladder import service
from brandhub.schema.relay import decode_id
from tests.factories import CountStatements
from tests.ladder.world import ladder_world, support

BOARD = """query($id: ID!, $first: Int!) { node(id: $id) { ... on Campaign {
  ladder { initialDays } proposals(first: $first) { edges { node { id ladder {
    stage supporters nextThreshold deadline status } } } } } } }"""


@pytest.mark.parametrize("voting", [None, {"method": "APPROVAL", "maxVoterShare": 0.5}])
async def test_a_ladder_board_runs_a_constant_number_of_statements(gql, sign_up, state, voting):
    w = await ladder_world(gql, sign_up, members=3, proposals=6, voting=voting)
    for i, proposal in enumerate(w["proposals"]):
        for token in w["members"][: 1 + i % 3]:
            await support(gql, token, proposal)
    await state.jobs.drain()  # stage crossings' webhooks: nothing runs beside the reads

    async def board(first: int) -> tuple[int, list[dict]]:
        with CountStatements(state) as counted:
            body = await gql(BOARD, {"id": w["campaign"], "first": first}, token=w["owner"])
        assert "errors" not in body, body
        edges = body["data"]["node"]["proposals"]["edges"]
        assert len(edges) == first
        return counted.count, [e["node"] for e in edges]

    for _ in range(2):  # the pool's connections and the owner's principal come first
        await board(6)
    few, _ = await board(2)
    many, climbs = await board(6)
    assert few == many
    # Each climb counts exactly what the crossing rules count (read proposal by proposal).
    async with state.db.read() as session:
        campaign = await session.get(Campaign, decode_id(w["campaign"], "Campaign"))
        for edge in climbs:
            pk = decode_id(edge["id"], "Proposal")
            assert edge["ladder"]["supporters"] == float(
                await service.supporters_of(session, campaign, pk)
            )
    assert sorted(e["ladder"]["supporters"] for e in climbs) != [0.0] * 6
