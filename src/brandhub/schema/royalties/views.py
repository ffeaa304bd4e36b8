"""Resolvers the shared types delegate to: rules on campaigns and handoffs, statements."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from strawberry.types import Info

from brandhub.errors import DomainError
from brandhub.royalties import statements
from brandhub.royalties.models import HandoffRoyalties, RoyaltyRules, SalesReport
from brandhub.schema.context import Context
from brandhub.schema.errors import PublicError, bad_request, forbidden, unauthenticated
from brandhub.schema.royalties.types import RoyaltyRulesType, RoyaltyStatementType, SalesReportType


async def campaign_rules(info: Info[Context, None], campaign_id: int) -> RoyaltyRulesType | None:
    async with info.context.db.read() as session:
        row = await session.get(RoyaltyRules, campaign_id)
    return RoyaltyRulesType.of_campaign(row) if row else None


async def handoff_rules(info: Info[Context, None], handoff_id: int) -> RoyaltyRulesType | None:
    async with info.context.db.read() as session:
        row = await session.get(HandoffRoyalties, handoff_id)
    return RoyaltyRulesType.of_handoff(row) if row else None


async def handoff_reports(info: Info[Context, None], handoff_id: int) -> list[SalesReportType]:
    async with info.context.db.read() as session:
        rows = await session.scalars(
            select(SalesReport).where(SalesReport.handoff_id == handoff_id).order_by(SalesReport.id)
        )
        return [SalesReportType.from_row(r) for r in rows.all()]


def _public(error: DomainError) -> PublicError:
    if error.code == "FORBIDDEN":
        return forbidden(error.message)
    return bad_request(error.message)


async def member_statement(
    info: Info[Context, None], member_id: int, start: date, end: date
) -> RoyaltyStatementType:
    """The member's own statement; anyone else is FORBIDDEN."""
    principal = await info.context.principal()
    if principal is None or principal.member is None:
        raise unauthenticated("Sign in to read your royalty statement.")
    try:
        async with info.context.db.read() as session:
            s = await statements.member_statement(
                session, viewer=principal.member, member_id=member_id, start=start, end=end
            )
    except DomainError as error:
        raise _public(error) from None
    return RoyaltyStatementType.of(s)


async def brand_statement(
    info: Info[Context, None], brand_id: int, start: date, end: date
) -> RoyaltyStatementType:
    """The brand's statement, for its owners; anyone else is FORBIDDEN."""
    principal = await info.context.principal()
    if principal is None or principal.member is None:
        raise unauthenticated("Sign in as the brand's owner to read its royalty statement.")
    try:
        async with info.context.db.read() as session:
            s = await statements.brand_statement(
                session, viewer=principal.member, brand_id=brand_id, start=start, end=end
            )
    except DomainError as error:
        raise _public(error) from None
    return RoyaltyStatementType.of(s)
