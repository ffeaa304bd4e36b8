"""Ladder test support: a ladder campaign in VOTING, members to support, the queries."""

from __future__ import annotations

from typing import Any

from tests.factories import ERRORS, create_brand, join_brand, move_phase, ok, submit_proposal
from tests.partners.support import register_partner

STAGES = [
    {"supporters": 2, "extensionDays": 10},
    {"supporters": 3, "extensionDays": 20},
    {"supporters": 4},
]
CREATE = f"""mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{
  campaign {{ id ladder {{ initialDays stages {{ number supporters extensionDays }} }} }} {ERRORS} }} }}"""
SUPPORT = f"""mutation($input: CastVoteInput!) {{ castVote(input: $input) {{
  tally {{ voters score }} {ERRORS} }} }}"""
RETRACT = f"""mutation($input: RetractVoteInput!) {{ retractVote(input: $input) {{
  tally {{ voters score }} {ERRORS} }} }}"""
CLIMB = """query($id: ID!) { node(id: $id) { ... on Proposal { status ladder {
  stage lastStage supporters nextThreshold deadline status declineReason reviewedAt
  events { sequence type stage status supporters deadline reason at } } } } }"""
QUEUE = """query($id: ID!) { node(id: $id) { ... on Campaign {
  ladder { reviewQueue { id title } } handoffs { edges { node {
    id status specDigest proposal { id } } } } } } }"""
APPROVE = f"""mutation($input: LadderProposalInput!) {{ approveLadderProposal(input: $input) {{
  proposal {{ id status }} {ERRORS} }} }}"""
DECLINE = f"""mutation($input: DeclineLadderProposalInput!) {{ declineLadderProposal(input: $input) {{
  proposal {{ id status }} {ERRORS} }} }}"""
SET_LADDER = f"""mutation($input: SetCampaignLadderInput!) {{ setCampaignLadder(input: $input) {{
  campaign {{ id ladder {{ initialDays }} }} {ERRORS} }} }}"""


def campaign_input(brand: str, **extra: Any) -> dict[str, Any]:
    return {
        "brandId": brand,
        "title": "Soup ladder",
        "brief": "Climb to production",
        "category": "recipe",
        "specTemplate": "recipe",
        "voting": {"method": "APPROVAL"},
        "ladder": {"initialDays": 30, "stages": STAGES},
        **extra,
    }


async def ladder_world(
    gql, sign_up, *, members: int = 5, proposals: int = 1, voting: dict | None = None
) -> dict[str, Any]:
    """Owner, brand, a partner invited, a ladder campaign in VOTING with proposals, members."""
    owner = await sign_up("owner@example.com", "Owner")
    brand = await create_brand(gql, token=owner)
    partner = await register_partner(gql, token=owner)
    extra: dict[str, Any] = {"partnerIds": [partner["partner"]["id"]]}
    if voting:
        extra["voting"] = voting
    payload = await ok(
        gql, CREATE, {"input": campaign_input(brand, **extra)}, token=owner, field="createCampaign"
    )
    campaign = payload["campaign"]["id"]
    await move_phase(gql, token=owner, campaign_id=campaign, mutation="openSubmissions")
    tokens = []
    for i in range(members):
        token = await sign_up(f"m{i}@example.com", f"Member {i}")
        await join_brand(gql, token=token, brand_id=brand)
        tokens.append(token)
    ids = [
        await submit_proposal(gql, token=tokens[0], campaign_id=campaign, title=f"Soup {i}")
        for i in range(proposals)
    ]
    await move_phase(gql, token=owner, campaign_id=campaign, mutation="openVoting")
    return {
        "owner": owner,
        "brand": brand,
        "campaign": campaign,
        "members": tokens,
        "proposals": ids,
        "partner": partner,
    }


async def support(gql, token: str, proposal: str) -> dict[str, Any]:
    return await ok(
        gql, SUPPORT, {"input": {"proposalId": proposal, "value": 1}}, token=token, field="castVote"
    )


async def climb(gql, proposal: str, token: str | None = None) -> dict[str, Any]:
    body = await gql(CLIMB, {"id": proposal}, token=token)
    assert "errors" not in body, body
    return body["data"]["node"]
