"""Sales reports through GraphQL: royalties accrue by the frozen rules, idempotently."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from standardwebhooks.webhooks import Webhook

from brandhub.community.models import Proposal
from brandhub.partners.models import Handoff, Partner
from brandhub.royalties import sales as royalty_sales
from brandhub.royalties.models import LedgerEntry, LedgerTransaction, RoyaltyRules
from brandhub.schema.relay import decode_id, to_global_id
from tests.factories import ERRORS
from tests.partners.support import Receiver
from tests.royalties.support import (
    BRAND_STATEMENT,
    CORRECT,
    MEMBER_STATEMENT,
    REPORT,
    REVERSE,
    member_id,
    report,
    sales,
    shipped_world,
)

HANDOFF_RULES = """query($id: ID!) { handoff(id: $id) { royaltyRules {
  brandPercent authorsPercent frozenAt authors { displayName } }
  salesReports { id status } } }"""
SET_RULES = f"""mutation($input: SetRoyaltyRulesInput!) {{ setRoyaltyRules(input: $input) {{
  campaign {{ royaltyRules {{ brandPercent authorsPercent }} }} {ERRORS} }} }}"""
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture(autouse=True)
def receiver(state) -> Receiver:
    hook = Receiver()
    state.jobs.context.http_transport = hook.transport
    return hook


async def assert_every_transaction_balances(state) -> int:
    """Debits equal credits per currency in every posted transaction; returns how many."""
    async with state.db.read() as session:
        unbalanced = (
            await session.execute(
                select(LedgerEntry.transaction_id, LedgerEntry.currency)
                .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
                .having(func.sum(LedgerEntry.amount_minor) != 0)
            )
        ).all()
        unposted = await session.scalar(
            select(func.count()).where(LedgerTransaction.posted.is_(False))
        )
        count = await session.scalar(select(func.count()).select_from(LedgerTransaction))
    assert unbalanced == [] and unposted == 0
    return int(count or 0)


async def test_report_accrues_royalties_to_brand_and_authors(gql, sign_up, state, clock, receiver):
    c = await shipped_world(gql, sign_up, state, clock)
    payload = await report(gql, c)
    assert payload["errors"] == []
    got = payload["salesReport"]
    assert got["status"] == "RECORDED" and got["netRevenue"] == "1000.00"
    assert got["royalties"] == "120.00"  # 10 % + 2 % of 1,000.00
    # The brand's owner sees 10 %; each credited author (Ben, who forked, and Ana) 1 %.
    brand = await gql(BRAND_STATEMENT, {"slug": "soup-club", **NOVEMBER}, token=c["owner"])
    statement = brand["data"]["brand"]["royaltyStatement"]
    assert statement["balances"] == [
        {
            "currency": "EUR",
            "opening": "0.00",
            "accrued": "100.00",
            "reversed": "0.00",
            "closing": "100.00",
        }
    ]
    assert statement["entries"] == [
        {"kind": "ACCRUAL", "currency": "EUR", "amount": "100.00", "product": "Soup", "units": 200}
    ]
    header, row = statement["csv"].strip().split("\r\n")
    assert header.startswith("booked_at,transaction,kind,product")
    assert ",ACCRUAL,Soup,2026-11-01,2026-11-30,200,EUR,100.00," in row
    for token in (c["ben"], c["ana"]):
        me = await member_id(gql, token)
        body = await gql(MEMBER_STATEMENT, {"id": me, **NOVEMBER}, token=token)
        mine = body["data"]["node"]["royaltyStatement"]
        assert mine["balances"][0]["closing"] == "10.00"
        assert [e["amount"] for e in mine["entries"]] == ["10.00"]
    # A member who authored nothing has an empty statement.
    cat = await member_id(gql, c["cat"])
    body = await gql(MEMBER_STATEMENT, {"id": cat, **NOVEMBER}, token=c["cat"])
    assert body["data"]["node"]["royaltyStatement"]["balances"] == []
    # The partner receives a signed webhook for the accrual.
    await state.jobs.drain()
    hooks = [
        Webhook(c["partner"]["webhookSecret"]).verify(r.content, dict(r.headers))
        for r in receiver.requests
    ]
    # It learnt the frozen royalty terms with the handoff…
    [received] = [h for h in hooks if h["type"] == "handoff.received"]
    assert received["data"]["royalties"] == {
        "brandPercent": "10",
        "authorsPercent": "2",
        "authorSplit": "EQUAL",
        "authorIds": [await member_id(gql, c["ben"]), await member_id(gql, c["ana"])],
    }
    # …and is told of every accrual.
    [accrued] = [h for h in hooks if h["type"] == "royalty.accrued"]
    assert accrued["data"]["salesReportId"] == got["id"]
    assert accrued["data"]["royalties"] == "120.00" and accrued["data"]["brand"] == "100.00"
    assert [a["amount"] for a in accrued["data"]["authors"]] == ["10.00", "10.00"]
    assert await assert_every_transaction_balances(state) == 1


async def test_same_report_twice_is_recorded_once(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    first = await report(gql, c)
    again = await report(gql, c)
    assert again == first
    assert await assert_every_transaction_balances(state) == 1
    other = await report(gql, c, netRevenue="999.00")
    assert other["salesReport"] is None
    assert [(e["code"], e["field"]) for e in other["errors"]] == [("CONFLICT", ["idempotencyKey"])]
    # A new key is a new report.
    assert (await report(gql, c, key="2026-12"))["errors"] == []
    assert await assert_every_transaction_balances(state) == 2


async def test_one_key_on_two_products_at_once_is_a_conflict(gql, sign_up, state, clock):
    """Each report locks only its own handoff: the key's uniqueness decides the race, and
    the loser is told CONFLICT (not an internal error)."""
    c = await shipped_world(gql, sign_up, state, clock)
    first_pk = decode_id(c["handoff"], "Handoff")
    async with state.db.unit_of_work() as session:  # the partner's second shipped product
        first = await session.get(Handoff, first_pk)
        other = await session.scalar(
            select(Proposal.id).where(
                Proposal.campaign_id == first.campaign_id, Proposal.id != first.proposal_id
            )
        )
        copied = first.model_dump(exclude={"id", "proposal_id"})
        second = Handoff(**copied, proposal_id=other)
        session.add(second)
        await session.flush()
        second_id, partner_pk = to_global_id("Handoff", second.id), first.partner_id
    november = royalty_sales.Sales(
        date(2026, 11, 1), date(2026, 11, 30), 200, Decimal("1000.00"), "EUR"
    )
    async with state.db.unit_of_work() as session:
        # Reported on the first product, not yet committed, when the same key comes in for
        # the second: that one passes its check and waits on the key's unique index.
        partner = await session.get(Partner, partner_pk)
        await royalty_sales.report_sales(
            session,
            partner=partner,
            handoff_id=first_pk,
            idempotency_key="2026-11",
            sales=november,
            now=clock.now,
        )
        racing = asyncio.create_task(gql(REPORT, {"input": sales(second_id)}, token=c["key"]))
        await asyncio.sleep(0.5)
    body = await racing
    assert "errors" not in body, body
    payload = body["data"]["reportSales"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("CONFLICT", ["idempotencyKey"])
    ]
    assert await assert_every_transaction_balances(state) == 1


async def test_refusals(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    cases = [
        ({"currency": "EUX"}, "INVALID_INPUT", ["currency"]),
        ({"netRevenue": "-1.00"}, "INVALID_INPUT", ["netRevenue"]),
        ({"netRevenue": "1.001"}, "INVALID_INPUT", ["netRevenue"]),
        ({"netRevenue": "10.5", "currency": "JPY"}, "INVALID_INPUT", ["netRevenue"]),
        ({"units": -3}, "INVALID_INPUT", ["units"]),
        ({"periodEnd": "2026-10-01"}, "INVALID_INPUT", ["periodEnd"]),
        ({"key": " "}, "INVALID_INPUT", ["idempotencyKey"]),
    ]
    for over, code, field in cases:
        payload = await report(gql, c, **over)
        assert payload["salesReport"] is None, over
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], over
    # A member, even the brand's owner, is not the partner.
    body = await gql(
        "mutation($input: ReportSalesInput!) { reportSales(input: $input) { errors { code } } }",
        {"input": sales(c["handoff"])},
        token=c["owner"],
    )
    assert body["data"]["reportSales"]["errors"] == [{"code": "UNAUTHENTICATED"}]
    # Another partner does not see the handoff at all.
    from tests.partners.support import register_partner

    other_admin = await sign_up("other@maker.example.com", "Other")
    other = await register_partner(gql, token=other_admin, slug="other", webhook_url=None)
    body = await gql(
        "mutation($input: ReportSalesInput!) { reportSales(input: $input) { errors { code field } } }",
        {"input": sales(c["handoff"])},
        token=other["apiKey"],
    )
    assert body["data"]["reportSales"]["errors"] == [{"code": "NOT_FOUND", "field": ["handoffId"]}]
    assert await assert_every_transaction_balances(state) == 0


async def test_not_shipped_is_refused(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock, ship=False)
    payload = await report(gql, c)
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [
        ("INVALID_TRANSITION", ["handoffId"])
    ]


async def test_reversal_and_correction(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    first = (await report(gql, c))["salesReport"]
    clock.advance(days=1)
    reversed_ = await gql(
        REVERSE, {"input": {"salesReportId": first["id"], "reason": "Typo"}}, token=c["key"]
    )
    got = reversed_["data"]["reverseSalesReport"]
    assert got["errors"] == []
    assert got["salesReport"] == {
        "id": first["id"],
        "status": "REVERSED",
        "royalties": "0.00",
        "reversalReason": "Typo",
    }
    again = await gql(
        REVERSE, {"input": {"salesReportId": first["id"], "reason": "Twice"}}, token=c["key"]
    )
    assert again["data"]["reverseSalesReport"]["errors"][0]["code"] == "INVALID_TRANSITION"
    # A correction reverses the report and records the corrected one, at once.
    second = (await report(gql, c, key="2026-11-b", netRevenue="500.00"))["salesReport"]
    correction = sales(c["handoff"], key="2026-11-c", netRevenue="800.00")
    del correction["handoffId"]
    corrected = await gql(
        CORRECT,
        {
            "input": {
                **correction,
                "salesReportId": second["id"],
                "reason": "Returns",
            }
        },
        token=c["key"],
    )
    got = corrected["data"]["correctSalesReport"]
    assert got["errors"] == []
    assert got["salesReport"]["royalties"] == "96.00"
    assert got["salesReport"]["corrects"] == {"id": second["id"], "status": "REVERSED"}
    # Sent again (a retry), the correction is recorded once: same answer, no new entries.
    replay = await gql(
        CORRECT,
        {"input": {**correction, "salesReportId": second["id"], "reason": "Returns"}},
        token=c["key"],
    )
    assert replay["data"]["correctSalesReport"] == got
    # The statement shows every entry: nothing was edited, the balance is the corrected one.
    brand = await gql(BRAND_STATEMENT, {"slug": "soup-club", **NOVEMBER}, token=c["owner"])
    statement = brand["data"]["brand"]["royaltyStatement"]
    assert [(e["kind"], e["amount"]) for e in statement["entries"]] == [
        ("ACCRUAL", "100.00"),
        ("REVERSAL", "-100.00"),
        ("ACCRUAL", "50.00"),
        ("REVERSAL", "-50.00"),
        ("ACCRUAL", "80.00"),
    ]
    assert statement["balances"][0] == {
        "currency": "EUR",
        "opening": "0.00",
        "accrued": "230.00",
        "reversed": "150.00",
        "closing": "80.00",
    }
    # By period: December sees November's entries as its opening balance.
    december = await gql(
        BRAND_STATEMENT,
        {"slug": "soup-club", "from": "2026-12-01", "to": "2026-12-31"},
        token=c["owner"],
    )
    dec = december["data"]["brand"]["royaltyStatement"]
    assert dec["entries"] == [] and dec["balances"][0]["opening"] == "80.00"
    assert await assert_every_transaction_balances(state) == 5


async def test_statements_are_private(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    await report(gql, c)
    ben = await member_id(gql, c["ben"])
    for token, code in (
        (c["ana"], "FORBIDDEN"),
        (c["owner"], "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        body = await gql(MEMBER_STATEMENT, {"id": ben, **NOVEMBER}, token=token)
        assert body["errors"][0]["extensions"]["code"] == code
    for token, code in (
        (c["ben"], "FORBIDDEN"),
        (c["key"], "UNAUTHENTICATED"),
        (None, "UNAUTHENTICATED"),
    ):
        body = await gql(BRAND_STATEMENT, {"slug": "soup-club", **NOVEMBER}, token=token)
        assert body["errors"][0]["extensions"]["code"] == code, token


async def test_rules_are_frozen_with_the_handoff(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    rules = (await gql(HANDOFF_RULES, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
    frozen = rules["royaltyRules"]
    assert (frozen["brandPercent"], frozen["authorsPercent"]) == ("10", "2")
    # The fork's author first, then the author it was forked from.
    assert [a["displayName"] for a in frozen["authors"]] == ["Member 1", "Member 0"]
    # Voting has opened: the owner can no longer change the rules…
    refused = await gql(
        SET_RULES,
        {"input": {"campaignId": c["campaign"], "brandPercent": "50", "authorsPercent": "0"}},
        token=c["owner"],
    )
    assert [(e["code"], e["field"]) for e in refused["data"]["setRoyaltyRules"]["errors"]] == [
        ("INVALID_PHASE", ["campaignId"])
    ]
    # …and even if the campaign's rules changed underneath, the handoff keeps its own.
    async with state.db.unit_of_work() as session:
        await session.execute(
            update(RoyaltyRules)
            .where(RoyaltyRules.campaign_id == decode_id(c["campaign"], "Campaign"))
            .values(brand_percent="50")
        )
    again = (await gql(HANDOFF_RULES, {"id": c["handoff"]}, token=c["key"]))["data"]["handoff"]
    assert again["royaltyRules"] == frozen
    assert (await report(gql, c))["salesReport"]["royalties"] == "120.00"


async def test_no_rules_means_no_royalties(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock, royalties=None)
    got = (await report(gql, c))["salesReport"]
    assert got["status"] == "RECORDED" and got["royalties"] == "0.00"
    assert await assert_every_transaction_balances(state) == 0


async def test_a_truncated_statement_still_totals_every_entry(
    gql, sign_up, state, clock, monkeypatch
):
    from brandhub.royalties import statements

    monkeypatch.setattr(statements, "MAX_LINES", 2)
    c = await shipped_world(gql, sign_up, state, clock)
    for i in range(4):  # more than MAX_LINES + 1, which the query reads to know it truncated
        assert (await report(gql, c, key=f"k{i}"))["errors"] == []
    brand = await gql(BRAND_STATEMENT, {"slug": "soup-club", **NOVEMBER}, token=c["owner"])
    statement = brand["data"]["brand"]["royaltyStatement"]
    assert statement["truncated"] is True and len(statement["entries"]) == 2
    assert statement["balances"][0]["accrued"] == "400.00"
    assert statement["balances"][0]["closing"] == "400.00"


async def test_owner_sets_rules_until_voting_opens(gql, sign_up):
    from tests.factories import open_campaign

    c = await open_campaign(gql, sign_up, members=1)
    rules = {"campaignId": c["campaign"], "brandPercent": "12.5", "authorsPercent": "2.50"}
    # A member who does not own the brand is refused; so is an anonymous caller.
    for token, code in ((c["members"][0], "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = await gql(SET_RULES, {"input": rules}, token=token)
        assert [e["code"] for e in body["data"]["setRoyaltyRules"]["errors"]] == [code]
    # Bad percentages are named, every one of them, and nothing is stored.
    bad = {**rules, "brandPercent": "-1", "authorsPercent": "0.00001"}
    body = await gql(SET_RULES, {"input": bad}, token=c["owner"])
    assert [e["field"] for e in body["data"]["setRoyaltyRules"]["errors"]] == [
        ["brandPercent"],
        ["authorsPercent"],
    ]
    body = await gql(SET_RULES, {"input": rules}, token=c["owner"])
    payload = body["data"]["setRoyaltyRules"]
    assert payload["errors"] == []
    assert payload["campaign"]["royaltyRules"] == {"brandPercent": "12.5", "authorsPercent": "2.5"}
    # createCampaign names its own path for the same mistake.
    created = await gql(
        f"""mutation($input: CreateCampaignInput!) {{ createCampaign(input: $input) {{
          campaign {{ id }} {ERRORS} }} }}""",
        {
            "input": {
                "brandId": c["brand"],
                "title": "Spring soup",
                "category": "recipe",
                "specTemplate": "recipe",
                "voting": {"method": "APPROVAL"},
                "royalties": {"brandPercent": "60", "authorsPercent": "50"},
            }
        },
        token=c["owner"],
    )
    assert created["data"]["createCampaign"]["campaign"] is None
    assert [e["field"] for e in created["data"]["createCampaign"]["errors"]] == [
        ["royalties", "authorsPercent"]
    ]
