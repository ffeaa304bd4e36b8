"""Posting to the append-only, double-entry ledger: accounts on first use, balanced postings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from brandhub.royalties.models import (
    AccountKind,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    TransactionKind,
)


class Unbalanced(AssertionError):
    """A posting whose debits and credits differ: a bug, never a user's mistake."""


async def account(
    session: AsyncSession,
    *,
    kind: AccountKind,
    currency: str,
    now: datetime,
    partner_id: int | None = None,
    brand_id: int | None = None,
    member_id: int | None = None,
) -> LedgerAccount:
    """The account of an owner, kind and currency, opened on first use."""
    owner = (
        f"partner:{partner_id}"
        if partner_id is not None
        else f"brand:{brand_id}"
        if brand_id is not None
        else f"member:{member_id}"
    )
    query = select(LedgerAccount).where(
        LedgerAccount.kind == kind,
        LedgerAccount.owner_key == owner,
        LedgerAccount.currency == currency,
    )
    found = await session.scalar(query)
    if found is not None:
        return found
    # Opened under a savepoint: a concurrent opener's row wins and is read back.
    row = LedgerAccount(
        kind=kind,
        owner_key=owner,
        partner_id=partner_id,
        brand_id=brand_id,
        member_id=member_id,
        currency=currency,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        found = await session.scalar(query)
        assert found is not None
        return found
    return row


async def post(
    session: AsyncSession,
    *,
    kind: TransactionKind,
    sales_report_id: int,
    handoff_id: int,
    lines: Sequence[tuple[LedgerAccount, int]],
    memo: str,
    now: datetime,
    reverses_id: int | None = None,
) -> LedgerTransaction:
    """Write a transaction's entries (debit > 0, credit < 0), then post it.

    Zero lines are left out. The sum is checked here and again by the database when the
    transaction is posted.
    """
    lines = [(acct, amount) for acct, amount in lines if amount]
    sums: dict[str, int] = {}
    for acct, amount in lines:
        sums[acct.currency] = sums.get(acct.currency, 0) + amount
    if len(lines) < 2 or any(sums.values()):
        raise Unbalanced(f"unbalanced posting: {sums}")
    txn = LedgerTransaction(
        kind=kind,
        sales_report_id=sales_report_id,
        handoff_id=handoff_id,
        reverses_id=reverses_id,
        memo=memo,
        posted=False,
        at=now,
    )
    session.add(txn)
    await session.flush()
    assert txn.id is not None
    for acct, amount in lines:
        assert acct.id is not None
        session.add(
            LedgerEntry(
                transaction_id=txn.id,
                account_id=acct.id,
                amount_minor=amount,
                currency=acct.currency,
            )
        )
    await session.flush()
    await session.execute(
        update(LedgerTransaction).where(LedgerTransaction.id == txn.id).values(posted=True)
    )
    set_committed_value(txn, "posted", True)  # already stored: no second UPDATE
    return txn


async def entries_of(session: AsyncSession, transaction_id: int) -> list[LedgerEntry]:
    """A transaction's entries, in the order written."""
    rows = await session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.transaction_id == transaction_id)
        .order_by(LedgerEntry.id)
    )
    return list(rows.all())
