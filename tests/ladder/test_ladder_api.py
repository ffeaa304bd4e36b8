"""The support ladder through the API: rules, climbing, review, expiry, webhooks, refusals."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from brandhub.db import Database
from brandhub.partners.models import OutboxEvent
from tests.factories import create_brand, create_campaign, join_brand, move_phase, ok
from tests.ladder.world import (
    APPROVE,
    CREATE,
    DECLINE,
    QUEUE,
    RETRACT,
    SET_LADDER,
    campaign_input,
    climb,
    ladder_world,
    support,
)

STEP = "mutation($input: {input}!) {{ {name}(input: $input) {{ handoff {{ id status }} errors {{ code message field }} }} }}"


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def create_errors(gql, token: str, brand: str, **extra) -> list[dict]:
    body = await gql(CREATE, {"input": campaign_input(brand, **extra)}, token=token)
    assert "errors" not in body, body
    payload = body["data"]["createCampaign"]
    assert payload["campaign"] is None
    return payload["errors"]


class TestLadderRules:
    async def test_a_ladder_campaign_shows_its_stages(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        payload = await ok(
            gql, CREATE, {"input": campaign_input(brand)}, token=owner, field="createCampaign"
        )
        assert payload["campaign"]["ladder"] == {
            "initialDays": 30,
            "stages": [
                {"number": 1, "supporters": 2, "extensionDays": 10},
                {"number": 2, "supporters": 3, "extensionDays": 20},
                {"number": 3, "supporters": 4, "extensionDays": None},
            ],
        }

    async def test_invalid_rules_are_refused_with_the_field_named(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        errors = await create_errors(
            gql,
            owner,
            brand,
            ladder={
                "initialDays": 0,
                "stages": [
                    {"supporters": 10, "extensionDays": 5},
                    {"supporters": 10, "extensionDays": 0},
                    {"supporters": 20, "extensionDays": 3},
                ],
            },
        )
        assert {tuple(e["field"]) for e in errors} == {
            ("ladder", "initialDays"),
            ("ladder", "stages", "1", "supporters"),
            ("ladder", "stages", "1", "extensionDays"),
            ("ladder", "stages", "2", "extensionDays"),
        }
        assert all(e["code"] == "INVALID_INPUT" for e in errors)

    async def test_a_ladder_needs_approval_voting_and_no_closing_time(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        errors = await create_errors(gql, owner, brand, voting={"method": "SCORE"})
        assert [e["field"] for e in errors] == [["voting", "method"]]
        errors = await create_errors(gql, owner, brand, votingClosesAt="2027-01-01T00:00:00Z")
        assert [e["field"] for e in errors] == [["votingClosesAt"]]
        errors = await create_errors(gql, owner, brand, ladder={"initialDays": 5, "stages": []})
        assert [e["field"] for e in errors] == [["ladder", "stages"]]

    async def test_only_the_owner_sets_a_ladder_and_only_before_voting(self, gql, sign_up):
        world = await ladder_world(gql, sign_up, members=1)
        ladder = {"initialDays": 7, "stages": [{"supporters": 5}]}
        body = await gql(
            SET_LADDER,
            {"input": {"campaignId": world["campaign"], "ladder": ladder}},
            token=world["members"][0],
        )
        assert body["data"]["setCampaignLadder"]["errors"][0]["code"] == "FORBIDDEN"
        body = await gql(
            SET_LADDER,
            {"input": {"campaignId": world["campaign"], "ladder": ladder}},
            token=world["owner"],
        )
        assert body["data"]["setCampaignLadder"]["errors"][0]["code"] == "INVALID_PHASE"

    async def test_an_owner_turns_a_draft_into_a_ladder(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        campaign = await create_campaign(gql, token=owner, brand_id=brand)
        ladder = {"initialDays": 7, "stages": [{"supporters": 5}]}
        payload = await ok(
            gql,
            SET_LADDER,
            {"input": {"campaignId": campaign, "ladder": ladder}},
            token=owner,
            field="setCampaignLadder",
        )
        assert payload["campaign"]["ladder"] == {"initialDays": 7}


class TestClimbing:
    async def test_each_stage_extends_the_deadline_then_review(self, gql, sign_up, clock):
        world = await ladder_world(gql, sign_up)
        proposal, members = world["proposals"][0], world["members"]
        start = clock.now
        state = (await climb(gql, proposal))["ladder"]
        assert state["stage"] == 0 and state["status"] == "CLIMBING"
        assert when(state["deadline"]) == start + timedelta(days=30)
        assert state["nextThreshold"] == 2

        await support(gql, members[0], proposal)
        assert (await climb(gql, proposal))["ladder"]["stage"] == 0
        clock.advance(days=1)
        await support(gql, members[1], proposal)
        state = (await climb(gql, proposal))["ladder"]
        assert state["stage"] == 1 and state["supporters"] == 2
        assert state["nextThreshold"] == 3
        assert when(state["deadline"]) == start + timedelta(days=40)
        assert [(e["type"], e["stage"]) for e in state["events"]] == [
            ("ladder.started", 0),
            ("ladder.stage_reached", 1),
            ("ladder.deadline_extended", 1),
        ]
        assert state["events"][1]["supporters"] == 2

        await support(gql, members[2], proposal)
        await support(gql, members[3], proposal)
        state = (await climb(gql, proposal))["ladder"]
        assert state["stage"] == 3 and state["status"] == "REVIEW"
        assert state["nextThreshold"] is None
        assert when(state["deadline"]) == start + timedelta(days=60)
        assert [e["type"] for e in state["events"]][-3:] == [
            "ladder.deadline_extended",
            "ladder.stage_reached",
            "ladder.review_requested",
        ]
        queue = (await gql(QUEUE, {"id": world["campaign"]}, token=world["owner"]))["data"]
        assert [p["id"] for p in queue["node"]["ladder"]["reviewQueue"]] == [proposal]

    async def test_a_retracted_support_does_not_undo_a_stage(self, gql, sign_up):
        world = await ladder_world(gql, sign_up)
        proposal, members = world["proposals"][0], world["members"]
        await support(gql, members[0], proposal)
        await support(gql, members[1], proposal)
        await ok(
            gql, RETRACT, {"input": {"proposalId": proposal}}, token=members[1], field="retractVote"
        )
        state = (await climb(gql, proposal))["ladder"]
        assert state["stage"] == 1 and state["supporters"] == 1
        await support(gql, members[1], proposal)
        state = (await climb(gql, proposal))["ladder"]
        # back to 2 supporters: stage 1 is not crossed (nor extended) a second time
        assert [e["type"] for e in state["events"]].count("ladder.deadline_extended") == 1

    async def test_pending_accounts_do_not_climb(self, gql, sign_up, clock):
        world = await ladder_world(
            gql, sign_up, voting={"method": "APPROVAL", "minAccountAgeHours": 24}
        )
        proposal = world["proposals"][0]
        for token in world["members"][:3]:
            await support(gql, token, proposal)
        state = (await climb(gql, proposal))["ladder"]
        assert state["stage"] == 0 and state["supporters"] == 0

    async def test_stage_events_go_to_the_invited_partners_webhooks(self, gql, sign_up, settings):
        world = await ladder_world(gql, sign_up)
        proposal = world["proposals"][0]
        for token in world["members"][:2]:
            await support(gql, token, proposal)
        db = Database(settings)
        try:
            async with db.read() as session:
                rows = (await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all()
        finally:
            await db.dispose()
        ladder_rows = [r for r in rows if r.type.startswith("ladder.")]
        assert [r.type for r in ladder_rows] == [
            "ladder.started",
            "ladder.stage_reached",
            "ladder.deadline_extended",
        ]
        assert [r.sequence for r in ladder_rows] == [1, 2, 3]
        body = ladder_rows[1].body
        assert body["data"]["proposalId"] == proposal
        assert body["data"]["stage"] == 1 and body["data"]["supporters"] == 2


class TestReview:
    async def reach_review(self, gql, sign_up, proposals: int = 1) -> dict:
        world = await ladder_world(gql, sign_up, proposals=proposals)
        for proposal in world["proposals"]:
            for token in world["members"][:4]:
                await support(gql, token, proposal)
        return world

    async def test_the_owner_approves_and_the_spec_is_handed_off(self, gql, sign_up):
        world = await self.reach_review(gql, sign_up)
        proposal = world["proposals"][0]
        payload = await ok(
            gql,
            APPROVE,
            {"input": {"proposalId": proposal}},
            token=world["owner"],
            field="approveLadderProposal",
        )
        assert payload["proposal"]["status"] == "WINNER"
        state = await climb(gql, proposal)
        assert state["ladder"]["status"] == "APPROVED"
        assert state["ladder"]["events"][-1]["type"] == "ladder.approved"
        data = (await gql(QUEUE, {"id": world["campaign"]}, token=world["owner"]))["data"]
        assert data["node"]["ladder"]["reviewQueue"] == []
        handoffs = [e["node"] for e in data["node"]["handoffs"]["edges"]]
        assert [h["status"] for h in handoffs] == ["RECEIVED"]

    async def test_members_may_not_decide(self, gql, sign_up):
        world = await self.reach_review(gql, sign_up)
        proposal, member = world["proposals"][0], world["members"][0]
        for query, extra in ((APPROVE, {}), (DECLINE, {"reason": "no"})):
            body = await gql(query, {"input": {"proposalId": proposal, **extra}}, token=member)
            (payload,) = body["data"].values()
            assert payload["errors"][0]["code"] == "FORBIDDEN"
        assert (await climb(gql, proposal))["ladder"]["status"] == "REVIEW"

    async def test_a_decline_needs_a_reason_and_shows_it(self, gql, sign_up):
        world = await self.reach_review(gql, sign_up)
        proposal, owner = world["proposals"][0], world["owner"]
        body = await gql(DECLINE, {"input": {"proposalId": proposal, "reason": "  "}}, token=owner)
        errors = body["data"]["declineLadderProposal"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", ["reason"])]
        await ok(
            gql,
            DECLINE,
            {"input": {"proposalId": proposal, "reason": "Too close to our current soup."}},
            token=owner,
            field="declineLadderProposal",
        )
        state = (await climb(gql, proposal))["ladder"]
        assert state["status"] == "DECLINED"
        assert state["declineReason"] == "Too close to our current soup."
        assert state["events"][-1]["reason"] == "Too close to our current soup."
        body = await gql(APPROVE, {"input": {"proposalId": proposal}}, token=owner)
        errors = body["data"]["approveLadderProposal"]["errors"]
        assert errors[0]["code"] == "INVALID_TRANSITION"

    async def test_a_climbing_proposal_cannot_be_decided(self, gql, sign_up):
        world = await ladder_world(gql, sign_up)
        body = await gql(
            APPROVE, {"input": {"proposalId": world["proposals"][0]}}, token=world["owner"]
        )
        errors = body["data"]["approveLadderProposal"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_TRANSITION", ["proposalId"])]

    async def test_each_approved_proposal_is_handed_off_on_its_own(self, gql, sign_up, clock):
        world = await self.reach_review(gql, sign_up, proposals=2)
        owner, key = world["owner"], world["partner"]["apiKey"]
        for proposal in world["proposals"]:
            await ok(
                gql,
                APPROVE,
                {"input": {"proposalId": proposal}},
                token=owner,
                field="approveLadderProposal",
            )
        data = (await gql(QUEUE, {"id": world["campaign"]}, token=owner))["data"]
        handoffs = {
            e["node"]["proposal"]["id"]: e["node"] for e in data["node"]["handoffs"]["edges"]
        }
        assert sorted(handoffs) == sorted(world["proposals"])
        first, second = (handoffs[p]["id"] for p in world["proposals"])
        # Accepting the first proposal's quote leaves the second one's handoff open.
        valid = (clock.now + timedelta(days=30)).isoformat()
        for handoff in (first, second):
            await ok(
                gql,
                STEP.format(name="acknowledgeHandoff", input="HandoffIdInput"),
                {"input": {"handoffId": handoff}},
                token=key,
                field="acknowledgeHandoff",
            )
            await ok(
                gql,
                STEP.format(name="submitQuote", input="SubmitQuoteInput"),
                {
                    "input": {
                        "handoffId": handoff,
                        "currency": "EUR",
                        "moq": 10,
                        "leadTimeDays": 14,
                        "validUntil": valid,
                        "tiers": [{"minUnits": 1, "unitPrice": "9.00"}],
                    }
                },
                token=key,
                field="submitQuote",
            )
        accepted = await ok(
            gql,
            STEP.format(name="acceptQuote", input="HandoffIdInput"),
            {"input": {"handoffId": first}},
            token=owner,
            field="acceptQuote",
        )
        assert accepted["handoff"]["status"] == "ACCEPTED"
        data = (await gql(QUEUE, {"id": world["campaign"]}, token=owner))["data"]
        statuses = {e["node"]["id"]: e["node"]["status"] for e in data["node"]["handoffs"]["edges"]}
        assert statuses == {first: "ACCEPTED", second: "QUOTED"}
        await ok(
            gql,
            STEP.format(name="acceptQuote", input="HandoffIdInput"),
            {"input": {"handoffId": second}},
            token=owner,
            field="acceptQuote",
        )


class TestSweep:
    async def test_a_missed_deadline_expires_once(self, gql, sign_up, state, clock):
        world = await ladder_world(gql, sign_up)
        proposal = world["proposals"][0]
        await support(gql, world["members"][0], proposal)
        clock.advance(days=29)
        assert await state.jobs.run("ladder.sweep") == {"events": 0, "expired": 0}
        clock.advance(days=1)
        assert await state.jobs.run("ladder.sweep") == {"events": 0, "expired": 1}
        assert await state.jobs.run("ladder.sweep") == {"events": 0, "expired": 0}
        ladder = (await climb(gql, proposal))["ladder"]
        assert ladder["status"] == "EXPIRED"
        assert [e["type"] for e in ladder["events"]] == ["ladder.started", "ladder.expired"]
        # a late support rescues nothing (a new member: the others' tokens have expired)
        late = await sign_up("late@example.com", "Late")
        await join_brand(gql, token=late, brand_id=world["brand"])
        await support(gql, late, proposal)
        assert (await climb(gql, proposal))["ladder"]["stage"] == 0

    async def test_the_sweep_crosses_what_the_check_missed(
        self, gql, sign_up, state, settings, clock
    ):
        world = await ladder_world(gql, sign_up)
        proposal = world["proposals"][0]
        for token in world["members"][:2]:
            await support(gql, token, proposal)
        # undo what the after-vote check did, as if the process had died before it ran
        from sqlalchemy import delete, update

        from brandhub.ladder.models import LadderEvent, LadderProposal

        db = Database(settings)
        try:
            async with db.unit_of_work() as session:
                await session.execute(delete(LadderEvent).where(LadderEvent.sequence > 1))
                await session.execute(
                    update(LadderProposal).values(
                        stage=0,
                        last_sequence=1,
                        deadline=clock.now + timedelta(days=30),
                    )
                )
        finally:
            await db.dispose()
        assert (await climb(gql, proposal))["ladder"]["stage"] == 0
        assert await state.jobs.run("ladder.sweep") == {"events": 2, "expired": 0}
        assert await state.jobs.run("ladder.sweep") == {"events": 0, "expired": 0}
        assert (await climb(gql, proposal))["ladder"]["stage"] == 1


class TestClosing:
    async def test_closing_a_ladder_expires_climbs_and_hands_off_nothing(self, gql, sign_up):
        world = await ladder_world(gql, sign_up, proposals=2)
        top, other = world["proposals"]
        for token in world["members"][:4]:
            await support(gql, token, top)
        await support(gql, world["members"][0], other)
        await move_phase(
            gql, token=world["owner"], campaign_id=world["campaign"], mutation="closeCampaign"
        )
        assert (await climb(gql, other))["ladder"]["status"] == "EXPIRED"
        reviewed = await climb(gql, top)
        assert reviewed["status"] == "ACTIVE" and reviewed["ladder"]["status"] == "REVIEW"
        data = (await gql(QUEUE, {"id": world["campaign"]}, token=world["owner"]))["data"]
        assert data["node"]["handoffs"]["edges"] == []
        await ok(
            gql,
            APPROVE,
            {"input": {"proposalId": top}},
            token=world["owner"],
            field="approveLadderProposal",
        )
        data = (await gql(QUEUE, {"id": world["campaign"]}, token=world["owner"]))["data"]
        assert len(data["node"]["handoffs"]["edges"]) == 1


class TestReputation:
    async def test_an_approved_fork_credits_the_forked_author(self, gql, sign_up):
        from tests.factories import submit_proposal
        from tests.ratings.test_reputation import FORK, reputation_of

        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        payload = await ok(
            gql, CREATE, {"input": campaign_input(brand)}, token=owner, field="createCampaign"
        )
        campaign = payload["campaign"]["id"]
        await move_phase(gql, token=owner, campaign_id=campaign, mutation="openSubmissions")
        members = []
        for i in range(5):
            token = await sign_up(f"m{i}@example.com", f"Member {i}")
            await join_brand(gql, token=token, brand_id=brand)
            members.append(token)
        original = await submit_proposal(gql, token=members[0], campaign_id=campaign)
        fork = await ok(
            gql, FORK, {"input": {"proposalId": original}}, token=members[1], field="forkProposal"
        )
        fork_id = fork["proposal"]["id"]
        await move_phase(gql, token=owner, campaign_id=campaign, mutation="openVoting")
        for token in members[:4]:
            await support(gql, token, fork_id)
        assert (await reputation_of(gql, members[0]))["reputation"] == 0
        await ok(
            gql,
            APPROVE,
            {"input": {"proposalId": fork_id}},
            token=owner,
            field="approveLadderProposal",
        )
        shown = await reputation_of(gql, members[0])
        assert shown["reputation"] == 10
        assert shown["components"]["FORK_WINS"] == (1, 10)
