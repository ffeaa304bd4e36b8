"""Partner accounts: registration, profile, API keys, webhook secrets, redelivery."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.auth.principal_cache import partner_marker
from brandhub.partners import redelivery, registration
from brandhub.schema.auth.types import PartnerType
from brandhub.schema.context import Context
from brandhub.schema.partners.inputs import (
    PartnerIdInput,
    RedeliverEventInput,
    RegisterPartnerInput,
    UpdatePartnerInput,
)
from brandhub.schema.partners.payloads import (
    PartnerKeyPayload,
    PartnerPayload,
    RegisterPartnerPayload,
    RevokePartnerKeyPayload,
    WebhookDeliveryPayload,
    WebhookSecretPayload,
    caller,
)
from brandhub.schema.partners.types import WebhookDeliveryType
from brandhub.schema.payloads import perform
from brandhub.schema.relay import require_pk


async def managed(info: Info[Context, None], session, partner_id: strawberry.ID | None):
    """The partner the caller (the partner itself, or its admin member) may manage."""
    member, partner = await caller(info)
    return await registration.managed_partner(
        session,
        partner_id=require_pk(partner_id, "Partner", "partnerId") if partner_id else None,
        member=member,
        caller=partner,
    )


@strawberry.type
class PartnerAccountMutation:
    @strawberry.mutation(description="Register a manufacturer; you become its admin.")
    async def register_partner(
        self, info: Info[Context, None], input: RegisterPartnerInput
    ) -> RegisterPartnerPayload:
        async def work(session):
            return await registration.register_partner(
                session,
                admin=await info.context.member(session),
                slug=input.slug,
                name=input.name,
                powered_by_label=input.powered_by_label,
                categories=input.categories,
                webhook_url=input.webhook_url,
                allow_private=info.context.state.settings.webhook_allow_private,
                now=info.context.now(),
            )

        result, errors = await perform(info, work)
        if result is None:
            return RegisterPartnerPayload(errors=errors)
        partner, key, secret = result
        return RegisterPartnerPayload(
            partner=PartnerType.from_row(partner), api_key=key, webhook_secret=secret
        )

    @strawberry.mutation(description="Change a partner's profile or webhook URL (it or its admin).")
    async def update_partner(
        self, info: Info[Context, None], input: UpdatePartnerInput
    ) -> PartnerPayload:
        async def work(session):
            return await registration.update_partner(
                session,
                partner=await managed(info, session, input.partner_id),
                name=input.name,
                powered_by_label=input.powered_by_label,
                categories=input.categories,
                webhook_url=input.webhook_url,
                allow_private=info.context.state.settings.webhook_allow_private,
            )

        row, errors = await perform(info, work)
        return PartnerPayload(partner=PartnerType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Issue a new API key and revoke the others (it or its admin).")
    async def rotate_partner_key(
        self, info: Info[Context, None], input: PartnerIdInput
    ) -> PartnerKeyPayload:
        async def work(session):
            partner = await managed(info, session, input.partner_id)
            key = await registration.rotate_api_key(
                session, partner=partner, now=info.context.now()
            )
            return partner, key

        result, errors = await perform(info, work)
        if result is None:
            return PartnerKeyPayload(errors=errors)
        await info.context.state.principals.revoke([partner_marker(result[0].id or 0)])
        return PartnerKeyPayload(partner=PartnerType.from_row(result[0]), api_key=result[1])

    @strawberry.mutation(description="Revoke every API key of a partner (it or its admin).")
    async def revoke_partner_key(
        self, info: Info[Context, None], input: PartnerIdInput
    ) -> RevokePartnerKeyPayload:
        async def work(session):
            partner = await managed(info, session, input.partner_id)
            count = await registration.revoke_api_keys(
                session, partner=partner, now=info.context.now()
            )
            return partner, count

        result, errors = await perform(info, work)
        if result is None:
            return RevokePartnerKeyPayload(errors=errors)
        await info.context.state.principals.revoke([partner_marker(result[0].id or 0)])
        return RevokePartnerKeyPayload(partner=PartnerType.from_row(result[0]), revoked=result[1])

    @strawberry.mutation(
        description="A new webhook secret; the old one keeps signing for 24 hours."
    )
    async def rotate_webhook_secret(
        self, info: Info[Context, None], input: PartnerIdInput
    ) -> WebhookSecretPayload:
        async def work(session):
            partner = await managed(info, session, input.partner_id)
            secret = await registration.rotate_webhook_secret(
                session, partner=partner, now=info.context.now()
            )
            return partner, secret

        result, errors = await perform(info, work)
        if result is None:
            return WebhookSecretPayload(errors=errors)
        return WebhookSecretPayload(
            partner=PartnerType.from_row(result[0]), webhook_secret=result[1]
        )

    @strawberry.mutation(description="Send a delivered or DEAD event again, same webhook-id.")
    async def redeliver_event(
        self, info: Info[Context, None], input: RedeliverEventInput
    ) -> WebhookDeliveryPayload:
        async def work(session):
            partner = await managed(info, session, input.partner_id)
            return await redelivery.redeliver(
                session, partner=partner, event_id=input.event_id, now=info.context.now()
            )

        row, errors = await perform(info, work)
        return WebhookDeliveryPayload(
            delivery=WebhookDeliveryType.from_row(row) if row else None, errors=errors
        )
