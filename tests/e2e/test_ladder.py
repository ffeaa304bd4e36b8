"""The support ladder in the browser: the owner creates a ladder campaign with small stages,
members support, the pages show the stage and deadline move, the owner approves in review and
the handoff appears."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility, unique
from tests.e2e.test_voting import sign_in


def test_a_proposal_climbs_the_ladder_and_is_approved(server, new_context):
    owner_email, owner = scenes.sign_up(server, "Owner")
    brand_id, slug = scenes.brand(server, owner)
    _, partner_name, _ = scenes.partner(server, owner)
    first_email, first = scenes.sign_up(server, "First")
    _, second = scenes.sign_up(server, "Second")
    for token in (first, second):
        scenes.join(server, token, brand_id)

    owner_page = new_context().new_page()
    sign_in(owner_page, owner_email)
    owner_page.goto(f"/owner/b/{slug}")
    title = unique("Ladder soup")
    owner_page.get_by_label("Title", exact=True).fill(title)
    owner_page.get_by_label("Run this campaign as a support ladder").check()
    owner_page.get_by_label("Days at the start").fill("30")
    owner_page.get_by_role("button", name="Remove stage 3").click()
    owner_page.get_by_label("Stage 1: supporters").fill("1")
    owner_page.get_by_label("Stage 1: days added").fill("10")
    owner_page.get_by_label("Stage 2: supporters").fill("1")
    owner_page.get_by_label(partner_name, exact=False).check()
    check_accessibility(owner_page, "new ladder campaign form")
    owner_page.get_by_role("button", name="Create the campaign (as a draft)").click()
    error = owner_page.locator("#ladder-s1-error")
    error.wait_for()
    assert "more supporters" in error.inner_text()
    assert owner_page.get_by_label("Stage 1: days added").input_value() == "10"
    owner_page.get_by_label("Stage 2: supporters").fill("2")
    owner_page.get_by_role("button", name="Create the campaign (as a draft)").click()
    owner_page.get_by_role("heading", name=title).wait_for()
    campaign_id = owner_page.url.rsplit("/", 1)[-1]
    owner_page.get_by_role("button", name="Open for proposals").click()
    owner_page.get_by_text("Phase changed.").wait_for()
    proposal_id = scenes.propose(server, first, campaign_id, "Leek and potato")
    owner_page.get_by_role("button", name="Open the vote (specs freeze)").click()
    owner_page.get_by_text("Phase changed.").wait_for()

    page = new_context().new_page()
    sign_in(page, first_email)
    page.goto(f"/c/{campaign_id}")
    board = page.locator("bh-ladder-board")
    board.get_by_text("Stage 0 of 2").wait_for()
    page.goto(f"/p/{proposal_id}")
    ladder = page.locator("bh-ladder-progress")
    ladder.get_by_text("Stage 0 of 2").wait_for()
    deadline = ladder.locator("[data-ladder-deadline]")
    before = deadline.get_attribute("data-ladder-deadline")
    assert page.get_by_role("progressbar", name="Supporters: 0 of 1 for stage 1").is_visible()
    check_accessibility(page, "proposal on a ladder")
    ladder.get_by_role("button", name="Support “Leek and potato”").click()
    ladder.get_by_text("Stage 1 of 2").wait_for()
    after = deadline.get_attribute("data-ladder-deadline")
    assert after is not None and before is not None and after > before
    ladder.get_by_text("Deadline extended to").wait_for()
    assert page.get_by_role("progressbar", name="Supporters: 1 of 2 for stage 2").is_visible()

    scenes.vote(server, second, proposal_id)
    page.reload()
    ladder.get_by_text("In the brand’s review").wait_for()
    ladder.get_by_text("Stage 2 of 2").wait_for()

    owner_page.goto(f"/owner/c/{campaign_id}")
    review = owner_page.locator("bh-ladder-review")
    review.get_by_role("link", name="Leek and potato").wait_for()
    check_accessibility(owner_page, "review queue")
    review.get_by_role("button", name="Decline “Leek and potato”").click()
    review.locator(".field-error").wait_for()
    review.get_by_role("button", name="Approve “Leek and potato”").click()
    review.get_by_text("Approved: the spec was handed to the partners.").wait_for()
    owner_page.get_by_role("article", name=partner_name).wait_for()

    page.reload()
    ladder.get_by_text("Approved: going to production").wait_for()


def test_the_ladder_speaks_french(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    brand_id, _ = scenes.brand(server, owner)
    ladder = {
        "initialDays": 30,
        "stages": [{"supporters": 1, "extensionDays": 10}, {"supporters": 3}],
    }
    campaign_id = scenes.campaign(server, owner, brand_id, {"method": "APPROVAL"}, ladder=ladder)
    proposal_id = scenes.propose(server, owner, campaign_id, "Velouté")
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, owner, proposal_id)

    page = new_context(locale="fr-FR").new_page()
    page.goto(f"/p/{proposal_id}")
    ladder_card = page.locator("bh-ladder-progress")
    ladder_card.get_by_role("heading", name="Échelle de soutien").wait_for()
    ladder_card.get_by_text("Palier 1 sur 2").wait_for()
    assert page.get_by_role("progressbar", name="Soutiens : 1 sur 3 pour le palier 2").is_visible()
    ladder_card.get_by_text("Échéance repoussée au").wait_for()
    page.goto(f"/c/{campaign_id}")
    page.locator("bh-ladder-board").get_by_text("3 soutiens : la marque l’examine").wait_for()
    check_accessibility(page, "ladder board in French")
