"""Royalties in the browser: the owner sets them in the campaign form; after the product ships
the partner reports sales in its console; the brand owner reads the statement and downloads the
CSV; the proposal's author sees their share on their own page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.e2e import scenes
from tests.e2e.conftest import check_accessibility
from tests.e2e.test_voting import sign_in

E = scenes.E
STEP = "mutation($i: {t}!) {{ {m}(input: $i) {{ {e} }} }}"


def step(server, token: str, mutation: str, input_type: str, **values) -> None:
    server.ok(STEP.format(t=input_type, m=mutation, e=E), {"i": values}, token, mutation)


def ship(server, owner: str, author: str, buyer: str, api_key: str, campaign_id: str) -> None:
    """Propose, vote, close, quote, accept, pledge, produce and ship (not under test here)."""
    scenes.phase(server, owner, campaign_id, "openSubmissions")
    proposal = scenes.propose(server, author, campaign_id, "Leek soup")
    scenes.phase(server, owner, campaign_id, "openVoting")
    scenes.vote(server, buyer, proposal)
    scenes.phase(server, owner, campaign_id, "closeCampaign")
    handoffs = server.gql(
        "{ viewer { ... on Partner { handoffs { nodes { id } } } } }", token=api_key
    )["viewer"]["handoffs"]["nodes"]
    handoff = handoffs[0]["id"]
    step(server, api_key, "acknowledgeHandoff", "HandoffIdInput", handoffId=handoff)
    step(
        server,
        api_key,
        "submitQuote",
        "SubmitQuoteInput",
        handoffId=handoff,
        currency="EUR",
        tiers=[{"minUnits": 1, "unitPrice": "6.00"}],
        moq=1,
        leadTimeDays=7,
        validUntil=(datetime.now(UTC) + timedelta(days=30)).isoformat(),
    )
    step(server, owner, "acceptQuote", "HandoffIdInput", handoffId=handoff)
    step(server, buyer, "pledge", "PledgeInput", proposalId=proposal, units=1)
    for status in ("IN_PRODUCTION", "SHIPPED"):
        step(
            server,
            api_key,
            "updateProductionStatus",
            "UpdateProductionStatusInput",
            handoffId=handoff,
            status=status,
        )


def test_sales_report_to_statements(server, new_context):
    owner_email, owner = scenes.sign_up(server, "Owner")
    author_email, author = scenes.sign_up(server, "Ana")
    _, buyer = scenes.sign_up(server, "Buyer")
    _, partner_name, api_key = scenes.partner(server, owner)
    brand_id, slug = scenes.brand(server, owner)
    scenes.join(server, author, brand_id)
    scenes.join(server, buyer, brand_id)

    # The owner sets the royalties in the campaign form; a sum above 100 % is named.
    owner_page = new_context().new_page()
    sign_in(owner_page, owner_email)
    owner_page.goto(f"/owner/b/{slug}")
    form = owner_page.locator("form", has=owner_page.get_by_role("heading", name="New campaign"))
    form.get_by_label("Title").fill("Jarred soup")
    form.get_by_label("Quorum").fill("1")
    form.get_by_label(partner_name, exact=False).check()
    form.get_by_label("Brand (%)").fill("95")
    form.get_by_label("Authors (%)").fill("10")
    form.get_by_role("button", name="Create the campaign (as a draft)").click()
    authors_error = form.locator("#c-authorsPercent-error")
    authors_error.wait_for()
    assert "may not exceed 100" in authors_error.inner_text()
    assert form.get_by_label("Authors (%)").get_attribute("aria-invalid") == "true"
    assert form.get_by_label("Title").input_value() == "Jarred soup"
    form.get_by_label("Brand (%)").fill("10")
    form.get_by_label("Authors (%)").fill("2")
    form.get_by_role("button", name="Create the campaign (as a draft)").click()
    owner_page.wait_for_url(re.compile(r"/owner/c/"))
    campaign_id = owner_page.url.rsplit("/", 1)[-1]
    rules = server.gql(
        "query($id: ID!) { campaign(id: $id) { royaltyRules { brandPercent authorsPercent } } }",
        {"id": campaign_id},
        owner,
    )["campaign"]["royaltyRules"]
    assert rules == {"brandPercent": "10", "authorsPercent": "2"}

    ship(server, owner, author, buyer, api_key, campaign_id)

    # The partner reports November's sales; a bad currency is named next to its field.
    maker = new_context().new_page()
    maker.goto("/partner")
    maker.get_by_label("API key").fill(api_key)
    maker.get_by_role("button", name="Sign in with the key").click()
    handoff = maker.locator("article", has_text="Leek soup")
    sales = handoff.locator("bh-sales-report")
    sales.get_by_text("Royalties: brand 10 %, authors 2 % (Ana).").wait_for()
    sales.get_by_label("Period start").fill("2026-11-01")
    sales.get_by_label("Period end").fill("2026-11-30")
    sales.get_by_label("Units sold").fill("120")
    sales.get_by_label("Net revenue").fill("1000.00")
    sales.get_by_label("Currency (ISO 4217, e.g. EUR)").fill("EUX")
    sales.get_by_role("button", name="Report sales").click()
    currency = sales.get_by_label("Currency (ISO 4217, e.g. EUR)")
    sales.locator("[id$='-currency-error']").wait_for()
    assert currency.get_attribute("aria-invalid") == "true"
    assert sales.get_by_label("Net revenue").input_value() == "1000.00"
    check_accessibility(maker, "partner console with a sales report error")
    currency.fill("EUR")
    sales.get_by_role("button", name="Report sales").click()
    maker.get_by_text("Sales recorded; royalties accrued: €120.00.").wait_for()
    sales.get_by_text("120 units").wait_for()

    # The brand owner reads the statement and downloads it as CSV.
    owner_page.goto(f"/owner/b/{slug}")
    statement = owner_page.locator("bh-royalty-statement")
    statement.locator("td.closing").wait_for()
    assert statement.locator("td.closing").inner_text() == "€100.00"
    assert "Leek soup" in statement.locator("table.entries").inner_text()
    check_accessibility(owner_page, "brand owner's royalty statement")
    with owner_page.expect_download() as download:
        statement.get_by_role("button", name="Download CSV").click()
    path = download.value.path()
    assert download.value.suggested_filename.startswith(f"royalties-{slug}-")
    lines = Path(path).read_text(encoding="utf-8").strip().splitlines()
    assert lines[0].startswith("booked_at,transaction,kind,product")
    assert ",ACCRUAL,Leek soup,2026-11-01,2026-11-30,120,EUR,100.00," in lines[1]

    # The author sees their share on their own page, in French too.
    ana = new_context().new_page()
    sign_in(ana, author_email)
    ana.get_by_role("link", name="My royalties").click()
    mine = ana.locator("bh-royalty-statement")
    mine.locator("td.closing").wait_for()
    assert mine.locator("td.closing").inner_text() == "€20.00"
    check_accessibility(ana, "member's royalty statement")
    ana.get_by_label("Language").select_option("fr")
    ana.get_by_role("heading", name="Mon relevé de redevances").wait_for()
    assert "20,00" in mine.locator("td.closing").inner_text()

    # A mistake is corrected by a reversal, never an edit: the reason is required.
    sales.get_by_text("Reverse this report").first.click()
    sales.get_by_role("button", name="Reverse this report").click()
    reason = sales.get_by_label("Why (kept with the reversal)")
    sales.locator("[id$='-error']").first.wait_for()
    assert reason.get_attribute("aria-invalid") == "true"
    reason.fill("Returns were counted as sales")
    sales.get_by_role("button", name="Reverse this report").click()
    maker.get_by_text("Report reversed", exact=False).wait_for()
    sales.get_by_text("Reversed", exact=True).wait_for()
    ana.reload()
    mine = ana.locator("bh-royalty-statement")
    mine.locator("td.closing").wait_for()
    assert mine.locator("td.closing").inner_text() == "0,00\u00a0€"
    assert mine.locator("table.entries tbody tr").count() == 2
