"""GraphQL types of royalties: rules, sales reports and statements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from brandhub.partners import handoffs
from brandhub.partners.models import Handoff
from brandhub.royalties import statements
from brandhub.royalties.allocation import from_minor
from brandhub.royalties.models import (
    HandoffRoyalties,
    RoyaltyRules,
    SalesReport,
)
from brandhub.schema.auth.types import MemberType
from brandhub.schema.context import Context
from brandhub.schema.relay import Node, NodeID, nodes_by_pk
from brandhub.schema.royalties import loaders

AUTHOR_SPLIT = (
    "EQUAL: the authors' percentage is shared equally by the winning proposal's credited "
    "authors (its author, then the authors it was forked from, each once); every share is "
    "rounded to the currency's minor unit by largest remainder, so the parts add up exactly."
)


@strawberry.enum(name="SalesReportStatus")
class SalesReportStatusEnum(Enum):
    RECORDED = "RECORDED"
    REVERSED = "REVERSED"


@strawberry.enum(name="LedgerTransactionKind")
class LedgerTransactionKindEnum(Enum):
    ACCRUAL = "ACCRUAL"
    REVERSAL = "REVERSAL"


@strawberry.type(
    name="RoyaltyRules",
    description="Royalties as percentages of net revenue: to the host brand and to the authors.",
)
class RoyaltyRulesType:
    brand_percent: Decimal = strawberry.field(description='e.g. "10" for 10 %.')
    authors_percent: Decimal = strawberry.field(description="Shared by the credited authors.")
    author_split: str = strawberry.field(description="How the authors' percentage is shared.")
    frozen_at: datetime | None = strawberry.field(
        description="When the rules were frozen with the handoff; null on a campaign."
    )
    author_ids: strawberry.Private[list[int]]

    @classmethod
    def of_campaign(cls, row: RoyaltyRules) -> RoyaltyRulesType:
        return cls(
            brand_percent=Decimal(row.brand_percent),
            authors_percent=Decimal(row.authors_percent),
            author_split=AUTHOR_SPLIT,
            frozen_at=None,
            author_ids=[],
        )

    @classmethod
    def of_handoff(cls, row: HandoffRoyalties) -> RoyaltyRulesType:
        return cls(
            brand_percent=Decimal(row.brand_percent),
            authors_percent=Decimal(row.authors_percent),
            author_split=AUTHOR_SPLIT,
            frozen_at=row.frozen_at,
            author_ids=list(row.author_ids),
        )

    @strawberry.field(description="The credited authors sharing the authors' percentage (frozen).")
    async def authors(self, info: Info[Context, None]) -> list[MemberType]:
        rows = await info.context.loaders.member.load_many(self.author_ids)
        return [MemberType.from_row(r) for r in rows if r is not None]


@strawberry.type(name="SalesReport", description="Sales of a shipped product, as reported.")
class SalesReportType(Node):
    pk: NodeID[int]
    idempotency_key: str
    period_start: date
    period_end: date
    units: int
    net_revenue: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")
    status: SalesReportStatusEnum
    reversal_reason: str | None
    created_at: datetime
    reversed_at: datetime | None
    row: strawberry.Private[SalesReport]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[SalesReportType | None]:
        """Sales reports for their partner and their brand's owners."""
        return await nodes_by_pk(node_ids, lambda pk: visible_report(info, pk))

    @classmethod
    def from_row(cls, row: SalesReport) -> SalesReportType:
        assert row.id is not None
        return cls(
            pk=row.id,
            idempotency_key=row.idempotency_key,
            period_start=row.period_start,
            period_end=row.period_end,
            units=row.units,
            net_revenue=from_minor(row.net_revenue_minor, row.currency),
            currency=row.currency,
            status=SalesReportStatusEnum(row.status),
            reversal_reason=row.reversal_reason,
            created_at=row.created_at,
            reversed_at=row.reversed_at,
            row=row,
        )

    @strawberry.field(
        description="Royalties accrued by this report, net of its reversal (the partner owes it)."
    )
    async def royalties(self, info: Info[Context, None]) -> Decimal:
        return from_minor(await loaders.report_royalties(info.context).load(self.pk), self.currency)

    @strawberry.field(description="The report this one corrects, if any.")
    async def corrects(self, info: Info[Context, None]) -> SalesReportType | None:
        if self.row.corrects_id is None:
            return None
        return await visible_report(info, self.row.corrects_id)


