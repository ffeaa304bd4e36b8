"""A recipe in kitchen units reaches the partner as written, with its metric form beside it."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook

from brandhub.community.specs import spec_digest
from tests.factories import move_phase, open_campaign, submit_proposal
from tests.partners.support import Receiver, close_with_handoffs, register_partner

SOUP = {
    "servings": 4,
    "ingredients": [
        {"name": "crème fraîche", "quantity": 20, "unit": "cl"},
        {"name": "ail", "quantity": 3, "unit": "clove"},
        {"name": "beurre", "quantity": 2, "unit": "oz"},
        {"name": "bouillon", "quantity": 1, "unit": "l"},
    ],
    "steps": ["Faire revenir l'ail.", "Mouiller au bouillon.", "Crémer."],
    "allergens": ["milk"],
}
HANDOFF = "query($id: ID!) { handoff(id: $id) { spec specDigest metricSpec } }"


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


async def test_partner_sees_original_spec_and_metric_form(gql, sign_up, state, clock, receiver):
    admin = await sign_up("admin@maker.example.com", "Admin")
    partner = await register_partner(
        gql, token=admin, slug="soupe", webhook_url="https://hooks.soupe.test/in"
    )
    c = await open_campaign(gql, sign_up, members=2, partnerIds=[partner["partner"]["id"]])
    c["proposal"] = await submit_proposal(
        gql, token=c["members"][0], campaign_id=c["campaign"], title="Velouté", spec=SOUP
    )
    await move_phase(gql, token=c["owner"], campaign_id=c["campaign"], mutation="openVoting")
    [handoff] = await close_with_handoffs(gql, state, clock, c)

    body = await gql(HANDOFF, {"id": handoff}, token=partner["apiKey"])
    view = body["data"]["handoff"]
    assert view["spec"] == SOUP  # the author's words, untouched
    assert view["specDigest"] == spec_digest(SOUP)
    metric = view["metricSpec"]
    assert [(i["quantity"], i["unit"]) for i in metric["ingredients"]] == [
        (200, "ml"),
        (3, "clove"),
        (56.7, "g"),
        (1000, "ml"),
    ]
    assert [(i["originalQuantity"], i["originalUnit"]) for i in metric["ingredients"]] == [
        (20, "cl"),
        (3, "clove"),
        (2, "oz"),
        (1, "l"),
    ]
    [request] = receiver.requests
    pushed = Webhook(partner["webhookSecret"]).verify(request.content, dict(request.headers))
    assert pushed["data"]["spec"] == SOUP
    assert pushed["data"]["specDigest"] == spec_digest(SOUP)
    assert pushed["data"]["metricSpec"] == metric
