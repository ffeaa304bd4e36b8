"""Statements: what is owed to a member (as an author) or to a brand, by period, and as CSV.

Amounts are from the owner's side: an accrual is positive, a reversal negative. The period is
by booking date (UTC), both ends included; the opening balance is everything booked before.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.models import Role
from brandhub.community.permissions import require_role
from brandhub.errors import Forbidden, InvalidInput
from brandhub.partners.models import Handoff
from brandhub.royalties.allocation import from_minor
from brandhub.royalties.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    SalesReport,
)

MAX_LINES = 1000
MAX_DAYS = 3660


@dataclass(frozen=True)
class StatementLine:
    """One entry of the owner's account, with the sale it comes from."""

    at: datetime
    transaction_id: int
    kind: str
    currency: str
    amount_minor: int
    handoff_id: int
    product: str
    sales_report_id: int
    period_start: date
    period_end: date
    units: int
    memo: str


@dataclass(frozen=True)
class Balance:
    """One currency of a statement: opening, accrued, reversed, closing (minor units)."""

    currency: str
    opening: int
    accrued: int
    reversed: int

    @property
    def closing(self) -> int:
        return self.opening + self.accrued - self.reversed


@dataclass(frozen=True)
class Statement:
    start: date
    end: date
    balances: list[Balance]
    lines: list[StatementLine]
    truncated: bool


def check_period(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's bounds as instants [start 00:00 UTC, the day after end 00:00 UTC)."""
    if end < start:
        raise InvalidInput("to must not be before from.", field=["to"])
    if (end - start).days > MAX_DAYS:
        raise InvalidInput(f"A statement covers at most {MAX_DAYS} days.", field=["to"])
    return (
        datetime.combine(start, time.min, tzinfo=UTC),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC),
    )


async def _statement(
    session: AsyncSession, *, accounts: list[int], start: date, end: date
) -> Statement:
    since, until = check_period(start, end)
    if not accounts:
        return Statement(start, end, [], [], False)
    opening_rows = await session.execute(
        select(LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerEntry.account_id.in_(accounts),
            LedgerTransaction.posted.is_(True),
            LedgerTransaction.at < since,
        )
        .group_by(LedgerEntry.currency)
    )
    opening = {cur: -int(total) for cur, total in opening_rows}
    rows = await session.execute(
        select(
            LedgerEntry.currency,
            LedgerEntry.amount_minor,
            LedgerTransaction,
            SalesReport,
            Handoff.title,
        )
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .join(SalesReport, SalesReport.id == LedgerTransaction.sales_report_id)
        .join(Handoff, Handoff.id == LedgerTransaction.handoff_id)
        .where(
            LedgerEntry.account_id.in_(accounts),
            LedgerTransaction.posted.is_(True),
            LedgerTransaction.at >= since,
            LedgerTransaction.at < until,
        )
        .order_by(LedgerTransaction.at, LedgerTransaction.id, LedgerEntry.id)
        .limit(MAX_LINES + 1)
    )
    lines: list[StatementLine] = []
    for cur, amount, txn, report, title in rows:
        owed = -int(amount)  # credit-normal accounts: a credit is money owed to the owner
        assert txn.id is not None and report.id is not None
        lines.append(
            StatementLine(
                at=txn.at,
                transaction_id=txn.id,
                kind=txn.kind,
                currency=cur,
                amount_minor=owed,
                handoff_id=txn.handoff_id,
                product=title,
                sales_report_id=report.id,
                period_start=report.period_start,
                period_end=report.period_end,
                units=report.units,
                memo=txn.memo,
            )
        )
    truncated = len(lines) > MAX_LINES
    # Period totals in SQL, over every entry (the lines shown may be truncated).
    period = await session.execute(
        select(
            LedgerEntry.currency,
            func.sum(case((LedgerEntry.amount_minor < 0, -LedgerEntry.amount_minor), else_=0)),
            func.sum(case((LedgerEntry.amount_minor > 0, LedgerEntry.amount_minor), else_=0)),
        )
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerEntry.account_id.in_(accounts),
            LedgerTransaction.posted.is_(True),
            LedgerTransaction.at >= since,
            LedgerTransaction.at < until,
        )
        .group_by(LedgerEntry.currency)
    )
    accrued: dict[str, int] = {}
    reversed_: dict[str, int] = {}
    for cur, credits, debits in period:
        accrued[cur], reversed_[cur] = int(credits or 0), int(debits or 0)
    currencies = sorted({*opening, *accrued, *reversed_})
    balances = [
        Balance(c, opening.get(c, 0), accrued.get(c, 0), reversed_.get(c, 0)) for c in currencies
    ]
    return Statement(start, end, balances, lines[:MAX_LINES], truncated)


async def _accounts(session: AsyncSession, **owner: int) -> list[int]:
    ((column, value),) = owner.items()
    kind = AccountKind.BRAND_ROYALTIES if column == "brand_id" else AccountKind.AUTHOR_ROYALTIES
    rows = await session.scalars(
        select(LedgerAccount.id).where(
            getattr(LedgerAccount, column) == value, LedgerAccount.kind == kind
        )
    )
    return list(rows.all())


async def member_statement(
    session: AsyncSession, *, viewer: Member, member_id: int, start: date, end: date
) -> Statement:
    """A member's royalties as an author; only the member may read it."""
    if viewer.id != member_id:
        raise Forbidden("Only the member may read their royalty statement.")
    accounts = await _accounts(session, member_id=member_id)
    return await _statement(session, accounts=accounts, start=start, end=end)


async def brand_statement(
    session: AsyncSession, *, viewer: Member, brand_id: int, start: date, end: date
) -> Statement:
    """A brand's royalties; only its owners may read it."""
    assert viewer.id is not None
    await require_role(
        session,
        brand_id=brand_id,
        member_id=viewer.id,
        roles=(Role.OWNER,),
        doing="read its royalty statement",
    )
    accounts = await _accounts(session, brand_id=brand_id)
    return await _statement(session, accounts=accounts, start=start, end=end)


CSV_COLUMNS = [
    "booked_at",
    "transaction",
    "kind",
    "product",
    "sales_period_start",
    "sales_period_end",
    "units",
    "currency",
    "amount",
    "memo",
]


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (OWASP: CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(statement: Statement) -> str:
    """The statement's entries as CSV (RFC 4180, a header row, amounts as exact decimals)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in statement.lines:
        writer.writerow(
            [
                line.at.isoformat(),
                line.transaction_id,
                line.kind,
                _cell(line.product),
                line.period_start.isoformat(),
                line.period_end.isoformat(),
                line.units,
                line.currency,
                str(from_minor(line.amount_minor, line.currency)),
                _cell(line.memo),
            ]
        )
    return out.getvalue()