async def visible_report(info: Info[Context, None], pk: int) -> SalesReportType | None:
    """A report if the caller sees its handoff (its partner, its brand's owners)."""
    from brandhub.schema.partners.types import viewer_ids  # partners' types import ours

    member_id, partner_id = await viewer_ids(info)
    if member_id is None and partner_id is None:
        return None
    async with info.context.db.read() as session:
        row = await session.get(SalesReport, pk)
        handoff = await session.get(Handoff, row.handoff_id) if row else None
        if (
            row is None
            or handoff is None
            or not await handoffs.can_see(
                session, handoff=handoff, member_id=member_id, partner_id=partner_id
            )
        ):
            return None
    return SalesReportType.from_row(row)


@strawberry.type(name="RoyaltyBalance", description="One currency of a statement.")
class RoyaltyBalanceType:
    currency: str
    opening: Decimal = strawberry.field(description="Owed before the period.")
    accrued: Decimal = strawberry.field(description="Accrued in the period.")
    reversed: Decimal = strawberry.field(description="Reversed in the period.")
    closing: Decimal = strawberry.field(description="Owed at the end of the period.")


@strawberry.type(name="RoyaltyEntry", description="One ledger entry of a statement.")
class RoyaltyEntryType:
    at: datetime = strawberry.field(description="When it was booked.")
    kind: LedgerTransactionKindEnum
    currency: str
    amount: Decimal = strawberry.field(description="Positive when accrued, negative reversed.")
    product: str
    period_start: date = strawberry.field(description="The sales period it comes from.")
    period_end: date
    units: int
    memo: str
    transaction_id: strawberry.ID
    sales_report_id: strawberry.ID


@strawberry.type(
    name="RoyaltyStatement",
    description="Royalties owed by period: balances per currency and the entries booked.",
)
class RoyaltyStatementType:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    balances: list[RoyaltyBalanceType]
    entries: list[RoyaltyEntryType] = strawberry.field(
        description=f"Oldest first, at most {statements.MAX_LINES}."
    )
    truncated: bool = strawberry.field(description="True when more entries exist than shown.")
    csv: str = strawberry.field(
        description="The entries as CSV (RFC 4180, header row, amounts as exact decimals)."
    )

    @classmethod
    def of(cls, s: statements.Statement) -> RoyaltyStatementType:
        from brandhub.partners.events import global_id

        return cls(
            start=s.start,
            end=s.end,
            balances=[
                RoyaltyBalanceType(
                    currency=b.currency,
                    opening=from_minor(b.opening, b.currency),
                    accrued=from_minor(b.accrued, b.currency),
                    reversed=from_minor(b.reversed, b.currency),
                    closing=from_minor(b.closing, b.currency),
                )
                for b in s.balances
            ],
            entries=[
                RoyaltyEntryType(
                    at=line.at,
                    kind=LedgerTransactionKindEnum(line.kind),
                    currency=line.currency,
                    amount=from_minor(line.amount_minor, line.currency),
                    product=line.product,
                    period_start=line.period_start,
                    period_end=line.period_end,
                    units=line.units,
                    memo=line.memo,
                    transaction_id=strawberry.ID(
                        global_id("LedgerTransaction", line.transaction_id)
                    ),
                    sales_report_id=strawberry.ID(global_id("SalesReport", line.sales_report_id)),
                )
                for line in s.lines
            ],
            truncated=s.truncated,
            csv=statements.to_csv(s),
        )
