"""A shipped product to report sales on, built through the API as its people would."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.factories import ERRORS, move_phase, ok, open_campaign, submit_proposal
from tests.partners.support import close_with_handoffs, register_partner

FORK = f"""mutation($input: ProposalIdInput!) {{ forkProposal(input: $input) {{
  proposal {{ id }} {ERRORS} }} }}"""
STEP = "mutation($input: {input}!) {{ {name}(input: $input) {{ handoff {{ status }} {errors} }} }}"
PLEDGE = (
    f"mutation($input: PledgeInput!) {{ pledge(input: $input) {{ pledge {{ id }} {ERRORS} }} }}"
)
VIEWER_ID = "{ viewer { ... on Member { id } } }"
REPORT = f"""mutation($input: ReportSalesInput!) {{ reportSales(input: $input) {{
  salesReport {{ id status netRevenue currency units periodStart periodEnd royalties
                 idempotencyKey }} {ERRORS} }} }}"""
REVERSE = f"""mutation($input: ReverseSalesReportInput!) {{ reverseSalesReport(input: $input) {{
  salesReport {{ id status royalties reversalReason }} {ERRORS} }} }}"""
CORRECT = f"""mutation($input: CorrectSalesReportInput!) {{ correctSalesReport(input: $input) {{
  salesReport {{ id status netRevenue royalties corrects {{ id status }} }} {ERRORS} }} }}"""
MEMBER_STATEMENT = """query($id: ID!, $from: Date!, $to: Date!) { node(id: $id) { ... on Member {
  royaltyStatement(from: $from, to: $to) { from to truncated csv
    balances { currency opening accrued reversed closing }
    entries { kind currency amount product periodStart periodEnd units } } } } }"""
BRAND_STATEMENT = """query($slug: String!, $from: Date!, $to: Date!) { brand(slug: $slug) {
  royaltyStatement(from: $from, to: $to) { truncated csv
    balances { currency opening accrued reversed closing }
    entries { kind currency amount product units } } } }"""

ROYALTIES = {"brandPercent": "10", "authorsPercent": "2"}


async def step(gql, name: str, input_type: str, token: str, **input: Any) -> dict:
    query = STEP.format(input=input_type, name=name, errors=ERRORS)
    return await ok(gql, query, {"input": input}, token=token, field=name)


async def member_id(gql, token: str) -> str:
    return (await gql(VIEWER_ID, token=token))["data"]["viewer"]["id"]


async def shipped_world(
    gql, sign_up, state, clock, *, royalties: dict | None = ROYALTIES, ship: bool = True
) -> dict[str, Any]:
    """Ana proposes, Ben forks her proposal and the fork wins; the product ships.

    The winning proposal's credited authors are Ben (its author) then Ana (forked from).
    """
    admin = await sign_up("admin@maker.example.com", "Maker Admin")
    partner = await register_partner(
        gql,
        token=admin,
        slug="maker",
        name="Maker",
        powered_by="Maker",
        webhook_url="https://hooks.maker.test/brandhub",
    )
    extra = {"royalties": royalties} if royalties else {}
    c = await open_campaign(gql, sign_up, members=3, partnerIds=[partner["partner"]["id"]], **extra)
    ana, ben, cat = c["members"]
    original = await submit_proposal(gql, token=ana, campaign_id=c["campaign"], title="Soup")
    fork = await ok(gql, FORK, {"input": {"proposalId": original}}, token=ben, field="forkProposal")
    c["proposal"] = fork["proposal"]["id"]
    await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
    # Voting: close_with_handoffs has every member support the fork.
    [handoff] = await close_with_handoffs(gql, state, clock, c)
    key = partner["apiKey"]
    c.update(partner=partner, key=key, handoff=handoff, ana=ana, ben=ben, cat=cat, admin=admin)
    if not ship:
        return c
    await step(gql, "acknowledgeHandoff", "HandoffIdInput", key, handoffId=handoff)
    await step(
        gql,
        "submitQuote",
        "SubmitQuoteInput",
        key,
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "9.00"}],
        moq=1,
        leadTimeDays=10,
        validUntil=(clock.now + timedelta(days=30)).isoformat(),
    )
    await step(gql, "acceptQuote", "HandoffIdInput", c["owner"], handoffId=handoff)
    await ok(
        gql, PLEDGE, {"input": {"proposalId": c["proposal"], "units": 1}}, token=cat, field="pledge"
    )
    for status in ("IN_PRODUCTION", "SHIPPED"):
        await step(
            gql,
            "updateProductionStatus",
            "UpdateProductionStatusInput",
            key,
            handoffId=handoff,
            status=status,
        )
    return c


def sales(handoff: str, key: str = "2026-11", **over: Any) -> dict[str, Any]:
    """A reportSales input: November's sales, EUR 1,000.00 net."""
    return {
        "handoffId": handoff,
        "idempotencyKey": key,
        "periodStart": "2026-11-01",
        "periodEnd": "2026-11-30",
        "units": 200,
        "netRevenue": "1000.00",
        "currency": "EUR",
        **over,
    }


async def report(gql, c: dict, **over: Any) -> dict:
    """Report sales as the partner; returns the payload (errors included)."""
    body = await gql(REPORT, {"input": sales(c["handoff"], **over)}, token=c["key"])
    assert "errors" not in body, body
    return body["data"]["reportSales"]
