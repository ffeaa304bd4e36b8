"""The newcomer's tour of ``brandhub serve --demo``: everything after the vote is there to see
and reach by links, on a laptop and on a phone, for anonymous visitors, members, the owner and
the partner; the owner's ladder review and the partner's sales form work by keyboard alone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from brandhub.demo import DEMO_PASSWORD
from tests.e2e.conftest import Server, check_accessibility, check_fits, running_server, tab_to

PAGES = """{ brand(slug: "ada-cooks") { campaigns { nodes { id title
  proposals { nodes { id title author { id } } } } } } }"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """``brandhub serve --demo`` on a fresh SQLite file, and the demo partner's API key."""
    folder = tmp_path_factory.mktemp("demo")
    with running_server(folder, "--demo") as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("BRANDHUB_")},
            "BRANDHUB_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'e2e.db'}",
        }
        issued = subprocess.run(
            [sys.executable, "-m", "brandhub.cli", "partner", "issue-key", "soupworks"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        yield server, issued.stdout.strip()


@pytest.fixture
def ids(demo: tuple[Server, str]) -> dict[str, str]:
    """Campaign and proposal ids by title; ``author:<proposal title>`` for their authors."""
    found: dict[str, str] = {}
    for campaign in demo[0].gql(PAGES)["brand"]["campaigns"]["nodes"]:
        found[campaign["title"]] = campaign["id"]
        for proposal in campaign["proposals"]["nodes"]:
            found[proposal["title"]] = proposal["id"]
            found[f"author:{proposal['title']}"] = proposal["author"]["id"]
    return found


@pytest.fixture
def open_page(browser: Any, demo: tuple[Server, str]) -> Iterator[Any]:
    """A page in a fresh context on the demo server, at a given width."""
    contexts: list[Any] = []

    def make(width: int = 1280) -> Any:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, locale="en-GB", base_url=demo[0].url
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_in_partner(page: Any, api_key: str) -> None:
    page.goto("/partner")
    page.get_by_label("API key").fill(api_key)
    page.get_by_role("button", name="Sign in with the key").click()
    page.get_by_role("button", name="Sign out").wait_for()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_visitor_follows_the_links_from_the_vote_to_the_product_and_its_author(
    open_page, ids, width
):
    page = open_page(width)
    page.goto("/")
    for title in ("The winter soup", "The autumn soup", "Soup of the month"):
        page.get_by_role("link", name=title).wait_for()
    check_fits(page, "home")
    page.goto("/b/ada-cooks")
    ladder = page.locator("li", has=page.get_by_role("link", name="Soup of the month"))
    ladder.get_by_text("Support ladder · Approval voting").wait_for()
    page.goto("/")

    page.get_by_role("link", name="The autumn soup").click()
    shipped = page.get_by_role("link", name="Made and shipped: rated 3.43 / 5 by 2 buyers")
    shipped.wait_for()
    check_fits(page, "closed campaign")
    shipped.click()
    page.get_by_role("heading", name="Chestnut and mushroom").wait_for()
    page.get_by_test_id("bayesian-average").wait_for()
    assert page.get_by_test_id("bayesian-average").inner_text() == "3.43"
    page.get_by_text("Earthy and rich; the jar did not last the weekend.").wait_for()
    # The autumn campaign has no ladder: no empty ladder card on its product.
    assert page.get_by_role("heading", name="Support ladder").count() == 0
    page.get_by_text("Shipped: the maker has made it.").wait_for()
    check_fits(page, "shipped product")
    if width == 1280:
        check_accessibility(page, "shipped product")

    page.get_by_role("link", name="by Cy").first.click()
    page.wait_for_url(f"**/m/{ids['author:Chestnut and mushroom']}")
    page.get_by_role("heading", name="Reputation").wait_for()
    page.get_by_text("Proposals that reached production").wait_for()
    check_fits(page, "author's page")

    page.goto(f"/c/{ids['Soup of the month']}")
    page.get_by_text("In the brand’s review").first.wait_for()
    # An author's name in the list of proposals leads to their page.
    page.get_by_role("link", name="by Dee").click()
    page.wait_for_url(f"**/m/{ids['author:Tomato and basil']}")
    page.get_by_role("heading", name="Dee").wait_for()


@pytest.mark.parametrize("width", [1280, 375])
def test_members_reach_their_royalties_their_page_and_their_delivered_pledge(open_page, ids, width):
    page = open_page(width)
    sign_in(page, "cy@demo.brandhub")
    page.get_by_role("link", name="My royalties").click()
    statement = page.locator("bh-royalty-statement")
    statement.locator("td.closing").wait_for()
    assert statement.locator("td.closing").inner_text() == "€78.00"
    check_fits(page, "/me")
    if width == 1280:
        check_accessibility(page, "/me")
    # The name in the header is the member's public page.
    page.get_by_role("link", name="Cy", exact=True).click()
    page.wait_for_url(f"**/m/{ids['author:Chestnut and mushroom']}")
    page.get_by_role("heading", name="Reputation").wait_for()

    buyer = open_page(width)
    sign_in(buyer, "bo@demo.brandhub")
    buyer.goto(f"/p/{ids['Chestnut and mushroom']}")
    buyer.get_by_text("You pledged 3 units.").wait_for()
    buyer.get_by_text("Delivered", exact=False).first.wait_for()
    # A delivered pledge offers no (dead) cancel button.
    assert buyer.get_by_role("button", name="Cancel this pledge").count() == 0
    buyer.get_by_role("button", name="Update my rating").wait_for()
    # At 375 px the ratings are far above the pledge card: the link scrolls back to them.
    buyer.get_by_role("link", name="See the buyers’ ratings").click()
    expect(buyer.get_by_role("heading", name="Buyers’ ratings")).to_be_in_viewport()
    check_fits(buyer, "buyer's product page")


def test_the_owner_console_fits_a_phone(open_page):
    page = open_page(375)
    sign_in(page, "ada@demo.brandhub")
    page.goto("/owner/b/ada-cooks")
    statement = page.locator("bh-royalty-statement")
    statement.locator("td.closing").wait_for()
    assert statement.locator("td.closing").inner_text() == "€390.00"
    check_fits(page, "owner console")


def type_date(page: Any, field: Any, iso: str) -> None:
    """Type a date into a focused date field, in the order its locale shows (mm/dd or dd/mm)."""
    year, month, day = iso.split("-")
    for digits in (f"{month}{day}{year}", f"{day}{month}{year}"):
        field.focus()
        page.keyboard.type(digits)
        if field.input_value() == iso:
            return
    raise AssertionError(f"could not type {iso} into {field}")


def test_the_partner_reports_sales_by_keyboard(open_page, demo, ids):
    page = open_page()
    sign_in_partner(page, demo[1])
    handoff = page.locator("article", has_text="Chestnut and mushroom")
    handoff.get_by_text("Every pledge is delivered.").wait_for()
    assert handoff.get_by_role("button", name="Mark all (0) as delivered").count() == 0
    sales = handoff.locator("bh-sales-report")
    start = sales.get_by_label("Period start")
    tab_to(page, start, limit=120)
    type_date(page, start, "2026-11-23")
    end = sales.get_by_label("Period end")
    tab_to(page, end)
    type_date(page, end, "2026-11-24")
    for label, value in (("Units sold", "10"), ("Net revenue", "65.00")):
        tab_to(page, sales.get_by_label(label))
        page.keyboard.type(value)
    tab_to(page, sales.get_by_role("button", name="Report sales"))
    page.keyboard.press("Enter")
    page.get_by_text("Sales recorded; royalties accrued: €7.80.").wait_for()
    check_accessibility(page, "partner console after a report")

    # The product's title leads to its public page (its ratings).
    handoff.get_by_role("link", name="Chestnut and mushroom").click()
    page.wait_for_url(f"**/p/{ids['Chestnut and mushroom']}")
    page.get_by_test_id("bayesian-average").wait_for()


def test_the_owner_approves_a_ladder_proposal_by_keyboard(open_page, ids):
    page = open_page()
    sign_in(page, "ada@demo.brandhub")
    # The proposal's page sends its owner to the review queue.
    page.goto(f"/p/{ids['Miso and greens']}")
    page.get_by_text("Reached stage 3 with 4 supporters").wait_for()
    page.get_by_role("link", name="Review it in the console").click()
    page.wait_for_url(f"**/owner/c/{ids['Soup of the month']}")
    approve = page.get_by_role("button", name="Approve “Miso and greens”")
    approve.wait_for()
    check_accessibility(page, "ladder review queue")
    tab_to(page, approve)
    page.keyboard.press("Enter")
    page.get_by_text("Approved: the spec was handed to the partners.").wait_for()
    page.goto(f"/p/{ids['Miso and greens']}")
    page.get_by_text("Approved: going to production").wait_for()
