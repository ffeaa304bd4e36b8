"""No flash of raw errors: a network failure and an expired token get a human message and a
way forward, and what was typed survives."""

from __future__ import annotations

import re

from tests.e2e import scenes
from tests.e2e.test_voting import sign_in

# The API, by POST or GET (queries go as persisted queries over GET), not /assets/graphql-*.js.
GRAPHQL = re.compile(r"/graphql(\?|$)")


def test_network_failure_keeps_the_form_and_a_retry_goes_through(server, new_context):
    _, owner = scenes.sign_up(server, "Owner")
    email, member = scenes.sign_up(server, "Member")
    brand_id, _ = scenes.brand(server, owner)
    scenes.join(server, member, brand_id)
    campaign_id = scenes.campaign(server, owner, brand_id, {"method": "APPROVAL"})
    page = new_context().new_page()
    sign_in(page, email)
    page.goto(f"/c/{campaign_id}")
    page.get_by_role("button", name="Propose an idea").click()
    page.get_by_label("Title").fill("Carrot and cumin")
    page.locator("#spec-servings").fill("2")

    page.route(GRAPHQL, lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Submit my proposal").click()
    page.get_by_role("alert").get_by_text("We could not reach brandhub.").wait_for()
    assert page.get_by_label("Title").input_value() == "Carrot and cumin"
    assert page.locator("#spec-servings").input_value() == "2"

    page.unroute(GRAPHQL)
    page.get_by_role("button", name="Submit my proposal").click()
    # Back online, the server answers with the spec's real problems, beside their fields.
    page.locator("#spec-ingredients-0-name-error").wait_for()
    assert page.get_by_label("Title").input_value() == "Carrot and cumin"


def test_an_expired_session_says_so_and_offers_to_sign_in(server, new_context):
    page = new_context().new_page()
    page.goto("/")
    page.evaluate("() => localStorage.setItem('bh.credential', 'bhs_revoked-or-expired')")
    page.goto("/owner")
    alert = page.get_by_role("alert").filter(has_text="Your session has ended.")
    alert.wait_for()
    alert.get_by_role("link", name="Sign in").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def test_a_failed_page_load_offers_a_retry(server, new_context):
    page = new_context().new_page()
    page.route(GRAPHQL, lambda route: route.abort("internetdisconnected"))
    page.goto("/b/anything")
    page.get_by_text("We could not reach brandhub.").wait_for()
    page.unroute(GRAPHQL)
    page.get_by_role("button", name="Try again").click()
    page.get_by_text("There is no brand at this address.").wait_for()
