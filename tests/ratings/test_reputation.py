"""Reputation from outcomes over HTTP: production, ratings, winning forks, moderation, decay;
REPUTATION-weighted votes use it, and a recount after it changes still matches."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brandhub.schema.relay import decode_id
from brandhub.voting.models import Vote
from brandhub.voting.recount import recount
from brandhub.voting.weights import quantize_weight, reputation_weight
from tests.factories import ERRORS, create_campaign, move_phase, ok, open_campaign, submit_proposal
from tests.ratings.support import (
    FULFIL,
    RATE,
    REPUTATION,
    accepted_product,
    member_id,
    produce,
    shipped_product,
)

CAST = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{
  vote {{ weight }} tally {{ score }} {ERRORS} }} }}"""
CLOSE = f"""mutation($input: CampaignIdInput!) {{ closeCampaign(input: $input) {{
  campaign {{ phase }} {ERRORS} }} }}"""
COMMENT = f"""mutation($input: AddCommentInput!) {{ addComment(input: $input) {{
  comment {{ id }} {ERRORS} }} }}"""
MODERATE = f"""mutation($input: ModerateInput!) {{ moderate(input: $input) {{ {ERRORS} }} }}"""
FORK = f"""mutation($input: ProposalIdInput!) {{ forkProposal(input: $input) {{
  proposal {{ id }} {ERRORS} }} }}"""
TALLY = "query($id: ID!) { proposal(id: $id) { tally { score voters } } }"


async def reputation_of(gql, who: str) -> dict:
    """A member's reputation, by token (a session) or by member id (``TWVt…``)."""
    pk = who if who.startswith("TWVt") else await member_id(gql, who)
    node = (await gql(REPUTATION, {"id": pk}))["data"]["node"]
    breakdown = node["reputationBreakdown"]
    breakdown["components"] = {
        c["kind"]: (c["count"], pytest.approx(c["points"])) for c in breakdown["components"]
    }
    return {"reputation": node["reputation"], **breakdown}


async def rate(gql, token, proposal, stars):
    await ok(
        gql,
        RATE,
        {"input": {"proposalId": proposal, "stars": stars}},
        token=token,
        field="rateProduct",
    )


class TestOutcomes:
    async def test_production_and_ratings_then_decay(self, gql, sign_up, state, clock):
        c = await accepted_product(gql, sign_up, state, clock)
        author = await member_id(gql, c["members"][0])  # tokens expire: the clock will move
        assert (await reputation_of(gql, author))["reputation"] == 0
        await produce(gql, c, "IN_PRODUCTION")
        assert (await reputation_of(gql, author))["reputation"] == 25
        await produce(gql, c, "SHIPPED")
        await ok(
            gql,
            FULFIL,
            {"input": {"handoffId": c["handoff"], "all": True}},
            token=c["key"],
            field="fulfilPledges",
        )
        await rate(gql, c["members"][1], c["proposal"], 5)
        await rate(gql, c["members"][2], c["proposal"], 4)
        shown = await reputation_of(gql, author)
        assert shown["reputation"] == shown["score"] == 25 + 4 + 2
        assert shown["components"] == {
            "PRODUCTION": (1, 25),
            "RATINGS": (2, 6),
            "FORK_WINS": (0, 0),
            "MODERATION": (0, 0),
        }
        assert (shown["cap"], shown["halfLifeDays"]) == (1000, 180.0)
        # An edit replaces the buyer's rating in the reputation too.
        await rate(gql, c["members"][1], c["proposal"], 1)
        assert (await reputation_of(gql, author))["reputation"] == 25 - 4 + 2
        # Buyers earn nothing from their own ratings.
        assert (await reputation_of(gql, c["members"][1]))["reputation"] == 0
        # Half a year later the daily job has halved it: 23 → 11.5, rounded half to even.
        clock.advance(days=180)
        assert await state.jobs.run("ratings.recompute_reputations") >= 1
        decayed = await reputation_of(gql, author)
        assert decayed["raw"] == pytest.approx(11.5)
        assert decayed["reputation"] == decayed["score"] == 12
        # The job run again changes nothing.
        await state.jobs.run("ratings.recompute_reputations")
        assert (await reputation_of(gql, author))["reputation"] == 12

    async def test_moderation_against_you_and_its_restore(self, gql, sign_up, state, clock):
        c = await shipped_product(gql, sign_up, state, clock)
        author = c["members"][0]
        comment = await ok(
            gql,
            COMMENT,
            {"input": {"proposalId": c["proposal"], "body": "Buy mine!!!"}},
            token=author,
            field="addComment",
        )
        target = comment["comment"]["id"]
        for action, expected, count in (("HIDE", 10, 1), ("RESTORE", 25, 0)):
            await ok(
                gql,
                MODERATE,
                {"input": {"targetId": target, "action": action, "reason": "spam"}},
                token=c["owner"],
                field="moderate",
            )
            shown = await reputation_of(gql, author)
            assert shown["reputation"] == expected
            assert shown["components"]["MODERATION"][0] == count

    async def test_winning_fork_credits_the_forked_author(self, gql, sign_up, state, clock):
        c = await open_campaign(gql, sign_up, members=3)
        original = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        fork = await ok(
            gql,
            FORK,
            {"input": {"proposalId": original}},
            token=c["members"][1],
            field="forkProposal",
        )
        await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
        for token in c["members"]:
            await ok(
                gql,
                CAST,
                {"input": {"proposalId": fork["proposal"]["id"], "value": 1}},
                token=token,
                field="castVote",
            )
        await ok(
            gql,
            CLOSE,
            {"input": {"campaignId": c["campaign"]}},
            token=c["owner"],
            field="closeCampaign",
        )
        shown = await reputation_of(gql, c["members"][0])
        assert shown["reputation"] == 10
        assert shown["components"]["FORK_WINS"] == (1, 10)
        assert (await reputation_of(gql, c["members"][1]))["reputation"] == 0


