"""Scenario: the partner ships and fulfils a pledge in its console; the buyer rates the product
with the keyboard; the product page shows the Bayesian average and the distribution; the
author's page shows the reputation it earned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_voting import sign_in

E = scenes.E


def handoff_step(server, token: str, mutation: str, input_type: str, **input) -> None:
    server.ok(
        f"mutation($i: {input_type}!) {{ {mutation}(input: $i) {{ {E} }} }}",
        {"i": input},
        token,
        mutation,
    )


def product_in_production(server):
    """A winning proposal by "Author", its quote accepted, one pledge by "Buyer", in production."""
    owner_email, owner = scenes.sign_up(server, "Owner")
    _, author = scenes.sign_up(server, "Author")
    buyer_email, buyer = scenes.sign_up(server, "Buyer")
    partner_id, _, api_key = scenes.partner(server, owner)
    brand_id, _ = scenes.brand(server, owner)
    for token in (author, buyer):
        scenes.join(server, token, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "quorum": 1}, partnerIds=[partner_id]
    )
    proposal = scenes.propose(server, author, campaign_id, "Leek soup")
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, buyer, proposal)
    scenes.phase(server, owner, campaign_id, "closeCampaign")
    [handoff] = [
        e["node"]["id"]
        for e in server.gql(
            "{ viewer { ... on Partner { handoffs { edges { node { id } } } } } }", token=api_key
        )["viewer"]["handoffs"]["edges"]
    ]
    handoff_step(server, api_key, "acknowledgeHandoff", "HandoffIdInput", handoffId=handoff)
    handoff_step(
        server,
        api_key,
        "submitQuote",
        "SubmitQuoteInput",
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "6.00"}],
        moq=2,
        leadTimeDays=10,
        validUntil=(datetime.now(UTC) + timedelta(days=30)).isoformat(),
    )
    handoff_step(server, owner, "acceptQuote", "HandoffIdInput", handoffId=handoff)
    server.ok(
        f"mutation($i: PledgeInput!) {{ pledge(input: $i) {{ {E} }} }}",
        {"i": {"proposalId": proposal, "units": 2}},
        buyer,
        "pledge",
    )
    handoff_step(
        server,
        api_key,
        "updateProductionStatus",
        "UpdateProductionStatusInput",
        handoffId=handoff,
        status="IN_PRODUCTION",
    )
    author_id = server.gql("{ viewer { ... on Member { id } } }", token=author)["viewer"]["id"]
    return {
        "proposal": proposal,
        "key": api_key,
        "buyer": buyer_email,
        "author": author_id,
        "owner": owner_email,
    }


def test_ship_fulfil_rate_and_reputation(server, new_context):
    s = product_in_production(server)

    maker = new_context().new_page()
    maker.goto("/partner")
    maker.get_by_label("API key").fill(s["key"])
    maker.get_by_role("button", name="Sign in with the key").click()
    card = maker.locator("article", has_text="Leek soup")
    card.get_by_role("button", name="Mark as shipped").click()
    card.get_by_text("Shipped", exact=True).wait_for()
    deliveries = card.locator("bh-fulfilment")
    deliveries.get_by_text("Pledge 1: 2 units").wait_for()
    maker.get_by_text("No rating yet.").wait_for()  # the partner's rating, before any
    check_accessibility(maker, "partner console, shipped")
    deliveries.get_by_role("button", name="Mark all (1) as delivered").click()
    deliveries.get_by_text("Deliveries recorded.").wait_for()
    deliveries.get_by_text("delivered", exact=False).first.wait_for()

    page = new_context().new_page()
    sign_in(page, s["buyer"])
    page.goto(f"/p/{s['proposal']}")
    ratings = page.locator("bh-product-ratings")
    ratings.get_by_role("heading", name="Buyers’ ratings").wait_for()
    form = ratings.locator("form")
    # Sent without stars: the error shows beside the stars, the review typed is kept.
    form.get_by_label("Review (optional, plain text)").fill("Silky, a little salty.")
    form.get_by_role("button", name="Send my rating").click()
    ratings.locator("#stars-error").wait_for()
    assert (
        form.get_by_label("Review (optional, plain text)").input_value() == "Silky, a little salty."
    )
    # Stars by keyboard: focus the first, arrow to the fourth (a radio group).
    form.get_by_role("radio", name="1 star", exact=True).focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert form.get_by_role("radio", name="4 stars").is_checked()
    form.get_by_role("button", name="Send my rating").focus()
    page.keyboard.press("Enter")
    ratings.get_by_text("Thank you for your rating.").wait_for()
    # (5 × 3 + 4) / (5 + 1) = 3.17 with one 4-star rating.
    assert ratings.get_by_test_id("bayesian-average").inner_text() == "3.17"
    assert ratings.get_by_test_id("dist-4").inner_text() == "1"
    assert ratings.get_by_test_id("dist-5").inner_text() == "0"
    ratings.get_by_text("Silky, a little salty.").wait_for()
    ratings.get_by_role("button", name="Update my rating").wait_for()
    check_accessibility(page, "product ratings")

    # The author's page: production (25) and the 4-star rating (+2).
    page.get_by_role("link", name="by Author").click()
    page.get_by_role("heading", name="Author").wait_for()
    assert page.get_by_test_id("reputation").inner_text() == "27"
    production = page.locator("tr[data-kind=PRODUCTION]")
    assert "Proposals that reached production" in production.inner_text()
    assert production.locator("td").first.inner_text() == "1"
    assert page.locator("tr[data-kind=RATINGS] td").nth(1).inner_text() == "2"
    check_accessibility(page, "member page")

    french = new_context(locale="fr-FR").new_page()
    french.goto(f"/m/{s['author']}")
    french.get_by_role("heading", name="Réputation").wait_for()
    french.goto(f"/p/{s['proposal']}")
    french.get_by_role("heading", name="Notes des acheteurs").wait_for()
    assert (
        french.locator("bh-product-ratings").get_by_test_id("bayesian-average").inner_text()
        == "3,17"
    )

    maker.reload()
    maker.get_by_text("Rated 3.17 / 5 by 1 buyer").wait_for()

    # The brand's owner moderates the review: hidden from the public, its stars still count.
    owner = new_context().new_page()
    sign_in(owner, s["owner"])
    owner.goto(f"/p/{s['proposal']}")
    review = owner.locator("bh-product-ratings")
    review.get_by_text("Silky, a little salty.").wait_for()
    review.get_by_role("button", name="Hide").click()
    review.locator("#rating-reason-error").wait_for()  # a reason is required, named beside it
    review.get_by_label("Reason").fill("Off topic")
    review.get_by_role("button", name="Hide").click()
    review.get_by_role("button", name="Restore").wait_for()
    check_accessibility(owner, "ratings seen by a moderator")
    public = new_context().new_page()
    public.goto(f"/p/{s['proposal']}")
    shown = public.locator("bh-product-ratings")
    shown.get_by_text("No review to show.").wait_for()
    assert shown.get_by_test_id("bayesian-average").inner_text() == "3.17"
