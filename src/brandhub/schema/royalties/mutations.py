"""Royalty mutations: rules (brand owners), sales reports and corrections (partners)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.royalties import rules, sales
from brandhub.schema.community.mutations import CampaignPayload
from brandhub.schema.community.types import CampaignType
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError
from brandhub.schema.partners.payloads import perform_live
from brandhub.schema.payloads import perform
from brandhub.schema.relay import require_pk
from brandhub.schema.royalties.inputs import (
    CorrectSalesReportInput,
    ReportSalesInput,
    ReverseSalesReportInput,
    SetRoyaltyRulesInput,
)
from brandhub.schema.royalties.types import SalesReportType


@strawberry.type
class SalesReportPayload:
    sales_report: SalesReportType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _sales(input: ReportSalesInput | CorrectSalesReportInput) -> sales.Sales:
    return sales.Sales(
        period_start=input.period_start,
        period_end=input.period_end,
        units=input.units,
        net_revenue=input.net_revenue,
        currency=input.currency.strip().upper(),
    )


async def _report_payload(info: Info[Context, None], work) -> SalesReportPayload:
    row, errors = await perform_live(info, work)
    return SalesReportPayload(
        sales_report=SalesReportType.from_row(row) if row else None, errors=errors
    )


@strawberry.type
class RoyaltyMutation:
    @strawberry.mutation(
        description="Brand owner: set a campaign's royalty rules (until voting opens)."
    )
    async def set_royalty_rules(
        self, info: Info[Context, None], input: SetRoyaltyRulesInput
    ) -> CampaignPayload:
        async def work(session):
            return await rules.set_rules(
                session,
                actor=await info.context.member(session),
                campaign_id=require_pk(input.campaign_id, "Campaign", "campaignId"),
                rules=rules.Percentages(brand=input.brand_percent, authors=input.authors_percent),
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return CampaignPayload(campaign=CampaignType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Partner: report sales of a SHIPPED product; royalties accrue (idempotent)."
    )
    async def report_sales(
        self, info: Info[Context, None], input: ReportSalesInput
    ) -> SalesReportPayload:
        async def work(session):
            return await sales.report_sales(
                session,
                partner=await info.context.partner(session),
                handoff_id=require_pk(input.handoff_id, "Handoff", "handoffId"),
                idempotency_key=input.idempotency_key,
                sales=_sales(input),
                now=info.context.now(),
            )

        return await _report_payload(info, work)

    @strawberry.mutation(description="Partner: reverse a sales report (a reversing transaction).")
    async def reverse_sales_report(
        self, info: Info[Context, None], input: ReverseSalesReportInput
    ) -> SalesReportPayload:
        async def work(session):
            return await sales.reverse_sales_report(
                session,
                partner=await info.context.partner(session),
                report_id=require_pk(input.sales_report_id, "SalesReport", "salesReportId"),
                reason=input.reason,
                now=info.context.now(),
            )

        return await _report_payload(info, work)

    @strawberry.mutation(
        description="Partner: reverse a sales report and record the corrected one (idempotent)."
    )
    async def correct_sales_report(
        self, info: Info[Context, None], input: CorrectSalesReportInput
    ) -> SalesReportPayload:
        async def work(session):
            return await sales.correct_sales_report(
                session,
                partner=await info.context.partner(session),
                report_id=require_pk(input.sales_report_id, "SalesReport", "salesReportId"),
                reason=input.reason,
                idempotency_key=input.idempotency_key,
                sales=_sales(input),
                now=info.context.now(),
            )

        return await _report_payload(info, work)
