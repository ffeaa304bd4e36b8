"""Payloads of the partner mutations, and the unit of work that also wakes subscriptions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from brandhub.auth.models import Member
from brandhub.errors import Unauthenticated
from brandhub.partners import live
from brandhub.partners.models import Partner
from brandhub.schema.auth.types import PartnerType
from brandhub.schema.context import Context
from brandhub.schema.errors import PublicError, UserError
from brandhub.schema.partners.types import HandoffType, PledgeType, WebhookDeliveryType
from brandhub.schema.payloads import perform

T = TypeVar("T")


async def perform_live(
    info: Info[Context, None], work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """``perform``, then announce the partners' new handoff events once it has committed."""

    async def run(session: AsyncSession) -> T:
        live.publish_after_commit(session, info.context.state.broadcast)
        return await work(session)

    return await perform(info, run)


async def caller(info: Info[Context, None]) -> tuple[Member | None, Partner | None]:
    """The calling member or partner, or ``Unauthenticated``."""
    try:
        principal = await info.context.principal()
    except PublicError as exc:
        raise Unauthenticated("The bearer token or API key is invalid or revoked.") from exc
    if principal is None:
        raise Unauthenticated("Sign in, or authenticate with the partner's API key.")
    return principal.member, principal.partner


@strawberry.type
class RegisterPartnerPayload:
    partner: PartnerType | None = None
    api_key: str | None = strawberry.field(default=None, description="Shown once: store it now.")
    webhook_secret: str | None = strawberry.field(
        default=None, description="whsec_…, shown once: verify webhooks with it."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerPayload:
    partner: PartnerType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerKeyPayload:
    partner: PartnerType | None = None
    api_key: str | None = strawberry.field(
        default=None, description="The new key, shown once; every older key is revoked."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokePartnerKeyPayload:
    partner: PartnerType | None = None
    revoked: int = strawberry.field(default=0, description="How many keys were revoked.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookSecretPayload:
    partner: PartnerType | None = None
    webhook_secret: str | None = strawberry.field(
        default=None, description="The new secret, shown once; the old one signs for 24 hours."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class HandoffPayload:
    handoff: HandoffType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PledgePayload:
    pledge: PledgeType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)
