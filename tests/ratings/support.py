"""Ratings test support: a product taken through the API from a vote to SHIPPED."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.factories import ERRORS, ok
from tests.partners.support import close_with_handoffs, voting_with_partners

STEP = "mutation($input: {input}!) {{ {name}(input: $input) {{ handoff {{ status }} {errors} }} }}"
PLEDGE = (
    f"mutation($input: PledgeInput!) {{ pledge(input: $input) {{ pledge {{ id }} {ERRORS} }} }}"
)
FULFIL = f"""mutation($input: FulfilPledgesInput!) {{ fulfilPledges(input: $input) {{
  handoff {{ status }} fulfilled {{ id units fulfilledAt }} {ERRORS} }} }}"""
RATE = f"""mutation($input: RateProductInput!) {{ rateProduct(input: $input) {{
  rating {{ id stars review hidden author {{ displayName }} }}
  ratings {{ count average bayesianAverage distribution }} {ERRORS} }} }}"""
RATINGS = """query($id: ID!) { proposal(id: $id) { ratings {
  count average bayesianAverage distribution priorMean priorStrength viewerCanRate
  viewerRating { stars review }
  reviews { edges { node { id stars review hidden author { displayName } } } } } } }"""
REPUTATION = """query($id: ID!) { node(id: $id) { ... on Member { reputation
  reputationBreakdown { score raw cap halfLifeDays components { kind count points } } } } }"""
VIEWER = "{ viewer { ... on Member { id reputation } } }"


async def step(gql, name: str, input_type: str, token: str, **input: Any) -> dict:
    query = STEP.format(input=input_type, name=name, errors=ERRORS)
    return await ok(gql, query, {"input": input}, token=token, field=name)


async def pledge(gql, token: str, proposal: str, units: int) -> str:
    payload = await ok(
        gql,
        PLEDGE,
        {"input": {"proposalId": proposal, "units": units}},
        token=token,
        field="pledge",
    )
    return payload["pledge"]["id"]


async def accepted_product(gql, sign_up, state, clock, *, members: int = 4) -> dict[str, Any]:
    """A campaign won by members[0]'s proposal; partner 0's quote accepted (moq 3);
    members 1 and 2 pledged (the moq is reached), members[3] did not."""
    c = await voting_with_partners(gql, sign_up, partners=1, members=members)
    [handoff] = await close_with_handoffs(gql, state, clock, c)
    key = c["partners"][0]["apiKey"]
    await step(gql, "acknowledgeHandoff", "HandoffIdInput", key, handoffId=handoff)
    await step(
        gql,
        "submitQuote",
        "SubmitQuoteInput",
        key,
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "9.00"}],
        moq=3,
        leadTimeDays=21,
        validUntil=(clock.now + timedelta(days=30)).isoformat(),
    )
    await step(gql, "acceptQuote", "HandoffIdInput", c["owner"], handoffId=handoff)
    c["pledges"] = [
        await pledge(gql, c["members"][1], c["proposal"], 2),
        await pledge(gql, c["members"][2], c["proposal"], 1),
    ]
    c["handoff"], c["key"] = handoff, key
    return c


async def produce(gql, c: dict[str, Any], *statuses: str) -> None:
    for status in statuses or ("IN_PRODUCTION", "SHIPPED"):
        await step(
            gql,
            "updateProductionStatus",
            "UpdateProductionStatusInput",
            c["key"],
            handoffId=c["handoff"],
            status=status,
        )


async def shipped_product(gql, sign_up, state, clock, **kwargs: Any) -> dict[str, Any]:
    c = await accepted_product(gql, sign_up, state, clock, **kwargs)
    await produce(gql, c)
    return c


async def member_id(gql, token: str) -> str:
    return (await gql(VIEWER, token=token))["data"]["viewer"]["id"]
