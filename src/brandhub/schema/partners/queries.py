"""Partner queries: the partner directory, one handoff, a partner's webhook deliveries."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.errors import DomainError
from brandhub.partners import reads, registration
from brandhub.schema.auth.types import PartnerType
from brandhub.schema.context import Context
from brandhub.schema.errors import PublicError
from brandhub.schema.partners.payloads import caller
from brandhub.schema.partners.types import HandoffType, WebhookDeliveryType, visible_handoff
from brandhub.schema.relay import Connection, connection, decode_id, page, require_pk


@strawberry.type
class PartnerQuery:
    @strawberry.field(description="Manufacturer partners by name, optionally in one category.")
    async def partners(
        self,
        info: Info[Context, None],
        category: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PartnerType]:
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.partners(session, category=category, offset=p.offset, limit=p.limit)
        return connection(rows, p, PartnerType.from_row)

    @strawberry.field(description="A handoff: for its partner and its brand's owners; else null.")
    async def handoff(self, info: Info[Context, None], id: strawberry.ID) -> HandoffType | None:
        pk = decode_id(id, "Handoff")
        return await visible_handoff(info, pk) if pk is not None else None

    @strawberry.field(description="A partner's webhook events with every attempt, newest first.")
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        partner_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[WebhookDeliveryType]:
        p = page(first, after)
        async with info.context.db.read() as session:
            try:
                member, partner = await caller(info)
                target = await registration.managed_partner(
                    session,
                    partner_id=require_pk(partner_id, "Partner", "partnerId")
                    if partner_id
                    else None,
                    member=member,
                    caller=partner,
                    lock=False,
                )
            except DomainError as error:
                raise PublicError(error.message, error.code) from error
            assert target.id is not None
            rows = await reads.deliveries(
                session, partner_id=target.id, offset=p.offset, limit=p.limit
            )
        return connection(rows, p, WebhookDeliveryType.from_row)
