"""The community over HTTP: brands, campaigns, proposals, revisions, forks, comments, moderation."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import rfc8785
from sqlalchemy import select

from brandhub.auth.models import Member
from tests.factories import (
    ERRORS,
    RECIPE_SPEC,
    CountStatements,
    create_brand,
    create_campaign,
    join_brand,
    move_phase,
    ok,
    open_campaign,
    submit_proposal,
)

REVISE = f"""
mutation($input: ReviseProposalInput!) {{
  reviseProposal(input: $input) {{ proposal {{ revision specDigest spec }} {ERRORS} }}
}}"""
FORK = f"""
mutation($input: ProposalIdInput!) {{
  forkProposal(input: $input) {{
    proposal {{ id forkedFrom {{ id }} credits {{ displayName }} author {{ displayName }} }} {ERRORS}
  }}
}}"""
WITHDRAW = f"mutation($input: ProposalIdInput!) {{ withdrawProposal(input: $input) {{ proposal {{ status }} {ERRORS} }} }}"
COMMENT = f"mutation($input: AddCommentInput!) {{ addComment(input: $input) {{ comment {{ id body author {{ displayName }} }} {ERRORS} }} }}"
MODERATE = f"mutation($input: ModerateInput!) {{ moderate(input: $input) {{ proposal {{ status }} comment {{ hidden }} {ERRORS} }} }}"
SET_ROLE = f"mutation($input: SetMemberRoleInput!) {{ setMemberRole(input: $input) {{ membership {{ role member {{ displayName }} }} {ERRORS} }} }}"
VIEWER_ID = "{ viewer { ... on Member { id } } }"
PROPOSAL = """
query($id: ID!) {
  proposal(id: $id) {
    title status spec specDigest revision
    author { displayName }
    revisions { edges { node { number note specDigest author { displayName } } } }
    comments { edges { node { body author { displayName } } } }
  }
}"""


async def member_id(gql, token: str) -> str:
    return (await gql(VIEWER_ID, token=token))["data"]["viewer"]["id"]


def error_of(body: dict, field: str) -> dict:
    payload = body["data"][field]
    assert payload["errors"], payload
    return payload["errors"][0]


class TestCommunityFlow:
    async def test_from_brand_to_frozen_specs(self, gql, sign_up):
        # An influencer creates a brand and a recipe campaign.
        influencer = await sign_up("chef@example.com", "Chef")
        brand = await create_brand(gql, token=influencer, slug="chef-soups")
        campaign = await create_campaign(gql, token=influencer, brand_id=brand)
        await move_phase(gql, token=influencer, campaign_id=campaign, mutation="openSubmissions")
        # Members join and submit.
        ana, ben, spammer = (
            await sign_up("ana@example.com", "Ana"),
            await sign_up("ben@example.com", "Ben"),
            await sign_up("spam@example.com", "Spammer"),
        )
        for token in (ana, ben, spammer):
            await join_brand(gql, token=token, brand_id=brand)
        soup = await submit_proposal(gql, token=ana, campaign_id=campaign)
        spam = await submit_proposal(gql, token=spammer, campaign_id=campaign, title="BUY NOW")
        # Ana revises her recipe.
        spec2 = {**RECIPE_SPEC, "servings": 6}
        revised = await ok(
            gql,
            REVISE,
            {"input": {"proposalId": soup, "spec": spec2, "note": "serves six"}},
            token=ana,
            field="reviseProposal",
        )
        assert revised["proposal"]["revision"] == 2
        assert revised["proposal"]["spec"]["servings"] == 6
        # Ben forks it: linked, credited to both.
        fork = await ok(gql, FORK, {"input": {"proposalId": soup}}, token=ben, field="forkProposal")
        assert fork["proposal"]["forkedFrom"] == {"id": soup}
        assert [c["displayName"] for c in fork["proposal"]["credits"]] == ["Ben", "Ana"]
        assert fork["proposal"]["author"] == {"displayName": "Ben"}
        # Comments.
        await ok(
            gql,
            COMMENT,
            {"input": {"proposalId": soup, "body": "<b>More garlic</b> & less salt"}},
            token=ben,
            field="addComment",
        )
        # The owner makes Ben a moderator; Ben hides the spam.
        await ok(
            gql,
            SET_ROLE,
            {
                "input": {
                    "brandId": brand,
                    "memberId": await member_id(gql, ben),
                    "role": "MODERATOR",
                }
            },
            token=influencer,
            field="setMemberRole",
        )
        hidden = await ok(
            gql,
            MODERATE,
            {"input": {"targetId": spam, "action": "HIDE", "reason": "advertising"}},
            token=ben,
            field="moderate",
        )
        assert hidden["proposal"]["status"] == "HIDDEN"
        listing = """query($id: ID!) { campaign(id: $id) { proposals(orderBy: NEW) {
            edges { node { title } } } } }"""
        seen_by_ana = await gql(listing, {"id": campaign}, token=ana)
        titles = [e["node"]["title"] for e in seen_by_ana["data"]["campaign"]["proposals"]["edges"]]
        assert titles == ["Garlic soup", "Garlic soup"]
        seen_by_ben = await gql(listing, {"id": campaign}, token=ben)
        assert len(seen_by_ben["data"]["campaign"]["proposals"]["edges"]) == 3
        assert (await gql(PROPOSAL, {"id": spam}, token=ana))["data"]["proposal"] is None
        # Voting opens: revisions are refused.
        await move_phase(gql, token=influencer, campaign_id=campaign, mutation="openVoting")
        body = await gql(REVISE, {"input": {"proposalId": soup, "spec": RECIPE_SPEC}}, token=ana)
        assert error_of(body, "reviseProposal")["code"] == "INVALID_PHASE"
        # The proposal shows its history, comments and a digest anyone can recompute.
        detail = (await gql(PROPOSAL, {"id": soup}))["data"]["proposal"]
        assert detail["revision"] == 2
        assert [r["node"]["number"] for r in detail["revisions"]["edges"]] == [1, 2]
        assert detail["revisions"]["edges"][1]["node"]["note"] == "serves six"
        assert detail["comments"]["edges"][0]["node"]["body"] == "<b>More garlic</b> & less salt"
        assert detail["specDigest"] == hashlib.sha256(rfc8785.dumps(spec2)).hexdigest()
        assert detail["revisions"]["edges"][0]["node"]["specDigest"] == (
            hashlib.sha256(rfc8785.dumps(RECIPE_SPEC)).hexdigest()
        )

    async def test_moderation_log_and_restore(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        [member] = c["members"]
        proposal = await submit_proposal(gql, token=member, campaign_id=c["campaign"])
        comment = await ok(
            gql,
            COMMENT,
            {"input": {"proposalId": proposal, "body": "spam"}},
            token=member,
            field="addComment",
        )
        comment_id = comment["comment"]["id"]
        for target, action in [(comment_id, "HIDE"), (proposal, "HIDE"), (proposal, "RESTORE")]:
            await ok(
                gql,
                MODERATE,
                {"input": {"targetId": target, "action": action, "reason": f"{action} it"}},
                token=c["owner"],
                field="moderate",
            )
        detail = (await gql(PROPOSAL, {"id": proposal}, token=member))["data"]["proposal"]
        assert detail["status"] == "ACTIVE"
        assert detail["comments"]["edges"] == []
        log = """query { brand(slug: "soup-club") { moderationLog { edges { node {
            action targetType targetId reason moderator { displayName } } } } } }"""
        entries = (await gql(log, token=c["owner"]))["data"]["brand"]["moderationLog"]["edges"]
        assert [(e["node"]["action"], e["node"]["targetId"]) for e in entries] == [
            ("RESTORE", proposal),
            ("HIDE", proposal),
            ("HIDE", comment_id),
        ]
        refused = await gql(log, token=member)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    async def test_withdrawal_by_the_author(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        payload = await ok(
            gql,
            WITHDRAW,
            {"input": {"proposalId": proposal}},
            token=c["members"][0],
            field="withdrawProposal",
        )
        assert payload["proposal"]["status"] == "WITHDRAWN"


class TestPermissions:
    async def test_non_member_cannot_submit(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=0)
        outsider = await sign_up("out@example.com", "Outsider")
        body = await gql(
            "mutation($input: SubmitProposalInput!) { submitProposal(input: $input) { proposal { id } errors { code } } }",
            {"input": {"campaignId": c["campaign"], "title": "x", "spec": RECIPE_SPEC}},
            token=outsider,
        )
        assert body["data"]["submitProposal"] == {
            "proposal": None,
            "errors": [{"code": "FORBIDDEN"}],
        }

    async def test_non_member_cannot_fork_or_comment(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        outsider = await sign_up("out@example.com", "Outsider")
        body = await gql(FORK, {"input": {"proposalId": proposal}}, token=outsider)
        assert error_of(body, "forkProposal")["code"] == "FORBIDDEN"
        body = await gql(COMMENT, {"input": {"proposalId": proposal, "body": "hi"}}, token=outsider)
        assert error_of(body, "addComment")["code"] == "FORBIDDEN"
        detail = (await gql(PROPOSAL, {"id": proposal}))["data"]["proposal"]
        assert detail["comments"]["edges"] == []

    async def test_anonymous_mutation_is_unauthenticated(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=0)
        body = await gql(
            "mutation($input: JoinBrandInput!) { joinBrand(input: $input) { errors { code } } }",
            {"input": {"brandId": c["brand"]}},
        )
        assert body["data"]["joinBrand"]["errors"] == [{"code": "UNAUTHENTICATED"}]

    async def test_member_cannot_moderate(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=2)
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        body = await gql(
            MODERATE,
            {"input": {"targetId": proposal, "action": "HIDE", "reason": "x"}},
            token=c["members"][1],
        )
        assert error_of(body, "moderate")["code"] == "FORBIDDEN"
        detail = (await gql(PROPOSAL, {"id": proposal}))["data"]["proposal"]
        assert detail["status"] == "ACTIVE"

    @pytest.mark.parametrize("mutation", ["openSubmissions", "openVoting", "closeCampaign"])
    async def test_non_owner_cannot_change_phase(self, gql, sign_up, mutation):
        c = await open_campaign(gql, sign_up, members=1)
        body = await gql(
            f"mutation($input: CampaignIdInput!) {{ {mutation}(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": c["campaign"]}},
            token=c["members"][0],
        )
        assert error_of(body, mutation)["code"] == "FORBIDDEN"

    async def test_moderator_cannot_change_phase_or_roles(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=2)
        mod, other = c["members"]
        await ok(
            gql,
            SET_ROLE,
            {
                "input": {
                    "brandId": c["brand"],
                    "memberId": await member_id(gql, mod),
                    "role": "MODERATOR",
                }
            },
            token=c["owner"],
            field="setMemberRole",
        )
        body = await gql(
            SET_ROLE,
            {
                "input": {
                    "brandId": c["brand"],
                    "memberId": await member_id(gql, other),
                    "role": "OWNER",
                }
            },
            token=mod,
        )
        assert error_of(body, "setMemberRole")["code"] == "FORBIDDEN"
        body = await gql(
            f"mutation($input: CampaignIdInput!) {{ openVoting(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": c["campaign"]}},
            token=mod,
        )
        assert error_of(body, "openVoting")["code"] == "FORBIDDEN"

    async def test_member_cannot_create_campaigns(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        body = await gql(
            "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { errors { code } } }",
            {
                "input": {
                    "brandId": c["brand"],
                    "title": "x",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": {"method": "APPROVAL"},
                }
            },
            token=c["members"][0],
        )
        assert body["data"]["createCampaign"]["errors"] == [{"code": "FORBIDDEN"}]

    async def test_nobody_edits_or_withdraws_anothers_proposal(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=2)
        author, other = c["members"]
        proposal = await submit_proposal(gql, token=author, campaign_id=c["campaign"])
        for token in (other, c["owner"]):
            body = await gql(
                REVISE, {"input": {"proposalId": proposal, "spec": RECIPE_SPEC}}, token=token
            )
            assert error_of(body, "reviseProposal")["code"] == "FORBIDDEN"
            body = await gql(WITHDRAW, {"input": {"proposalId": proposal}}, token=token)
            assert error_of(body, "withdrawProposal")["code"] == "FORBIDDEN"
        detail = (await gql(PROPOSAL, {"id": proposal}))["data"]["proposal"]
        assert (detail["revision"], detail["status"]) == (1, "ACTIVE")

    async def test_last_owner_cannot_be_demoted(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=0)
        owner_id = await member_id(gql, c["owner"])
        body = await gql(
            SET_ROLE,
            {"input": {"brandId": c["brand"], "memberId": owner_id, "role": "MEMBER"}},
            token=c["owner"],
        )
        assert error_of(body, "setMemberRole") == {
            "code": "INVALID_INPUT",
            "message": "A brand needs at least one owner.",
            "field": ["role"],
        }

    async def test_draft_campaigns_are_hidden_from_members(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        campaign = await create_campaign(gql, token=owner, brand_id=brand)
        member = await sign_up("m@example.com", "M")
        await join_brand(gql, token=member, brand_id=brand)
        query = "query($id: ID!) { campaign(id: $id) { phase } }"
        assert (await gql(query, {"id": campaign}, token=member))["data"]["campaign"] is None
        assert (await gql(query, {"id": campaign}, token=owner))["data"]["campaign"] == {
            "phase": "DRAFT"
        }


class TestBadInput:
    async def test_invalid_spec_reports_every_nested_path(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        spec = {
            **RECIPE_SPEC,
            "ingredients": [
                *RECIPE_SPEC["ingredients"],
                {"name": "salt", "quantity": -1, "unit": "g"},
            ],
            "servings": 0,
        }
        body = await gql(
            f"mutation($input: SubmitProposalInput!) {{ submitProposal(input: $input) {{ proposal {{ id }} {ERRORS} }} }}",
            {"input": {"campaignId": c["campaign"], "title": "Salty", "spec": spec}},
            token=c["members"][0],
        )
        payload = body["data"]["submitProposal"]
        assert payload["proposal"] is None
        assert {(e["code"], tuple(e["field"])) for e in payload["errors"]} == {
            ("INVALID_SPEC", ("spec", "ingredients", "2", "quantity")),
            ("INVALID_SPEC", ("spec", "servings")),
        }

    @pytest.mark.parametrize("slug", ["ab", "Soup", "-soup", "soup_club", "a" * 41])
    async def test_bad_slug(self, gql, sign_up, slug):
        token = await sign_up()
        body = await gql(
            f'mutation {{ createBrand(input: {{slug: "{slug}", name: "X"}}) {{ brand {{ id }} {ERRORS} }} }}',
            token=token,
        )
        error = error_of(body, "createBrand")
        assert (error["code"], error["field"]) == ("INVALID_INPUT", ["slug"])

    async def test_duplicate_slug(self, gql, sign_up):
        token = await sign_up()
        await create_brand(gql, token=token, slug="soup-club")
        other = await sign_up("b@example.com", "B")
        body = await gql(
            f'mutation {{ createBrand(input: {{slug: "soup-club", name: "Other"}}) {{ {ERRORS} }} }}',
            token=other,
        )
        error = error_of(body, "createBrand")
        assert (error["code"], error["field"]) == ("ALREADY_EXISTS", ["slug"])

    async def test_invalid_custom_template(self, gql, sign_up):
        token = await sign_up()
        brand = await create_brand(gql, token=token)
        body = await gql(
            f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {ERRORS} }} }}",
            {
                "input": {
                    "brandId": brand,
                    "title": "Gadgets",
                    "category": "gadget",
                    "specTemplate": "custom",
                    "customTemplate": {
                        "type": "object",
                        "properties": {"size": {"type": "bigness"}},
                    },
                    "voting": {"method": "SCORE"},
                }
            },
            token=token,
        )
        error = error_of(body, "createCampaign")
        assert error["code"] == "INVALID_INPUT"
        assert error["field"][0] == "customTemplate"

    async def test_custom_template_is_used_for_specs(self, gql, sign_up):
        template = {
            "type": "object",
            "properties": {"battery_mah": {"type": "integer", "minimum": 100}},
            "required": ["battery_mah"],
        }
        c = await open_campaign(
            gql,
            sign_up,
            members=1,
            template="custom",
            customTemplate=template,
            voting={"method": "SCORE"},
        )
        await submit_proposal(
            gql, token=c["members"][0], campaign_id=c["campaign"], spec={"battery_mah": 500}
        )
        body = await gql(
            f"mutation($input: SubmitProposalInput!) {{ submitProposal(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": c["campaign"], "title": "Weak", "spec": {"battery_mah": 5}}},
            token=c["members"][0],
        )
        error = error_of(body, "submitProposal")
        assert (error["code"], error["field"]) == ("INVALID_SPEC", ["spec", "battery_mah"])

    @pytest.mark.parametrize(
        ("voting", "field"),
        [
            ({"method": "APPROVAL", "creditsPerMember": 100}, ["voting", "creditsPerMember"]),
            ({"method": "QUADRATIC"}, ["voting", "creditsPerMember"]),
            ({"method": "SCORE", "votesPerMember": 3}, ["voting", "votesPerMember"]),
            ({"method": "APPROVAL", "maxVoterShare": 1.5}, ["voting", "maxVoterShare"]),
            ({"method": "APPROVAL", "quorum": -1}, ["voting", "quorum"]),
            (
                {"method": "APPROVAL", "minAccountAgeHours": 100000},
                ["voting", "minAccountAgeHours"],
            ),
        ],
    )
    async def test_voting_rules_are_validated_for_the_method(self, gql, sign_up, voting, field):
        token = await sign_up()
        brand = await create_brand(gql, token=token)
        body = await gql(
            f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ campaign {{ id }} {ERRORS} }} }}",
            {
                "input": {
                    "brandId": brand,
                    "title": "x",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": voting,
                }
            },
            token=token,
        )
        error = error_of(body, "createCampaign")
        assert (error["code"], error["field"]) == ("INVALID_INPUT", field)

    async def test_wrong_phase(self, gql, sign_up):
        owner = await sign_up("owner@example.com", "Owner")
        brand = await create_brand(gql, token=owner)
        campaign = await create_campaign(gql, token=owner, brand_id=brand)
        body = await gql(
            f"mutation($input: CampaignIdInput!) {{ openVoting(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": campaign}},
            token=owner,
        )
        assert error_of(body, "openVoting")["code"] == "INVALID_PHASE"
        body = await gql(
            f"mutation($input: SubmitProposalInput!) {{ submitProposal(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": campaign, "title": "Early", "spec": RECIPE_SPEC}},
            token=owner,
        )
        assert error_of(body, "submitProposal")["code"] == "INVALID_PHASE"
        await move_phase(gql, token=owner, campaign_id=campaign, mutation="openSubmissions")
        body = await gql(
            f"mutation($input: CampaignIdInput!) {{ openSubmissions(input: $input) {{ {ERRORS} }} }}",
            {"input": {"campaignId": campaign}},
            token=owner,
        )
        assert error_of(body, "openSubmissions")["code"] == "INVALID_PHASE"

    async def test_comment_too_long_or_empty(self, gql, sign_up):
        c = await open_campaign(gql, sign_up, members=1)
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        for body_text in ("", "x" * 5001):
            body = await gql(
                COMMENT,
                {"input": {"proposalId": proposal, "body": body_text}},
                token=c["members"][0],
            )
            assert error_of(body, "addComment")["field"] == ["body"]

    async def test_unknown_ids_are_not_found(self, gql, sign_up):
        token = await sign_up()
        body = await gql(
            f'mutation {{ joinBrand(input: {{brandId: "nonsense"}}) {{ {ERRORS} }} }}', token=token
        )
        assert error_of(body, "joinBrand") == {
            "code": "NOT_FOUND",
            "message": "No such brand.",
            "field": ["brandId"],
        }


class TestSchedule:
    async def test_job_opens_voting_when_submissions_close(self, gql, sign_up, state, clock):
        closes = (clock.now + timedelta(hours=1)).isoformat()
        c = await open_campaign(gql, sign_up, members=0, submissionsCloseAt=closes)
        assert await state.jobs.run("community.advance_phases") == []
        clock.advance(hours=1)
        moved = await state.jobs.run("community.advance_phases")
        assert len(moved) == 1
        body = await gql("query($id: ID!) { campaign(id: $id) { phase } }", {"id": c["campaign"]})
        assert body["data"]["campaign"]["phase"] == "VOTING"

    async def test_schedule_must_be_in_order(self, gql, sign_up, clock):
        token = await sign_up()
        brand = await create_brand(gql, token=token)
        body = await gql(
            f"mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{ {ERRORS} }} }}",
            {
                "input": {
                    "brandId": brand,
                    "title": "x",
                    "category": "recipe",
                    "specTemplate": "recipe",
                    "voting": {"method": "APPROVAL"},
                    "submissionsCloseAt": (clock.now + timedelta(days=2)).isoformat(),
                    "votingClosesAt": (clock.now + timedelta(days=1)).isoformat(),
                }
            },
            token=token,
        )
        assert error_of(body, "createCampaign")["field"] == ["votingClosesAt"]


class TestQueryCost:
    async def test_listing_proposals_runs_a_constant_number_of_statements(
        self, gql, sign_up, state
    ):
        c = await open_campaign(gql, sign_up, members=3)
        query = """query($id: ID!, $first: Int!) { campaign(id: $id) { proposals(first: $first) {
            edges { node { title author { displayName } latestRevision { number specDigest
            author { displayName } } credits { displayName } } } } } }"""

        async def statements_for(first: int) -> int:
            with CountStatements(state) as counted:
                body = await gql(query, {"id": c["campaign"], "first": first}, token=c["owner"])
            assert len(body["data"]["campaign"]["proposals"]["edges"]) == first
            return counted.count

        for i in range(50):
            await submit_proposal(
                gql, token=c["members"][i % 3], campaign_id=c["campaign"], title=f"Soup {i}"
            )
        assert await statements_for(5) == await statements_for(50)

    async def test_too_deep_documents_are_refused_before_execution(self, gql, sign_up):
        token = await sign_up()
        nested = "id"
        for _ in range(6):
            nested = f"campaigns {{ edges {{ node {{ brand {{ {nested} }} }} }} }}"
        body = await gql(f'{{ brand(slug: "soup-club") {{ {nested} }} }}', token=token)
        assert body.get("data") is None
        assert "exceeds maximum operation depth of 10" in body["errors"][0]["message"]


class TestFreeze:
    async def test_a_revision_racing_open_voting_waits_and_is_refused(
        self, state, clock, gql, sign_up
    ):
        import asyncio

        from brandhub.community import campaigns, proposals
        from brandhub.community.errors import InvalidPhase
        from brandhub.community.models import Phase
        from brandhub.schema.relay import decode_id

        c = await open_campaign(gql, sign_up, members=1)
        proposal = await submit_proposal(gql, token=c["members"][0], campaign_id=c["campaign"])
        async with state.db.read() as session:
            author = await session.scalar(
                select(Member).where(Member.email_key == "m0@example.com")
            )
            owner = await session.scalar(
                select(Member).where(Member.email_key == "owner@example.com")
            )

        async def late_revision() -> None:
            async with state.db.unit_of_work() as session:
                await proposals.revise_proposal(
                    session,
                    actor=author,
                    proposal_id=decode_id(proposal, "Proposal"),
                    spec={**RECIPE_SPEC, "servings": 9},
                    note="too late",
                    title=None,
                    summary=None,
                    now=clock.now,
                )

        async with state.db.unit_of_work() as session:
            await campaigns.move_phase(
                session,
                actor=owner,
                campaign_id=decode_id(c["campaign"], "Campaign"),
                to=Phase.VOTING,
                now=clock.now,
            )
            revising = asyncio.create_task(late_revision())
            await asyncio.sleep(0.3)
            assert not revising.done()
        with pytest.raises(InvalidPhase):
            await revising
        detail = (await gql(PROPOSAL, {"id": proposal}))["data"]["proposal"]
        assert detail["revision"] == 1
