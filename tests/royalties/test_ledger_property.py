"""Many random reports through the service: every transaction balances, nothing is lost."""

from __future__ import annotations

import asyncio
import random
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from brandhub.partners.models import Partner
from brandhub.royalties import sales
from brandhub.royalties.allocation import split_sale
from brandhub.royalties.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction
from brandhub.schema.relay import decode_id
from tests.royalties.support import REPORT, shipped_world
from tests.royalties.support import sales as sales_input
from tests.royalties.test_sales import assert_every_transaction_balances


async def test_random_reports_and_reversals_keep_the_ledger_exact(gql, sign_up, state, clock):
    c = await shipped_world(
        gql, sign_up, state, clock, royalties={"brandPercent": "7.3333", "authorsPercent": "3.01"}
    )
    handoff = decode_id(c["handoff"], "Handoff")
    rng = random.Random(20261125)
    expected: dict[tuple[str, str], int] = {}
    async with state.db.read() as session:
        partner = await session.scalar(select(Partner).where(Partner.slug == "maker"))
    reports = []
    for i in range(40):
        currency, digits = rng.choice([("EUR", 2), ("JPY", 0), ("KWD", 3)])
        net = rng.randint(0, 10**9)
        async with state.db.unit_of_work() as session:
            report = await sales.report_sales(
                session,
                partner=partner,
                handoff_id=handoff,
                idempotency_key=f"k{i}",
                sales=sales.Sales(
                    period_start=date(2026, 11, 1),
                    period_end=date(2026, 11, 30),
                    units=rng.randint(0, 1000),
                    net_revenue=Decimal(net).scaleb(-digits),
                    currency=currency,
                ),
                now=clock.now,
            )
            reports.append(report.id)
        split = split_sale(
            net, brand_percent=Decimal("7.3333"), authors_percent=Decimal("3.01"), authors=2
        )
        reverse = rng.random() < 0.25
        if reverse:
            async with state.db.unit_of_work() as session:
                await sales.reverse_sales_report(
                    session, partner=partner, report_id=report.id, reason="test", now=clock.now
                )
        else:
            for kind, amount in (
                (AccountKind.BRAND_ROYALTIES, -split.brand),
                (AccountKind.AUTHOR_ROYALTIES, -sum(split.authors)),
                (AccountKind.PARTNER_PAYABLE, split.royalties),
            ):
                expected[(kind, currency)] = expected.get((kind, currency), 0) + amount
    await assert_every_transaction_balances(state)
    async with state.db.read() as session:
        totals = dict(
            (
                (kind, cur),
                int(total),
            )
            for kind, cur, total in await session.execute(
                select(
                    LedgerAccount.kind, LedgerAccount.currency, func.sum(LedgerEntry.amount_minor)
                )
                .join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
                .group_by(LedgerAccount.kind, LedgerAccount.currency)
            )
        )
    assert {k: v for k, v in totals.items() if v} == {k: v for k, v in expected.items() if v}


async def test_the_same_report_sent_at_once_is_recorded_once(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    variables = {"input": sales_input(c["handoff"], key="retry")}
    first, second = await asyncio.gather(
        gql(REPORT, variables, token=c["key"]), gql(REPORT, variables, token=c["key"])
    )
    assert first["data"] == second["data"]
    assert first["data"]["reportSales"]["errors"] == []
    async with state.db.read() as session:
        assert await session.scalar(select(func.count()).select_from(LedgerTransaction)) == 1
