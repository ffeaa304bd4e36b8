"""Sales reports: a partner reports sales of a shipped product; royalties accrue in the ledger.

A report carries an idempotency key chosen by the partner: sending the same report again with
the same key records nothing new and answers with the first report; another report under a
used key is refused with CONFLICT. A mistake is corrected by a reversal (a transaction that
negates the accrual, entry by entry), never by an edit; ``correct`` reverses and records the
corrected report in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.errors import DomainError, InvalidInput, ManyErrors, NotFound
from brandhub.partners.errors import InvalidTransition
from brandhub.partners.events import Actor, global_id, record_event
from brandhub.partners.handoffs import partner_handoff
from brandhub.partners.models import Handoff, HandoffStatus, Partner
from brandhub.partners.transitions import ActorType
from brandhub.royalties import ledger
from brandhub.royalties.allocation import from_minor, minor_digits, split_sale, to_minor
from brandhub.royalties.errors import Conflict
from brandhub.royalties.models import (
    AccountKind,
    HandoffRoyalties,
    LedgerAccount,
    LedgerTransaction,
    ReportStatus,
    SalesReport,
    TransactionKind,
)

MAX_UNITS = 1_000_000_000
MAX_REVENUE = Decimal("1000000000000")
MAX_KEY = 100


@dataclass(frozen=True)
class Sales:
    """What a partner reports: a period, units sold, net revenue in a currency."""

    period_start: date
    period_end: date
    units: int
    net_revenue: Decimal
    currency: str


def check_sales(sales: Sales, idempotency_key: str) -> int:
    """Validate a report; every problem named by its field. Returns net revenue in minor units."""
    problems: list[DomainError] = []
    if not idempotency_key.strip() or len(idempotency_key) > MAX_KEY:
        problems.append(
            InvalidInput(
                f"Give an idempotencyKey of 1 to {MAX_KEY} characters.", field=["idempotencyKey"]
            )
        )
    if sales.period_end < sales.period_start:
        problems.append(
            InvalidInput("periodEnd must not be before periodStart.", field=["periodEnd"])
        )
    if not 0 <= sales.units <= MAX_UNITS:
        problems.append(InvalidInput(f"units must be between 0 and {MAX_UNITS}.", field=["units"]))
    minor = 0
    try:
        minor_digits(sales.currency)
        if not sales.net_revenue.is_finite() or not 0 <= sales.net_revenue <= MAX_REVENUE:
            problems.append(
                InvalidInput(
                    f"netRevenue must be between 0 and {MAX_REVENUE}.", field=["netRevenue"]
                )
            )
        else:
            minor = to_minor(sales.net_revenue, sales.currency)
    except InvalidInput as problem:
        problems.append(problem)
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    return minor


def fingerprint(handoff_id: int, sales: Sales, net_minor: int) -> str:
    """SHA-256 of what the report says, so a replay under the same key can be recognised."""
    body = {
        "handoff": handoff_id,
        "periodStart": sales.period_start.isoformat(),
        "periodEnd": sales.period_end.isoformat(),
        "units": sales.units,
        "netRevenueMinor": net_minor,
        "currency": sales.currency,
    }
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _actor(partner: Partner) -> Actor:
    return Actor(ActorType.PARTNER, partner_id=partner.id)


async def _accrue(
    session: AsyncSession,
    *,
    handoff: Handoff,
    partner: Partner,
    report: SalesReport,
    now: datetime,
) -> LedgerTransaction | None:
    """Post the report's royalties by the handoff's frozen rules; webhook royalty.accrued."""
    assert handoff.id is not None and report.id is not None and partner.id is not None
    rules = await session.get(HandoffRoyalties, handoff.id)
    if rules is None:
        return None
    split = split_sale(
        report.net_revenue_minor,
        brand_percent=Decimal(rules.brand_percent),
        authors_percent=Decimal(rules.authors_percent),
        authors=len(rules.author_ids),
    )
    if split.royalties == 0:
        return None
    cur = report.currency
    payable = await ledger.account(
        session, kind=AccountKind.PARTNER_PAYABLE, currency=cur, now=now, partner_id=partner.id
    )
    lines = [(payable, split.royalties)]
    lines.append(
        (
            await ledger.account(
                session,
                kind=AccountKind.BRAND_ROYALTIES,
                currency=cur,
                now=now,
                brand_id=handoff.brand_id,
            ),
            -split.brand,
        )
    )
    for member_id, amount in zip(rules.author_ids, split.authors, strict=True):
        author = await ledger.account(
            session, kind=AccountKind.AUTHOR_ROYALTIES, currency=cur, now=now, member_id=member_id
        )
        lines.append((author, -amount))
    txn = await ledger.post(
        session,
        kind=TransactionKind.ACCRUAL,
        sales_report_id=report.id,
        handoff_id=handoff.id,
        lines=lines,
        memo=f"Royalties on sales {report.period_start} – {report.period_end}",
        now=now,
    )
    await record_event(
        session,
        handoff=handoff,
        type="royalty.accrued",
        actor=_actor(partner),
        now=now,
        data={
            "salesReportId": global_id("SalesReport", report.id),
            "transactionId": global_id("LedgerTransaction", txn.id or 0),
            "currency": cur,
            "netRevenue": str(from_minor(report.net_revenue_minor, cur)),
            "royalties": str(from_minor(split.royalties, cur)),
            "brand": str(from_minor(split.brand, cur)),
            "authors": [
                {"memberId": global_id("Member", m), "amount": str(from_minor(a, cur))}
                for m, a in zip(rules.author_ids, split.authors, strict=True)
            ],
        },
    )
    return txn


async def report_sales(
    session: AsyncSession,
    *,
    partner: Partner,
    handoff_id: int,
    idempotency_key: str,
    sales: Sales,
    now: datetime,
    corrects_id: int | None = None,
) -> SalesReport:
    """Record a partner's sales of its shipped product (idempotent by key) and accrue."""
    assert partner.id is not None
    net_minor = check_sales(sales, idempotency_key)
    handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id, lock=True)
    assert handoff.id is not None
    print_ = fingerprint(handoff.id, sales, net_minor)
    existing = await _reported(session, partner.id, idempotency_key)
    if existing is not None:
        return _same_report(existing, print_, corrects_id)
    if handoff.status != HandoffStatus.SHIPPED:
        raise InvalidTransition(
            f"Sales are reported once the product has SHIPPED; this handoff is {handoff.status}.",
            field=["handoffId"],
        )
    report = SalesReport(
        handoff_id=handoff.id,
        partner_id=partner.id,
        idempotency_key=idempotency_key,
        fingerprint=print_,
        period_start=sales.period_start,
        period_end=sales.period_end,
        units=sales.units,
        net_revenue_minor=net_minor,
        currency=sales.currency,
        status=ReportStatus.RECORDED,
        corrects_id=corrects_id,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(report)
            await session.flush()
    except IntegrityError:
        # The same key, reported at the same instant for another of the partner's handoffs
        # (each report locks only its own handoff): it committed first.
        existing = await _reported(session, partner.id, idempotency_key)
        if existing is None:
            raise
        return _same_report(existing, print_, corrects_id)
    await _accrue(session, handoff=handoff, partner=partner, report=report, now=now)
    await session.flush()
    return report


async def _reported(session: AsyncSession, partner_id: int, key: str) -> SalesReport | None:
    return await session.scalar(
        select(SalesReport).where(
            SalesReport.partner_id == partner_id, SalesReport.idempotency_key == key
        )
    )


def _same_report(existing: SalesReport, print_: str, corrects_id: int | None) -> SalesReport:
    """The report already recorded under this key, if it is this one; CONFLICT otherwise."""
    if existing.fingerprint == print_ and existing.corrects_id == corrects_id:
        return existing
    raise Conflict(
        "This idempotencyKey was already used for a different report; use a new key.",
        field=["idempotencyKey"],
    )


async def _partner_report(
    session: AsyncSession, *, partner: Partner, report_id: int
) -> tuple[SalesReport, Handoff]:
    report = await session.get(SalesReport, report_id)
    if report is None or report.partner_id != partner.id:
        raise NotFound("No such sales report.", field=["salesReportId"])
    handoff = await partner_handoff(
        session, partner=partner, handoff_id=report.handoff_id, lock=True
    )
    # Read again under the handoff's lock: a concurrent reversal has finished by now.
    await session.refresh(report)
    return report, handoff


async def reverse_sales_report(
    session: AsyncSession, *, partner: Partner, report_id: int, reason: str, now: datetime
) -> SalesReport:
    """Reverse a report: negate its accrual entry by entry; webhook royalty.reversed."""
    reason = reason.strip()
    if not 1 <= len(reason) <= 1000:
        raise InvalidInput("Give a reason of 1 to 1000 characters.", field=["reason"])
    report, handoff = await _partner_report(session, partner=partner, report_id=report_id)
    if report.status == ReportStatus.REVERSED:
        raise InvalidTransition("This sales report is already reversed.", field=["salesReportId"])
    assert report.id is not None and handoff.id is not None
    accruals = (
        await session.scalars(
            select(LedgerTransaction).where(
                LedgerTransaction.sales_report_id == report.id,
                LedgerTransaction.kind == TransactionKind.ACCRUAL,
            )
        )
    ).all()
    for accrual in accruals:
        assert accrual.id is not None
        entries = await ledger.entries_of(session, accrual.id)
        lines: list[tuple[LedgerAccount, int]] = []
        for entry in entries:
            acct = await session.get(LedgerAccount, entry.account_id)
            assert acct is not None
            lines.append((acct, -entry.amount_minor))
        txn = await ledger.post(
            session,
            kind=TransactionKind.REVERSAL,
            sales_report_id=report.id,
            handoff_id=handoff.id,
            lines=lines,
            memo=f"Reversal: {reason}",
            now=now,
            reverses_id=accrual.id,
        )
        await record_event(
            session,
            handoff=handoff,
            type="royalty.reversed",
            actor=_actor(partner),
            now=now,
            data={
                "salesReportId": global_id("SalesReport", report.id),
                "transactionId": global_id("LedgerTransaction", txn.id or 0),
                "reversesTransactionId": global_id("LedgerTransaction", accrual.id),
                "reason": reason,
            },
        )
    report.status = ReportStatus.REVERSED
    report.reversal_reason = reason
    report.reversed_at = now
    await session.flush()
    return report


async def correct_sales_report(
    session: AsyncSession,
    *,
    partner: Partner,
    report_id: int,
    reason: str,
    idempotency_key: str,
    sales: Sales,
    now: datetime,
) -> SalesReport:
    """Reverse a report and record its corrected version, in one transaction (idempotent)."""
    assert partner.id is not None
    check_sales(sales, idempotency_key)
    replay = await session.scalar(
        select(SalesReport).where(
            SalesReport.partner_id == partner.id,
            SalesReport.idempotency_key == idempotency_key,
            SalesReport.corrects_id == report_id,
        )
    )
    if replay is None:
        await reverse_sales_report(
            session, partner=partner, report_id=report_id, reason=reason, now=now
        )
    original = await session.get(SalesReport, report_id)
    assert original is not None
    return await report_sales(
        session,
        partner=partner,
        handoff_id=original.handoff_id,
        idempotency_key=idempotency_key,
        sales=sales,
        now=now,
        corrects_id=report_id,
    )