async def test_recount_matches_after_reputations_change(gql, sign_up, state, clock):
    """REPUTATION-weighted votes keep the weight they were cast with; new votes use the new."""
    c = await accepted_product(gql, sign_up, state, clock)
    author = c["members"][0]
    author_id = await member_id(gql, author)
    # A second campaign of the brand, weighted by reputation, in VOTING.
    second = await create_campaign(
        gql,
        token=c["owner"],
        brand_id=c["brand"],
        voting={"method": "APPROVAL", "weighting": "REPUTATION", "votesPerMember": 2},
    )
    await move_phase(gql, token=c["owner"], campaign_id=second, mutation="openSubmissions")
    first_idea = await submit_proposal(gql, token=c["members"][3], campaign_id=second, title="A")
    second_idea = await submit_proposal(gql, token=c["members"][3], campaign_id=second, title="B")
    await move_phase(gql, token=c["owner"], campaign_id=second, mutation="openVoting")
    before = await ok(
        gql, CAST, {"input": {"proposalId": first_idea, "value": 1}}, token=author, field="castVote"
    )
    assert before["vote"]["weight"] == 1.0
    # The author's product reaches production: reputation 25.
    await produce(gql, c, "IN_PRODUCTION")
    assert (await reputation_of(gql, author))["reputation"] == 25
    new_weight = quantize_weight(reputation_weight(25, 3.0))
    assert new_weight > 1.0
    after = await ok(
        gql,
        CAST,
        {"input": {"proposalId": second_idea, "value": 1}},
        token=author,
        field="castVote",
    )
    assert after["vote"]["weight"] == new_weight
    tallies = {
        pid: (await gql(TALLY, {"id": pid}))["data"]["proposal"]["tally"]
        for pid in (first_idea, second_idea)
    }
    assert tallies == {
        first_idea: {"score": 1.0, "voters": 1},
        second_idea: {"score": new_weight, "voters": 1},
    }
    campaign_pk = decode_id(second, "Campaign")
    async with state.db.read() as session:
        weights = sorted(
            (
                await session.scalars(select(Vote.weight).where(Vote.campaign_id == campaign_pk))
            ).all()
        )
        report = await recount(session, campaign_pk, secret=state.settings.secret_key)
    assert weights == [1.0, new_weight]
    assert report.differences == [] and report.events == 2
    # Reputation changes again (decay, a year later); the recount still matches exactly.
    clock.advance(days=365)
    await state.jobs.run("ratings.recompute_reputations")
    assert (await reputation_of(gql, author_id))["reputation"] == 6
    async with state.db.read() as session:
        assert (await recount(session, campaign_pk, secret=state.settings.secret_key)).ok


async def test_an_authors_own_rating_earns_nothing(gql, sign_up, state, clock):
    c = await accepted_product(gql, sign_up, state, clock)
    author = c["members"][0]
    await ok(
        gql,
        "mutation($input: PledgeInput!) { pledge(input: $input) { errors { code } } }",
        {"input": {"proposalId": c["proposal"], "units": 1}},
        token=author,
        field="pledge",
    )
    await produce(gql, c)
    await ok(
        gql,
        FULFIL,
        {"input": {"handoffId": c["handoff"], "all": True}},
        token=c["key"],
        field="fulfilPledges",
    )
    await rate(gql, author, c["proposal"], 5)  # a verified buyer of their own product may rate
    shown = await reputation_of(gql, author)
    assert shown["reputation"] == 25
    assert shown["components"]["RATINGS"] == (0, 0)
