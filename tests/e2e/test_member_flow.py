"""Scenario 1: sign up, join a brand, submit a recipe with a mistake, see it at the field, fix it."""

from __future__ import annotations

from tests.e2e import scenes
from tests.e2e.conftest import PASSWORD, check_accessibility, tab_to, unique


def test_sign_up_join_and_submit_a_recipe_fixing_a_mistake(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    brand_id, slug = scenes.brand(server, owner)
    campaign_id = scenes.campaign(
        server, owner, brand_id, {"method": "APPROVAL", "votesPerMember": 2}
    )
    page = new_context().new_page()

    page.goto("/")
    check_accessibility(page, "home")
    page.get_by_role("link", name="Sign up").first.click()
    email = f"{unique('maria')}@example.com"
    page.get_by_label("Display name").fill("Maria")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    check_accessibility(page, "sign up")
    page.get_by_role("button", name="Sign up").click()
    # The server refuses the password; the message sits by the field and nothing typed is lost.
    password_error = page.locator("#password-error")
    password_error.wait_for()
    assert "at least 10 characters" in password_error.inner_text()
    assert page.get_by_label("Email").input_value() == email
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_role("button", name="Sign out").wait_for()

    page.goto(f"/b/{slug}")
    check_accessibility(page, "brand page")
    join = page.get_by_role("button", name="Join this brand")
    tab_to(page, join)
    page.keyboard.press("Enter")
    page.get_by_text("You are now a member").wait_for()

    page.goto(f"/c/{campaign_id}")
    page.get_by_role("button", name="Propose an idea").click()
    page.get_by_label("Title").fill("Leek and potato")
    page.get_by_label("Summary").fill("Creamy, no cream.")
    form = page.locator("bh-spec-form")
    form.get_by_label("Servings").fill("4")
    form.locator("#spec-ingredients-0-name").fill("leek")
    quantity = form.locator("#spec-ingredients-0-quantity")
    quantity.fill("-3")
    form.locator("#spec-ingredients-0-unit").select_option("piece")
    form.locator("#spec-steps-0").fill("Sweat the leeks, simmer, blend.")
    form.get_by_label("milk").check()
    check_accessibility(page, "proposal form")
    page.get_by_role("button", name="Submit my proposal").click()

    error = page.locator("#spec-ingredients-0-quantity-error")
    error.wait_for()
    assert "greater than 0" in error.inner_text()
    assert quantity.get_attribute("aria-invalid") == "true"
    assert quantity.get_attribute("aria-describedby") == "spec-ingredients-0-quantity-error"
    assert page.get_by_label("Title").input_value() == "Leek and potato"
    assert form.locator("#spec-steps-0").input_value() == "Sweat the leeks, simmer, blend."
    check_accessibility(page, "proposal form with an error")

    quantity.fill("3")
    page.get_by_role("button", name="Submit my proposal").click()
    page.get_by_role("heading", name="Leek and potato", level=1).wait_for()
    assert "/p/" in page.url
    assert page.locator("table.ingredients").inner_text().count("leek") == 1
    assert page.get_by_text("milk").first.is_visible()
    check_accessibility(page, "proposal page")
