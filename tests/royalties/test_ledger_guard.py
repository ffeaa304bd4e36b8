"""The database itself keeps the ledger balanced and append-only (triggers of migration 0011)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError

from brandhub.royalties.models import LedgerEntry, LedgerTransaction
from tests.royalties.support import report, shipped_world


async def refused(state, statement, message: str) -> None:
    with pytest.raises(DBAPIError, match=message):
        async with state.db.unit_of_work() as session:
            await session.execute(statement)


async def test_ledger_refuses_edits_and_unbalanced_postings(gql, sign_up, state, clock):
    c = await shipped_world(gql, sign_up, state, clock)
    assert (await report(gql, c))["errors"] == []
    async with state.db.read() as session:
        txn = await session.scalar(select(LedgerTransaction))
        entry = await session.scalar(select(LedgerEntry).order_by(LedgerEntry.id))
    assert txn is not None and entry is not None and txn.posted
    # No edits: neither an entry nor a posted transaction changes.
    await refused(
        state,
        update(LedgerEntry).where(LedgerEntry.id == entry.id).values(amount_minor=1),
        "append-only",
    )
    await refused(
        state,
        update(LedgerTransaction).where(LedgerTransaction.id == txn.id).values(memo="edited"),
        "append-only",
    )
    # No entry added to a posted transaction.
    await refused(
        state,
        insert(LedgerEntry).values(
            transaction_id=txn.id, account_id=entry.account_id, amount_minor=5, currency="EUR"
        ),
        "already posted",
    )
    # No transaction inserted as posted (its entries would come after the check).
    row = {
        "kind": "ACCRUAL",
        "sales_report_id": txn.sales_report_id,
        "handoff_id": txn.handoff_id,
        "memo": "",
        "at": clock.now,
    }
    await refused(state, insert(LedgerTransaction).values(**row, posted=True), "after its entries")
    # An unbalanced transaction cannot be posted.
    with pytest.raises(DBAPIError, match="does not balance"):
        async with state.db.unit_of_work() as session:
            new_id = await session.scalar(
                insert(LedgerTransaction)
                .values(**row, posted=False)
                .returning(LedgerTransaction.id)
            )
            for amount in (500, -499):
                await session.execute(
                    insert(LedgerEntry).values(
                        transaction_id=new_id,
                        account_id=entry.account_id,
                        amount_minor=amount,
                        currency="EUR",
                    )
                )
            await session.execute(
                update(LedgerTransaction).where(LedgerTransaction.id == new_id).values(posted=True)
            )
    async with state.db.read() as session:
        assert len((await session.scalars(select(LedgerTransaction))).all()) == 1
        assert (await session.get(LedgerEntry, entry.id)).amount_minor == entry.amount_minor
