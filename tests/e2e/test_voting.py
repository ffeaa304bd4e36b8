"""Scenario 2: the owner opens voting; a member votes in each method; another browser sees the
leaderboard move without reloading. The ranked ballot is built with the keyboard alone."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import PASSWORD, check_accessibility, tab_to

METHODS = {
    "APPROVAL": {"method": "APPROVAL", "votesPerMember": 2},
    "SCORE": {"method": "SCORE"},
    "QUADRATIC": {"method": "QUADRATIC", "creditsPerMember": 100},
    "RANKED": {"method": "RANKED"},
}


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def test_owner_opens_voting_and_a_member_votes_in_every_method(server, new_context):
    owner_email, owner = scenes.sign_up(server, "Owner")
    member_email, member = scenes.sign_up(server, "Member")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    campaigns = {}
    for name, voting in METHODS.items():
        campaign_id = scenes.campaign(server, owner, brand_id, voting)
        for title in ("Garlic", "Pumpkin", "Leek"):
            scenes.propose(server, owner, campaign_id, title)
        campaigns[name] = campaign_id

    owner_page = new_context().new_page()
    sign_in(owner_page, owner_email)
    for name, campaign_id in campaigns.items():
        owner_page.goto(f"/owner/c/{campaign_id}")
        owner_page.get_by_role("button", name="Open the vote (specs freeze)").click()
        owner_page.get_by_text("Phase changed.").wait_for()
        if name == "APPROVAL":
            check_accessibility(owner_page, "owner campaign console")

    watcher = new_context(width=375).new_page()
    watcher.goto(f"/c/{campaigns['APPROVAL']}")
    board = watcher.locator("bh-leaderboard")
    board.get_by_text("live", exact=True).wait_for()
    assert board.locator("ol.board li").first.inner_text().startswith("1\nGarlic")

    page = new_context().new_page()
    sign_in(page, member_email)

    # APPROVAL: a toggle, with the remaining supports shown.
    page.goto(f"/c/{campaigns['APPROVAL']}")
    page.get_by_text("You have 2 supports left of 2.").wait_for()
    check_accessibility(page, "approval campaign")
    support = page.get_by_role("button", name="Support “Pumpkin”")
    support.click()
    page.get_by_text("You have 1 support left of 2.").wait_for()
    assert support.get_attribute("aria-pressed") == "true"
    # The other browser sees Pumpkin move to the top, pushed by the subscription.
    board.locator("ol.board li").first.filter(has_text="Pumpkin").wait_for()
    assert watcher.evaluate("() => performance.getEntriesByType('navigation').length") == 1

    # SCORE: 0–5 stars.
    page.goto(f"/c/{campaigns['SCORE']}")
    stars = page.get_by_role("group", name="Your rating for “Pumpkin”")
    stars.locator("label.star", has_text="4 stars").click()
    page.get_by_role("button", name="Retract my vote").wait_for()
    check_accessibility(page, "score campaign")

    # QUADRATIC: the n² cost shows before anything is committed.
    page.goto(f"/c/{campaigns['QUADRATIC']}")
    garlic = page.get_by_role("group", name="Votes for “Garlic”").locator("xpath=..")
    garlic.get_by_role("button", name="One vote more").click()
    garlic.get_by_role("button", name="One vote more").click()
    garlic.get_by_text("2 votes cost 4 credits").wait_for()
    assert "Garlic" not in scenes.my_votes(server, member, campaigns["QUADRATIC"])
    garlic.get_by_role("button", name="Confirm").click()
    page.get_by_text("You have 96 credits left of 100.").wait_for()
    check_accessibility(page, "quadratic campaign")

    # RANKED: keyboard only.
    page.goto(f"/c/{campaigns['RANKED']}")
    ballot = page.locator("bh-ballot-ranked")
    tab_to(page, ballot.get_by_role("button", name="Add “Pumpkin” to the ballot"))
    page.keyboard.press("Enter")
    tab_to(page, ballot.get_by_role("button", name="Add “Garlic” to the ballot"))
    page.keyboard.press("Enter")
    tab_to(page, ballot.get_by_role("button", name="Move “Garlic” up"))
    page.keyboard.press("Enter")
    ballot.get_by_text("“Garlic” is now number 1.").wait_for(state="attached")
    tab_to(page, ballot.get_by_role("button", name="Cast my ballot"))
    page.keyboard.press("Enter")
    ballot.get_by_text("Saved", exact=True).wait_for()
    check_accessibility(page, "ranked campaign")

    assert scenes.my_votes(server, member, campaigns["APPROVAL"]) == {"Pumpkin": 1}
    assert scenes.my_votes(server, member, campaigns["SCORE"]) == {"Pumpkin": 4}
    assert scenes.my_votes(server, member, campaigns["QUADRATIC"]) == {"Garlic": 2}
    assert scenes.my_votes(server, member, campaigns["RANKED"]) == {"Garlic": -1, "Pumpkin": -2}


def test_my_vote_moves_the_quorum_and_a_closed_board_is_not_called_live(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    member_email, member = scenes.sign_up(server, "Member")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    voting = {"method": "APPROVAL", "votesPerMember": 1, "quorum": 2}
    campaign_id = scenes.campaign(server, owner, brand_id, voting)
    scenes.propose(server, owner, campaign_id, "Pumpkin")
    scenes.phase(server, owner, campaign_id, "openVoting")

    page = new_context().new_page()
    sign_in(page, member_email)
    page.goto(f"/c/{campaign_id}")
    page.get_by_text("Quorum 2 voters: 0 have voted").wait_for()
    page.get_by_role("heading", name="Live leaderboard").wait_for()
    page.get_by_role("button", name="Support “Pumpkin”").click()
    page.get_by_text("Quorum 2 voters: 1 has voted").wait_for()  # without a reload

    scenes.phase(server, owner, campaign_id, "closeCampaign")
    page.reload()
    page.get_by_role("heading", name="Leaderboard", exact=True).wait_for()
    assert page.get_by_role("heading", name="Live leaderboard").count() == 0
