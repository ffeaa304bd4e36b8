"""Inputs of the partner mutations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from brandhub.schema.partners.enums import ProductionStatus


@strawberry.input
class RegisterPartnerInput:
    slug: str
    name: str
    powered_by_label: str = strawberry.field(description='Shown as "Powered by <label>".')
    categories: list[str]
    webhook_url: str | None = strawberry.field(
        default=None, description="https URL for Standard Webhooks; null for a pull-only partner."
    )


@strawberry.input
class UpdatePartnerInput:
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the calling partner (API key)."
    )
    name: str | None = None
    powered_by_label: str | None = None
    categories: list[str] | None = None
    webhook_url: str | None = strawberry.field(
        default=None, description="A new URL also re-enables a disabled (410) endpoint."
    )


@strawberry.input
class PartnerIdInput:
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the calling partner (API key)."
    )


@strawberry.input
class HandoffIdInput:
    handoff_id: strawberry.ID


@strawberry.input
class PriceTierInput:
    min_units: int
    unit_price: Decimal = strawberry.field(description='A decimal string, e.g. "9.50".')


@strawberry.input
class SubmitQuoteInput:
    handoff_id: strawberry.ID
    currency: str = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    tiers: list[PriceTierInput] = strawberry.field(
        description="minUnits strictly increasing, unitPrice strictly falling."
    )
    moq: int
    lead_time_days: int
    valid_until: datetime


@strawberry.input
class DeclineHandoffInput:
    handoff_id: strawberry.ID
    reason: str = ""


@strawberry.input
class UpdateProductionStatusInput:
    handoff_id: strawberry.ID
    status: ProductionStatus
    note: str = ""


@strawberry.input
class CancelHandoffInput:
    handoff_id: strawberry.ID
    reason: str = ""


@strawberry.input
class PledgeInput:
    proposal_id: strawberry.ID = strawberry.field(
        description="A proposal in VOTING, or the winner once a partner's quote is accepted."
    )
    units: int


@strawberry.input
class CancelPledgeInput:
    pledge_id: strawberry.ID


@strawberry.input
class RedeliverEventInput:
    event_id: str = strawberry.field(description="The webhook-id of the event.")
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to the calling partner (API key)."
    )
