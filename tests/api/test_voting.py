"""Voting over HTTP: the four methods, budgets, weights, tallies, rankings, results."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from brandhub.auth.models import Member
from tests.factories import ERRORS, join_brand, move_phase, ok, open_campaign, submit_proposal

CAST = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{
  vote {{ value weight pending }} tally {{ voters pending score }} {ERRORS} }} }}"""
RETRACT = f"""mutation($input: RetractVoteInput!) {{ retractVote(input: $input) {{
  vote {{ value }} tally {{ voters score }} {ERRORS} }} }}"""
BALLOT = f"""mutation($input: CastBallotInput!) {{ castBallot(input: $input) {{
  ballot {{ weight ranking {{ id }} }} {ERRORS} }} }}"""
CLOSE = f"mutation($input: CampaignIdInput!) {{ closeCampaign(input: $input) {{ campaign {{ phase }} {ERRORS} }} }}"
RESULTS = """query($id: ID!) { campaign(id: $id) { phase results {
  voters quorumMet seal winner { id title status } ranking { rank score proposal { id } } } } }"""
LEADERBOARD = """query($id: ID!) { campaign(id: $id) { leaderboard(first: 10) {
  rank score proposal { id title } tally { voters } } } }"""


async def voting_campaign(gql, sign_up, *, members: int, proposals: int = 3, **voting):
    """A campaign in VOTING with ``proposals`` proposals by the first member."""
    c = await open_campaign(gql, sign_up, members=members, voting=voting)
    author = c["members"][0]
    c["proposals"] = [
        await submit_proposal(gql, token=author, campaign_id=c["campaign"], title=f"Soup {i}")
        for i in range(proposals)
    ]
    await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
    return c


async def vote(gql, token, proposal, value=1) -> dict:
    return (await gql(CAST, {"input": {"proposalId": proposal, "value": value}}, token=token))[
        "data"
    ]["castVote"]


async def close(gql, c) -> None:
    await ok(
        gql,
        CLOSE,
        {"input": {"campaignId": c["campaign"]}},
        token=c["owner"],
        field="closeCampaign",
    )


