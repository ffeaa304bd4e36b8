"""Scenario 3: the owner closes; results and winner show; the invited partner quotes in its
console; the owner accepts; a member pledges at the quoted price."""

from __future__ import annotations

import httpx

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_voting import sign_in


def test_close_quote_accept_and_pledge(server, new_context):
    owner_email, owner = scenes.sign_up(server, "Owner")
    member_email, member = scenes.sign_up(server, "Member")
    partner_id, partner_name, api_key = scenes.partner(server, owner)
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server,
        owner,
        brand_id,
        {"method": "APPROVAL", "votesPerMember": 1, "quorum": 1},
        partnerIds=[partner_id],
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    pumpkin = scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, member, pumpkin)

    owner_page = new_context().new_page()
    sign_in(owner_page, owner_email)
    owner_page.goto(f"/owner/c/{campaign_id}")
    owner_page.get_by_role("button", name="Close the vote").click()
    results = owner_page.locator("section", has=owner_page.get_by_role("heading", name="Results"))
    results.get_by_role("link", name="Pumpkin").wait_for()
    assert "Quorum met: 1 voter." in results.inner_text()
    assert len(results.locator("dl.seal code.digest").first.inner_text()) == 64
    owner_page.get_by_text("Waiting for a quote.").wait_for()
    check_accessibility(owner_page, "owner console after close")

    public = new_context(width=375).new_page()
    public.goto(f"/c/{campaign_id}")
    public.get_by_text("Winner:").wait_for()
    assert public.get_by_role("link", name="Pumpkin").first.is_visible()
    check_accessibility(public, "closed campaign")

    maker = new_context().new_page()
    maker.goto("/partner")
    maker.get_by_label("API key").fill(api_key)
    maker.get_by_role("button", name="Sign in with the key").click()
    handoff = maker.locator("article", has_text="Pumpkin")
    handoff.get_by_text("Received", exact=True).wait_for()
    assert len(handoff.locator("code.digest").inner_text()) == 64
    check_accessibility(maker, "partner console")
    handoff.get_by_role("button", name="Acknowledge").click()
    maker.get_by_text("Acknowledged.").first.wait_for()
    handoff.get_by_label("Unit price (1)").fill("9.50")
    handoff.get_by_role("button", name="Add a tier").click()
    handoff.get_by_label("From units (2)").fill("100")
    handoff.get_by_label("Unit price (2)").fill("12.00")  # a mistake: prices must fall
    handoff.get_by_label("Minimum order quantity").fill("50")
    handoff.get_by_label("Lead time (days)").fill("21")
    handoff.get_by_role("button", name="Send the quote").click()
    price_error = handoff.locator("[id$='-price-1-error']")
    price_error.wait_for()
    assert handoff.get_by_label("Unit price (2)").get_attribute("aria-invalid") == "true"
    assert handoff.get_by_label("Minimum order quantity").input_value() == "50"
    handoff.get_by_label("Unit price (2)").fill("8.00")
    handoff.get_by_role("button", name="Send the quote").click()
    maker.get_by_text("Quote sent.").wait_for()
    handoff.get_by_text("Quoted", exact=True).wait_for()

    # Rotating the key shows the new one once and keeps the console signed in with it.
    maker.get_by_role("button", name="Issue a new API key").click()
    new_key = maker.locator("div.notice code.digest")
    new_key.wait_for()
    assert new_key.inner_text().startswith("bhp_") and new_key.inner_text() != api_key
    old = httpx.post(
        f"{server.url}/graphql",
        json={"query": "{ viewer { __typename } }"},
        headers={"authorization": f"Bearer {api_key}"},
    ).json()
    assert old["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    maker.reload()
    maker.locator("article", has_text="Pumpkin").get_by_text("Quoted", exact=True).wait_for()
    maker.get_by_role("button", name="Issue a new webhook secret").click()
    maker.locator("div.notice code.digest", has_text="whsec_").wait_for()

    owner_page.reload()
    accept = owner_page.get_by_role("button", name=f"Accept {partner_name}’s quote")
    accept.wait_for()
    assert "€9.50" in owner_page.locator("article", has_text=partner_name).inner_text()
    check_accessibility(owner_page, "quotes to compare")
    accept.click()
    owner_page.get_by_text("Quote accepted; the other makers are told.").wait_for()

    page = new_context().new_page()
    sign_in(page, member_email)
    page.goto(f"/p/{pumpkin}")
    pledge = page.locator("section", has=page.get_by_role("heading", name="Pledge to buy"))
    pledge.get_by_text("Current price: €9.50 per unit").wait_for()
    pledge.get_by_text("Minimum order 50 units: 0 pledged").wait_for()
    pledge.get_by_label("Units", exact=True).fill("3")
    pledge.get_by_role("button", name="Pledge").click()
    page.get_by_text("Thank you, your pledge is recorded.").wait_for()
    pledge.get_by_text("You pledged 3 units.").wait_for()
    assert "Minimum order 50 units: 3 pledged" in pledge.inner_text()
    check_accessibility(page, "pledge")

    page.goto(f"/c/{campaign_id}")
    page.get_by_text("Powered by SoupWorks").wait_for()
