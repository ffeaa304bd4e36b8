"""Inputs of the royalty mutations."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import strawberry


@strawberry.input(description="Royalties as exact percentages of net revenue (0–100, sum ≤ 100).")
class RoyaltyRulesInput:
    brand_percent: Decimal = strawberry.field(description='To the host brand, e.g. "10".')
    authors_percent: Decimal = strawberry.field(
        description='To the credited authors, shared equally, e.g. "2".'
    )


@strawberry.input
class SetRoyaltyRulesInput:
    campaign_id: strawberry.ID
    brand_percent: Decimal
    authors_percent: Decimal


@strawberry.input(description="Sales of a shipped product over a period.")
class ReportSalesInput:
    handoff_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Yours, unique per report: the same report sent again is recorded once."
    )
    period_start: date
    period_end: date
    units: int
    net_revenue: Decimal = strawberry.field(description='A decimal string, e.g. "1234.50".')
    currency: str = strawberry.field(description="ISO 4217 code.")


@strawberry.input
class ReverseSalesReportInput:
    sales_report_id: strawberry.ID
    reason: str


@strawberry.input(description="Reverse a report and record the corrected one, at once.")
class CorrectSalesReportInput:
    sales_report_id: strawberry.ID
    reason: str
    idempotency_key: str
    period_start: date
    period_end: date
    units: int
    net_revenue: Decimal
    currency: str