class TestApproval:
    async def test_support_counts_and_second_vote_replaces_first(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=2, method="APPROVAL")
        a, b = c["members"]
        first = await vote(gql, a, c["proposals"][0])
        assert first["errors"] == []
        assert first["vote"] == {"value": 1, "weight": 1.0, "pending": False}
        assert first["tally"] == {"voters": 1, "pending": 0, "score": 1.0}
        again = await vote(gql, a, c["proposals"][0])
        assert again["tally"] == {"voters": 1, "pending": 0, "score": 1.0}
        second = await vote(gql, b, c["proposals"][0])
        assert second["tally"]["voters"] == 2

    async def test_budget_of_supports_and_retraction_frees_it(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL", votesPerMember=2)
        [member] = c["members"]
        p0, p1, p2 = c["proposals"]
        assert (await vote(gql, member, p0))["errors"] == []
        assert (await vote(gql, member, p1))["errors"] == []
        refused = await vote(gql, member, p2)
        assert refused["errors"][0]["code"] == "BUDGET_EXCEEDED"
        assert refused["errors"][0]["field"] == ["value"]
        budget = "query($id: ID!) { campaign(id: $id) { viewerRemainingBudget viewerVotes { value proposal { id } } } }"
        seen = (await gql(budget, {"id": c["campaign"]}, token=member))["data"]["campaign"]
        assert seen["viewerRemainingBudget"] == 0
        assert [v["proposal"]["id"] for v in seen["viewerVotes"]] == [p0, p1]
        retracted = (await gql(RETRACT, {"input": {"proposalId": p0}}, token=member))["data"][
            "retractVote"
        ]
        assert retracted == {"vote": None, "tally": {"voters": 0, "score": 0.0}, "errors": []}
        assert (await vote(gql, member, p2))["errors"] == []

    async def test_value_must_be_one(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL")
        refused = await vote(gql, c["members"][0], c["proposals"][0], value=3)
        assert (refused["errors"][0]["code"], refused["errors"][0]["field"]) == (
            "INVALID_INPUT",
            ["value"],
        )

    async def test_shortlisted_when_support_threshold_is_reached(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=2, method="APPROVAL", supportThreshold=2)
        status = "query($id: ID!) { proposal(id: $id) { status } }"
        await vote(gql, c["members"][0], c["proposals"][0])
        assert (await gql(status, {"id": c["proposals"][0]}))["data"]["proposal"][
            "status"
        ] == "ACTIVE"
        await vote(gql, c["members"][1], c["proposals"][0])
        assert (await gql(status, {"id": c["proposals"][0]}))["data"]["proposal"][
            "status"
        ] == "SHORTLISTED"


class TestScoreAndQuadratic:
    async def test_score_is_a_bayesian_mean(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=2, method="SCORE", proposals=2)
        a, b = c["members"]
        p0, p1 = c["proposals"]
        await vote(gql, a, p0, 5)
        await vote(gql, b, p0, 3)
        last = await vote(gql, a, p1, 1)
        # campaign mean m = 3; p1: (5·3 + 1) / (5 + 1)
        assert last["tally"]["score"] == pytest.approx(16 / 6)
        board = (await gql(LEADERBOARD, {"id": c["campaign"]}))["data"]["campaign"]["leaderboard"]
        assert [e["proposal"]["id"] for e in board] == [p0, p1]
        assert board[0]["score"] == pytest.approx((5 * 3 + 8) / 7)
        assert (await vote(gql, a, p0, 6))["errors"][0]["field"] == ["value"]

    async def test_quadratic_costs_and_opposition(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="QUADRATIC", creditsPerMember=10)
        [member] = c["members"]
        p0, p1, p2 = c["proposals"]
        assert (await vote(gql, member, p0, 3))["tally"]["score"] == 3.0  # 9 credits
        assert (await vote(gql, member, p1, -1))["tally"]["score"] == -1.0  # 10 credits
        refused = await vote(gql, member, p2, 1)
        assert refused["errors"][0]["code"] == "BUDGET_EXCEEDED"
        assert (await vote(gql, member, p0, 2))["errors"] == []  # 4 + 1 credits
        assert (await vote(gql, member, p2, 2))["errors"] == []  # 4 + 1 + 4


class TestRanked:
    async def test_schulze_winner_from_ballots(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=5, method="RANKED", proposals=3, quorum=3)
        a, b, x = c["proposals"]
        ballots = [[a, b, x], [a, b, x], [b, x, a], [b, x, a], [a, x]]
        for token, ranking in zip(c["members"], ballots, strict=True):
            await ok(
                gql,
                BALLOT,
                {"input": {"campaignId": c["campaign"], "ranking": ranking}},
                token=token,
                field="castBallot",
            )
        refused = await vote(gql, c["members"][0], a)
        assert refused["errors"][0]["code"] == "INVALID_INPUT"
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        # a>b 3:2, a>x 3:2, b>x 4:1: a is the Condorcet winner
        assert results["winner"]["id"] == a
        assert [e["proposal"]["id"] for e in results["ranking"]] == [a, b, x]
        assert (results["voters"], results["quorumMet"]) == (5, True)

    async def test_a_new_ballot_replaces_the_old_one(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="RANKED", proposals=2)
        [member] = c["members"]
        a, b = c["proposals"]
        for ranking in ([a, b], [b]):
            payload = await ok(
                gql,
                BALLOT,
                {"input": {"campaignId": c["campaign"], "ranking": ranking}},
                token=member,
                field="castBallot",
            )
            assert [p["id"] for p in payload["ballot"]["ranking"]] == ranking
        board = (await gql(LEADERBOARD, {"id": c["campaign"]}))["data"]["campaign"]["leaderboard"]
        assert [(e["proposal"]["id"], e["tally"]["voters"]) for e in board] == [(b, 1), (a, 0)]

    async def test_ballot_with_a_foreign_or_repeated_proposal_is_refused(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="RANKED", proposals=2)
        a, _ = c["proposals"]
        body = await gql(
            BALLOT,
            {"input": {"campaignId": c["campaign"], "ranking": [a, a]}},
            token=c["members"][0],
        )
        assert body["data"]["castBallot"]["errors"][0]["field"] == ["ranking"]


class TestWeights:
    async def test_role_weighting(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL", weighting="ROLE")
        await join_brand(gql, token=c["owner"], brand_id=c["brand"])
        by_owner = await vote(gql, c["owner"], c["proposals"][0])
        assert by_owner["vote"]["weight"] == 2.0
        by_member = await vote(gql, c["members"][0], c["proposals"][0])
        assert by_member["tally"]["score"] == 3.0

    async def test_pledge_weighting_counts_real_pledges(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=2, method="APPROVAL", weighting="PLEDGE")
        backer, other = c["members"]
        pledged = await gql(
            "mutation($p: ID!) { pledge(input: {proposalId: $p, units: 3}) { errors { code } } }",
            {"p": c["proposals"][0]},
            token=backer,
        )
        assert pledged["data"]["pledge"]["errors"] == []
        assert (await vote(gql, backer, c["proposals"][1]))["vote"][
            "weight"
        ] == 2.0  # 1 + log2(4)/2
        assert (await vote(gql, other, c["proposals"][1]))["vote"]["weight"] == 1.0

    async def test_young_accounts_are_pending(self, gql, sign_up, state, clock):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL", minAccountAgeHours=24)
        young = await vote(gql, c["members"][0], c["proposals"][0])
        assert young["vote"] == {"value": 1, "weight": 0.0, "pending": True}
        assert young["tally"] == {"voters": 0, "pending": 1, "score": 0.0}
        clock.advance(hours=25)
        grown = await vote(gql, c["members"][0], c["proposals"][0])
        assert grown["tally"] == {"voters": 1, "pending": 0, "score": 1.0}


class TestPhasesAndPermissions:
    async def test_non_member_cannot_vote(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL")
        outsider = await sign_up("out@example.com", "Out")
        refused = await vote(gql, outsider, c["proposals"][0])
        assert refused["errors"][0]["code"] == "FORBIDDEN"

    async def test_non_member_cannot_cast_a_ballot(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="RANKED", proposals=2)
        outsider = await sign_up("out@example.com", "Out")
        body = await gql(
            BALLOT,
            {"input": {"campaignId": c["campaign"], "ranking": c["proposals"]}},
            token=outsider,
        )
        assert body["data"]["castBallot"]["errors"][0]["code"] == "FORBIDDEN"

    async def test_no_votes_outside_voting(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1, voting={"method": "APPROVAL"})
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        assert (await vote(gql, c["members"][0], proposal))["errors"][0]["code"] == "INVALID_PHASE"
        await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
        await ok(
            gql,
            CLOSE,
            {"input": {"campaignId": c["campaign"]}},
            token=c["owner"],
            field="closeCampaign",
        )
        assert (await vote(gql, c["members"][0], proposal))["errors"][0]["code"] == "INVALID_PHASE"

    async def test_non_owner_cannot_close(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL")
        body = await gql(CLOSE, {"input": {"campaignId": c["campaign"]}}, token=c["members"][0])
        assert body["data"]["closeCampaign"]["errors"][0]["code"] == "FORBIDDEN"
        assert (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["phase"] == "VOTING"


class TestResults:
    async def test_close_stores_ranking_and_marks_the_winner(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=3, method="APPROVAL", quorum=2)
        p0, p1, p2 = c["proposals"]
        for token in c["members"]:
            await vote(gql, token, p1)
        await vote(gql, c["members"][0], p2)
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        assert results["winner"] == {"id": p1, "title": "Soup 1", "status": "WINNER"}
        assert [(e["rank"], e["proposal"]["id"], e["score"]) for e in results["ranking"]] == [
            (1, p1, 3.0),
            (2, p2, 1.0),
            (3, p0, 0.0),
        ]
        assert len(results["seal"]) == 64

    async def test_no_winner_without_quorum(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL", quorum=2)
        await vote(gql, c["members"][0], c["proposals"][0])
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        assert (results["winner"], results["quorumMet"], results["voters"]) == (None, False, 1)

    async def test_ties_break_by_earlier_first_revision(self, gql, sign_up, clock):
        c = await voting_campaign(gql, sign_up, members=2, method="APPROVAL", proposals=2)
        p0, p1 = c["proposals"]
        await vote(gql, c["members"][0], p1)
        await vote(gql, c["members"][1], p0)
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        assert results["winner"]["id"] == p0

    async def test_max_voter_share_caps_a_heavy_voter(self, gql, sign_up):
        c = await voting_campaign(
            gql,
            sign_up,
            members=2,
            method="APPROVAL",
            weighting="ROLE",
            maxVoterShare=0.5,
            proposals=2,
        )
        await join_brand(gql, token=c["owner"], brand_id=c["brand"])
        p0, p1 = c["proposals"]
        await vote(gql, c["owner"], p0)  # weight 2
        await vote(gql, c["members"][0], p0)  # weight 1
        await vote(gql, c["members"][0], p1)
        await vote(gql, c["members"][1], p1)
        await close(gql, c)
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]["results"]
        # Uncapped, p0 = 2 + 1 = 3 beats p1 = 2. Capped at half of p0's score, the owner's
        # weight falls to 1, so p0 = 2 ties p1 (and wins the tie as the earlier proposal).
        assert [e["score"] for e in results["ranking"]] == [2.0, 2.0]

    async def test_scheduled_close(self, gql, sign_up, state, clock):
        closes = (clock.now + timedelta(days=1)).isoformat()
        c = await open_campaign(
            gql, sign_up, members=1, voting={"method": "APPROVAL"}, votingClosesAt=closes
        )
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
        await vote(gql, c["members"][0], proposal)
        clock.advance(days=1)
        assert len(await state.jobs.run("community.advance_phases")) == 1
        results = (await gql(RESULTS, {"id": c["campaign"]}))["data"]["campaign"]
        assert results["phase"] == "CLOSED"
        assert results["results"]["winner"]["id"] == proposal


class TestRankings:
    async def test_top_hot_and_new(self, gql, sign_up, clock):
        c = await open_campaign(gql, sign_up, members=3, voting={"method": "APPROVAL"})
        author = c["members"][0]
        old = await submit_proposal(gql, token=author, campaign_id=c["campaign"], title="Old")
        clock.advance(hours=48)
        new = await submit_proposal(gql, token=author, campaign_id=c["campaign"], title="New")
        await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
        for token in c["members"]:
            await vote(gql, token, old)
        for token in c["members"][:2]:
            await vote(gql, token, new)
        query = """query($id: ID!, $order: ProposalOrder!) { campaign(id: $id) {
            proposals(orderBy: $order) { edges { node { title tally { score } } } } } }"""

        async def titles(order):
            body = await gql(query, {"id": c["campaign"], "order": order})
            return [e["node"]["title"] for e in body["data"]["campaign"]["proposals"]["edges"]]

        assert await titles("TOP") == ["Old", "New"]
        assert await titles("HOT") == ["New", "Old"]  # 2/(0+2)^1.5 > 3/(48+2)^1.5
        assert await titles("NEW") == ["New", "Old"]


class TestVelocity:
    async def test_burst_from_new_accounts_is_flagged_for_moderators(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=10, method="APPROVAL")
        for token in c["members"]:
            await vote(gql, token, c["proposals"][0])
        query = "query($id: ID!) { campaign(id: $id) { velocityFlags { newAccountVotes proposal { id } } } }"
        flags = (await gql(query, {"id": c["campaign"]}, token=c["owner"]))["data"]["campaign"][
            "velocityFlags"
        ]
        assert flags == [{"newAccountVotes": 10, "proposal": {"id": c["proposals"][0]}}]
        refused = await gql(query, {"id": c["campaign"]}, token=c["members"][0])
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_established_accounts_raise_no_flag(self, gql, sign_up, state, clock):
        c = await voting_campaign(gql, sign_up, members=10, method="APPROVAL")
        async with state.db.unit_of_work() as session:
            await session.execute(update(Member).values(created_at=clock.now - timedelta(days=30)))
        for token in c["members"]:
            await vote(gql, token, c["proposals"][0])
        query = "query($id: ID!) { campaign(id: $id) { velocityFlags { newAccountVotes } } }"
        flags = (await gql(query, {"id": c["campaign"]}, token=c["owner"]))["data"]["campaign"][
            "velocityFlags"
        ]
        assert flags == []


class TestOneRequestManyMutations:
    async def test_a_refused_mutation_does_not_spoil_the_next_one(self, gql, sign_up):
        c = await voting_campaign(gql, sign_up, members=1, method="APPROVAL", votesPerMember=1)
        p0, p1, _ = c["proposals"]
        body = await gql(
            """mutation($a: ID!, $b: ID!) {
              first: castVote(input: {proposalId: $a, value: 3}) { errors { code } }
              second: castVote(input: {proposalId: $a, value: 1}) { vote { value } errors { code } }
              third: castVote(input: {proposalId: $b, value: 1}) { errors { code } }
            }""",
            {"a": p0, "b": p1},
            token=c["members"][0],
        )
        assert body["data"] == {
            "first": {"errors": [{"code": "INVALID_INPUT"}]},
            "second": {"vote": {"value": 1}, "errors": []},
            "third": {"errors": [{"code": "BUDGET_EXCEEDED"}]},
        }
