"""The proposal page: revise with a diff between revisions, fork with credits, comment; and a
young account's vote shown as pending."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_voting import sign_in


def test_revise_diff_fork_and_comment(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    author_email, author = scenes.sign_up(server, "Author")
    forker_email, forker = scenes.sign_up(server, "Forker")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, author, brand_id)
    scenes.join(server, forker, brand_id)
    campaign_id = scenes.campaign(server, owner, brand_id, {"method": "APPROVAL"})
    proposal_id = scenes.propose(server, author, campaign_id, "Leek soup")

    page = new_context().new_page()
    sign_in(page, author_email)
    page.goto(f"/p/{proposal_id}")
    page.get_by_role("button", name="Revise the spec").click()
    page.locator("#spec-servings").fill("6")
    page.get_by_label("What changed (optional)").fill("Serves six")
    page.get_by_role("button", name="Save the revision").click()
    page.get_by_text("New revision saved.").wait_for()
    diff = page.locator("bh-spec-diff table")
    diff.wait_for()
    assert "servings" in diff.inner_text()
    assert diff.locator("del").inner_text() == "4"
    assert diff.locator("ins").inner_text() == "6"
    assert "Serves 6" in page.locator("bh-spec-view").inner_text()
    check_accessibility(page, "proposal with two revisions")

    other = new_context(width=375).new_page()
    sign_in(other, forker_email)
    other.goto(f"/p/{proposal_id}")
    other.get_by_label("Your comment").fill("More pepper?")
    other.get_by_role("button", name="Comment", exact=True).click()
    other.locator("li", has_text="More pepper?").wait_for()
    other.get_by_role("button", name="Fork this idea").click()
    other.get_by_text("Forked from Leek soup").wait_for()
    credits = other.locator("section", has=other.get_by_role("heading", name="Credits"))
    assert credits.locator("li").all_inner_texts() == ["Forker", "Author"]


def test_a_young_accounts_vote_is_shown_as_pending(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    email, member = scenes.sign_up(server, "Newcomer")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "minAccountAgeHours": 48}
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    scenes.phase(server, owner, campaign_id, "openVoting")
    page = new_context().new_page()
    sign_in(page, email)
    page.goto(f"/c/{campaign_id}")
    page.get_by_text("Accounts younger than 48 hours vote as pending.").wait_for()
    page.get_by_role("button", name="Support “Garlic”").click()
    page.get_by_text("Pending: your account is too new").wait_for()
    page.reload()
    page.get_by_text("Pending: your account is too new").wait_for()
    assert "1 pending" in page.locator("li.proposal-row", has_text="Garlic").inner_text()


def test_owner_hides_a_proposal_with_a_reason_and_the_log_keeps_it(server, new_context):
    owner_email, owner = scenes.sign_up(server, "Owner")
    _, author = scenes.sign_up(server, "Author")
    brand_id, slug = scenes.brand(server, owner)
    scenes.join(server, author, brand_id)
    campaign_id = scenes.campaign(server, owner, brand_id, {"method": "APPROVAL"})
    scenes.propose(server, author, campaign_id, "Spam soup")
    page = new_context().new_page()
    sign_in(page, owner_email)
    page.goto(f"/owner/c/{campaign_id}")
    page.get_by_label("Reason (shown in the moderation log)").fill("Off topic")
    page.get_by_role("button", name="Hide: Spam soup").click()
    page.get_by_role("button", name="Restore: Spam soup").wait_for()
    page.goto(f"/owner/b/{slug}")
    log = page.locator("section", has=page.get_by_role("heading", name="Moderation log"))
    log.get_by_text("Off topic").wait_for()
    anonymous = new_context().new_page()
    anonymous.goto(f"/c/{campaign_id}?order=NEW")
    anonymous.get_by_text("No proposal yet.").wait_for()
