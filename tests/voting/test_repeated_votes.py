"""An identical repeated vote or ballot is answered from what is stored: no write, no event."""

from __future__ import annotations

from sqlalchemy import func, select

from brandhub.schema.relay import decode_id
from brandhub.voting.models import Vote, VoteEvent
from brandhub.voting.recount import recount
from tests.api.test_integrity import BALLOT_RECEIPT, CAST_RECEIPT
from tests.api.test_voting import voting_campaign
from tests.factories import ERRORS

CAST = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{
  vote {{ value weight pending }} tally {{ voters score }} receipt {{ voter seq eventHash }}
  {ERRORS} }} }}"""


async def events(state) -> int:
    async with state.db.read() as session:
        return await session.scalar(select(func.count()).select_from(VoteEvent))


async def cast(gql, token, proposal, value):
    body = await gql(CAST, {"input": {"proposalId": proposal, "value": value}}, token=token)
    return body["data"]["castVote"]


class TestRepeatedVote:
    async def test_an_identical_vote_writes_nothing_and_answers_what_is_stored(
        self, gql, sign_up, state
    ):
        c = await voting_campaign(gql, sign_up, members=2, method="SCORE")
        a, b = c["members"]
        p0 = c["proposals"][0]
        first = await cast(gql, a, p0, 4)
        await cast(gql, b, p0, 2)
        assert first["errors"] == []
        async with state.db.read() as session:
            stored_at = await session.scalar(select(Vote.cast_at).where(Vote.value == 4))
        before = await events(state)
        again = await cast(gql, a, p0, 4)
        assert again["errors"] == []
        assert again["vote"] == first["vote"]
        assert again["receipt"] == first["receipt"]  # the event that stored this vote
        assert again["tally"]["voters"] == 2  # today's tally, b's vote included
        assert await events(state) == before
        async with state.db.read() as session:
            assert await session.scalar(select(Vote.cast_at).where(Vote.value == 4)) == stored_at
            report = await recount(session, decode_id(c["campaign"], "Campaign"))
        assert report.differences == []

    async def test_a_different_value_is_still_a_change(self, gql, sign_up, state):
        c = await voting_campaign(gql, sign_up, members=1, method="SCORE")
        [a] = c["members"]
        p0 = c["proposals"][0]
        first = await cast(gql, a, p0, 4)
        changed = await cast(gql, a, p0, 5)
        assert changed["receipt"]["seq"] == first["receipt"]["seq"] + 1
        back = await cast(gql, a, p0, 4)
        assert back["receipt"]["seq"] == first["receipt"]["seq"] + 2
        assert await events(state) == 3

    async def test_a_repeat_after_a_retraction_is_a_new_vote(self, gql, sign_up, state):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL")
        [a] = c["members"]
        p0 = c["proposals"][0]
        await gql(CAST_RECEIPT, {"input": {"proposalId": p0, "value": 1}}, token=a)
        retract = """mutation($input: RetractVoteInput!) { retractVote(input: $input) {
          errors { code } } }"""
        await gql(retract, {"input": {"proposalId": p0}}, token=a)
        again = (await gql(CAST_RECEIPT, {"input": {"proposalId": p0, "value": 1}}, token=a))[
            "data"
        ]["castVote"]
        assert again["receipt"]["seq"] == 3
        assert await events(state) == 3

    async def test_a_repeated_vote_that_breaks_a_rule_is_still_refused(self, gql, sign_up, state):
        c = await voting_campaign(gql, sign_up, members=1, method="SCORE")
        [a] = c["members"]
        await cast(gql, a, c["proposals"][0], 4)
        refused = await cast(gql, a, c["proposals"][0], 9)
        assert refused["errors"][0]["field"] == ["value"]
        assert await events(state) == 1


class TestRepeatedBallot:
    async def test_an_identical_ballot_writes_nothing(self, gql, sign_up, state):
        c = await voting_campaign(gql, sign_up, members=1, method="RANKED", proposals=3)
        [a] = c["members"]
        x, y, z = c["proposals"]

        async def ballot(ranking):
            body = await gql(
                BALLOT_RECEIPT,
                {"input": {"campaignId": c["campaign"], "ranking": ranking}},
                token=a,
            )
            return body["data"]["castBallot"]

        first = await ballot([x, y])
        again = await ballot([x, y])
        assert again["errors"] == []
        assert again["receipt"] == first["receipt"]
        assert again["ballot"] == first["ballot"]
        assert await events(state) == 1
        reordered = await ballot([y, x])
        assert reordered["receipt"]["seq"] == 2
        withdrawn = await ballot([])
        assert withdrawn["receipt"]["seq"] == 3
        assert (await ballot([z]))["receipt"]["seq"] == 4
        assert await events(state) == 4
