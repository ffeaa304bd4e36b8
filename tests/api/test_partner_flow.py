"""The issue's end-to-end flow over HTTP: from a closed campaign to a shipped, verified product."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
import rfc8785
from standardwebhooks.webhooks import Webhook

from tests.factories import ERRORS, ok
from tests.partners.support import Receiver, close_with_handoffs, voting_with_partners

MY_HANDOFFS = """{ viewer { ... on Partner { handoffs { edges { node {
  id status title spec specDigest coBranding brand { slug } } } } } } }"""
STEP = "mutation($input: {input}!) {{ {name}(input: $input) {{ handoff {{ status }} {errors} }} }}"
DEMAND = """query($id: ID!) { handoff(id: $id) { status
  demand { pledgedUnits unitPrice nextTier { minUnits unitPrice } moq moqReached } } }"""
PLEDGE = (
    f"mutation($input: PledgeInput!) {{ pledge(input: $input) {{ pledge {{ id }} {ERRORS} }} }}"
)
DELIVERIES = """{ webhookDeliveries { edges { node {
  eventId type sequence status attempts { number status statusCode success } } } } }"""


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


async def step(gql, name: str, input_type: str, token: str, **input) -> dict:
    query = STEP.format(input=input_type, name=name, errors=ERRORS)
    return await ok(gql, query, {"input": input}, token=token, field=name)


def webhooks_for(receiver: Receiver, host: str, secret: str) -> list[dict]:
    """The verified payloads a partner's endpoint received, in order."""
    return [
        Webhook(secret).verify(r.content, dict(r.headers))
        for r in receiver.requests
        if r.url.host == host
    ]


async def test_campaign_to_shipped_product(gql, sign_up, state, clock, receiver):
    c = await voting_with_partners(gql, sign_up, partners=2, members=3)
    (pa, pb), (key_a, key_b) = c["partners"], [p["apiKey"] for p in c["partners"]]
    # The campaign closes: each invited partner gets its handoff, pulled and pushed.
    a, b = await close_with_handoffs(gql, state, clock, c)
    for key, handoff, host, partner in (
        (key_a, a, "hooks.maker0.test", pa),
        (key_b, b, "hooks.maker1.test", pb),
    ):
        mine = (await gql(MY_HANDOFFS, token=key))["data"]["viewer"]["handoffs"]["edges"]
        assert [e["node"]["id"] for e in mine] == [handoff]
        [received] = webhooks_for(receiver, host, partner["webhookSecret"])
        assert received["type"] == "handoff.received"
        assert received["data"]["handoffId"] == handoff
        assert received["data"]["specDigest"] == mine[0]["node"]["specDigest"]
        assert received["data"]["coBranding"] == mine[0]["node"]["coBranding"]
    # Both quote; the owner accepts partner A's; B is closed as NOT_SELECTED.
    valid = (clock.now + timedelta(days=30)).isoformat()
    for key, handoff, price in ((key_a, a, "9.00"), (key_b, b, "9.50")):
        await step(gql, "acknowledgeHandoff", "HandoffIdInput", key, handoffId=handoff)
        await step(
            gql,
            "submitQuote",
            "SubmitQuoteInput",
            key,
            handoffId=handoff,
            currency="EUR",
            tiers=[{"minUnits": 1, "unitPrice": price}, {"minUnits": 20, "unitPrice": "8.00"}],
            moq=30,
            leadTimeDays=21,
            validUntil=valid,
        )
    accepted = await step(gql, "acceptQuote", "HandoffIdInput", c["owner"], handoffId=a)
    assert accepted["handoff"]["status"] == "ACCEPTED"
    assert (await gql(DEMAND, {"id": b}, token=key_b))["data"]["handoff"][
        "status"
    ] == "NOT_SELECTED"
    # Members pledge until the minimum order is reached.
    for token, units in zip(c["members"], (10, 12, 8), strict=True):
        await ok(
            gql,
            PLEDGE,
            {"input": {"proposalId": c["proposal"], "units": units}},
            token=token,
            field="pledge",
        )
    demand = (await gql(DEMAND, {"id": a}, token=c["owner"]))["data"]["handoff"]["demand"]
    assert demand == {
        "pledgedUnits": 30,
        "unitPrice": "8.00",
        "nextTier": None,
        "moq": 30,
        "moqReached": True,
    }
    # The partner produces and ships.
    for status in ("IN_PRODUCTION", "SHIPPED"):
        await step(
            gql,
            "updateProductionStatus",
            "UpdateProductionStatusInput",
            key_a,
            handoffId=a,
            status=status,
        )
    await state.jobs.drain()
    shipped = (await gql(MY_HANDOFFS, token=key_a))["data"]["viewer"]["handoffs"]["edges"][0][
        "node"
    ]
    assert shipped["status"] == "SHIPPED"
    # Anyone holding the spec can recompute its digest (RFC 8785, SHA-256).
    assert hashlib.sha256(rfc8785.dumps(shipped["spec"])).hexdigest() == shipped["specDigest"]
    proposal = await gql(
        "query($id: ID!) { proposal(id: $id) { specDigest } }", {"id": c["proposal"]}
    )
    assert proposal["data"]["proposal"]["specDigest"] == shipped["specDigest"]
    # Every step reached each partner as a verifiable webhook, in sequence.
    events_a = webhooks_for(receiver, "hooks.maker0.test", pa["webhookSecret"])
    assert [
        (e["data"]["sequence"], e["type"])
        for e in sorted(events_a, key=lambda e: e["data"]["sequence"])
    ] == [
        (1, "handoff.received"),
        (2, "handoff.acknowledged"),
        (3, "handoff.quoted"),
        (4, "handoff.accepted"),
        (5, "handoff.moq_reached"),
        (6, "handoff.in_production"),
        (7, "handoff.shipped"),
    ]
    events_b = webhooks_for(receiver, "hooks.maker1.test", pb["webhookSecret"])
    assert [e["type"] for e in sorted(events_b, key=lambda e: e["data"]["sequence"])] == [
        "handoff.received",
        "handoff.acknowledged",
        "handoff.quoted",
        "handoff.not_selected",
    ]
    # The partner sees every delivery and its attempts.
    deliveries = (await gql(DELIVERIES, token=key_a))["data"]["webhookDeliveries"]["edges"]
    assert len(deliveries) == 7
    assert all(d["node"]["status"] == "DELIVERED" for d in deliveries)
    assert all(d["node"]["attempts"][0]["statusCode"] == 200 for d in deliveries)
    assert all(d["node"]["attempts"][0]["status"] == "SUCCEEDED" for d in deliveries)
    assert (
        json.loads(receiver.requests[0].content)["data"]["eventId"]
        == receiver.requests[0].headers["webhook-id"]
    )
