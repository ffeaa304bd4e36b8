"""French and English: chosen from the browser, switchable, dates and numbers by locale; and
every public page fits a 375 px phone."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility, check_fits


def test_french_from_the_browser_then_english_by_choice(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    brand_id, slug = scenes.brand(server, owner)
    campaign_id = scenes.campaign(
        server,
        owner,
        brand_id,
        {"method": "QUADRATIC", "creditsPerMember": 1000, "quorum": 1500},
        votingClosesAt="2031-03-04T12:00:00Z",
    )
    scenes.propose(server, owner, campaign_id, "Garlic")
    scenes.phase(server, owner, campaign_id, "openVoting")
    page = new_context(width=375, locale="fr-FR").new_page()

    page.goto(f"/c/{campaign_id}")
    page.get_by_role("heading", name="Comment se passe le vote").wait_for()
    rules = page.locator(
        "section", has=page.get_by_role("heading", name="Comment se passe le vote")
    )
    assert (
        "1\u202f000 crédits chacun ; n voix sur une idée coûtent n² crédits" in rules.inner_text()
    )
    assert "Quorum de 1\u202f500 votants : 0 a voté" in rules.inner_text()
    assert "4 mars 2031" in page.locator("main").inner_text()
    assert page.evaluate("() => document.documentElement.lang") == "fr"
    check_fits(page, "campaign page in French at 375 px")
    check_accessibility(page, "campaign page in French")

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("heading", name="How the vote works").wait_for()
    assert "Mar 4, 2031" in page.locator("main").inner_text()
    page.reload()
    page.get_by_role("heading", name="How the vote works").wait_for()

    for path in ("/", f"/b/{slug}", "/sign-up", "/partner", "/owner"):
        page.goto(path)
        page.locator("main h1").wait_for()
        check_fits(page, f"{path} at 375 px")
