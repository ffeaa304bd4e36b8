"""DataLoaders of the royalties adapter, registered on the request's ``Loaders`` by name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from strawberry.dataloader import DataLoader

from brandhub.db import Database
from brandhub.royalties.models import AccountKind, LedgerAccount, LedgerEntry, LedgerTransaction
from brandhub.schema.context import Context


def _report_royalties(db: Database) -> DataLoader[int, int]:
    async def load(ids: Sequence[int]) -> list[int]:
        async with db.read() as session:
            rows = await session.execute(
                select(LedgerTransaction.sales_report_id, func.sum(LedgerEntry.amount_minor))
                .join(LedgerEntry, LedgerEntry.transaction_id == LedgerTransaction.id)
                .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
                .where(
                    LedgerTransaction.sales_report_id.in_(ids),
                    LedgerTransaction.posted.is_(True),
                    LedgerAccount.kind == AccountKind.PARTNER_PAYABLE,
                )
                .group_by(LedgerTransaction.sales_report_id)
            )
            found = {pk: int(total or 0) for pk, total in rows}
        return [found.get(i, 0) for i in ids]

    return DataLoader(load_fn=load)


def report_royalties(context: Context) -> DataLoader[int, int]:
    """Royalties owed on each sales report (minor units, net of reversals), by report id."""
    return context.loaders.get("report_royalties", _report_royalties)
