"""The owner console: a brand and a campaign created through forms, theme and embed origins,
each refusal shown at its field."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility, unique
from tests.e2e.test_voting import sign_in


def test_owner_creates_a_brand_and_a_campaign(server, new_context):
    email, owner = scenes.sign_up(server, "Owner")
    _, partner_name, _ = scenes.partner(server, owner)
    page = new_context().new_page()
    sign_in(page, email)

    page.get_by_role("link", name="My brands").click()
    page.get_by_label("Name", exact=True).fill("Soup Club")
    page.get_by_label("Address (slug)").fill("Soup Club!")
    page.get_by_label("Tagline").fill("Soups by you")
    page.get_by_label("White label").check()
    check_accessibility(page, "owner home")
    page.get_by_role("button", name="Create the brand").click()
    slug_error = page.locator("#brand-slug-error")
    slug_error.wait_for()
    assert "lowercase" in slug_error.inner_text()
    assert page.get_by_label("Tagline").input_value() == "Soups by you"
    slug = unique("soup")
    page.get_by_label("Address (slug)").fill(slug)
    page.get_by_role("button", name="Create the brand").click()
    page.get_by_role("heading", name="Manage Soup Club").wait_for()
    check_accessibility(page, "brand console")

    page.get_by_label("Accent colour (#rrggbb)").fill("green")
    page.get_by_role("button", name="Save the look").click()
    page.locator("#theme-accentColor-error").wait_for()
    page.get_by_label("Accent colour (#rrggbb)").fill("#1a7f5a")
    page.get_by_role("button", name="Save the look").click()
    page.get_by_text("Saved.").wait_for()

    page.get_by_label("Allowed origins").fill("https://blog.example\nhttp://blog.example")
    page.get_by_role("button", name="Save the origins").click()
    origins_error = page.locator("#origins-error")
    origins_error.wait_for()
    assert "Line 2 (http://blog.example)" in origins_error.inner_text()
    page.get_by_label("Allowed origins").fill("https://blog.example")
    page.get_by_role("button", name="Save the origins").click()
    page.get_by_text("Saved.").wait_for()

    page.get_by_label("Title", exact=True).fill("Winter soup")
    page.get_by_label("Method").select_option("SCORE")
    page.get_by_label("Quorum (voters)").fill("2")
    page.get_by_label("Largest share of one voter (0–1, optional)").fill("3")
    page.get_by_label(partner_name, exact=False).check()
    page.get_by_role("button", name="Create the campaign (as a draft)").click()
    share_error = page.locator("#c-maxVoterShare-error")
    share_error.wait_for()
    assert page.get_by_label("Title", exact=True).input_value() == "Winter soup"
    page.get_by_label("Largest share of one voter (0–1, optional)").fill("0.5")
    page.get_by_role("button", name="Create the campaign (as a draft)").click()
    page.get_by_role("heading", name="Winter soup").wait_for()
    page.get_by_role("button", name="Open for proposals").click()
    page.get_by_text("Phase changed.").wait_for()
    page.get_by_role("button", name="Open the vote (specs freeze)").wait_for()

    page.goto(f"/owner/b/{slug}")
    snippet = page.locator("pre.snippet").inner_text()
    assert f'<script type="module" src="{server.url}/embed.js"></script>' in snippet
    assert "<brandhub-campaign campaign=" in snippet
