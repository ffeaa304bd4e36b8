"""GraphQL types of handoffs, quotes, demand, events, pledges and webhook deliveries."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from brandhub.community import units
from brandhub.partners import handoffs, pledges, quotes, reads
from brandhub.partners.models import (
    Handoff,
    HandoffEvent,
    OutboxEvent,
    Pledge,
    WebhookAttempt,
)
from brandhub.schema.auth.types import MemberType, PartnerType
from brandhub.schema.community.enums import LabelModeEnum
from brandhub.schema.community.types import (
    BrandType,
    CampaignType,
    ProposalType,
    load_member,
    visible_proposal,
)
from brandhub.schema.context import Context
from brandhub.schema.partners import loaders
from brandhub.schema.partners.enums import (
    ActorTypeEnum,
    AttemptStatusEnum,
    DeliveryStatusEnum,
    HandoffStatusEnum,
    PledgeStatusEnum,
)
from brandhub.schema.relay import Connection, Node, NodeID, connection, nodes_by_pk, page
from brandhub.schema.royalties.types import RoyaltyRulesType, SalesReportType
from brandhub.schema.voting.types import SignedSealType


@strawberry.type(
    name="PriceTier", description="From minUnits pledged in total, each unit costs unitPrice."
)
class PriceTierType:
    min_units: int
    unit_price: Decimal


def _tier(tier: quotes.Tier | None) -> PriceTierType | None:
    return PriceTierType(min_units=tier.min_units, unit_price=tier.unit_price) if tier else None


@strawberry.type(name="Quote", description="A partner's offer: currency, price tiers, terms.")
class QuoteType:
    currency: str = strawberry.field(description="ISO 4217 code.")
    tiers: list[PriceTierType]
    moq: int = strawberry.field(description="Minimum order quantity.")
    lead_time_days: int
    valid_until: datetime
    submitted_at: datetime


@strawberry.type(name="Demand", description="Units pledged, priced by the handoff's quote.")
class DemandType:
    pledged_units: int
    currency: str | None
    unit_price: Decimal | None = strawberry.field(
        description="The price per unit for the units pledged so far (the first tier's below it)."
    )
    next_tier: PriceTierType | None = strawberry.field(
        description="The next price drop; null at the cheapest tier or without a quote."
    )
    moq: int | None
    moq_reached: bool = strawberry.field(
        description="True once the accepted quote's moq was reached: pledges are then locked."
    )


@strawberry.type(name="HandoffActor", description="Who caused a handoff event.")
class HandoffActorType:
    type: ActorTypeEnum  # type: ignore[valid-type]
    member_id: strawberry.Private[int | None]
    partner_id: strawberry.Private[int | None]

    @strawberry.field(description="The brand owner, for OWNER events.")
    async def member(self, info: Info[Context, None]) -> MemberType | None:
        return await load_member(info, self.member_id) if self.member_id else None

    @strawberry.field(description="The partner, for PARTNER events.")
    async def partner(self, info: Info[Context, None]) -> PartnerType | None:
        if self.partner_id is None:
            return None
        row = await loaders.partner(info.context).load(self.partner_id)
        return PartnerType.from_row(row) if row else None


@strawberry.type(name="HandoffEvent", description="One numbered step of a handoff.")
class HandoffEventType:
    sequence: int = strawberry.field(description="1, 2, 3… per handoff: order and dedupe by it.")
    type: str = strawberry.field(description="e.g. handoff.quoted, as in the webhook.")
    status: HandoffStatusEnum  # type: ignore[valid-type]
    actor: HandoffActorType
    at: datetime
    data: JSON
    handoff_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: HandoffEvent) -> HandoffEventType:
        return cls(
            sequence=row.sequence,
            type=row.type,
            status=row.status,
            actor=HandoffActorType(
                type=row.actor_type,
                member_id=row.actor_member_id,
                partner_id=row.actor_partner_id,
            ),
            at=row.at,
            data=row.data,
            handoff_pk=row.handoff_id,
        )

    @strawberry.field
    async def handoff(self, info: Info[Context, None]) -> HandoffType | None:
        return await visible_handoff(info, self.handoff_pk)


@strawberry.type(name="Handoff", description="A winning spec, frozen, handed to a partner.")
class HandoffType(Node):
    pk: NodeID[int]
    status: HandoffStatusEnum  # type: ignore[valid-type]
    title: str
    summary: str
    spec: JSON = strawberry.field(description="The frozen spec of the winning revision.")
    spec_digest: str = strawberry.field(
        description="SHA-256 (hex) of the RFC 8785 canonical JSON of spec: recompute to check."
    )
    revision: int = strawberry.field(description="The proposal revision that was frozen.")
    label_mode: LabelModeEnum  # type: ignore[valid-type]
    co_branding: str = strawberry.field(
        description='GREY: "<Brand> — Powered by <partner>"; WHITE: "<Brand>".'
    )
    result_summary: JSON
    seal: SignedSealType | None = strawberry.field(
        description="The campaign's signed seal, as sent in the handoff.received webhook: keep "
        "it; any later audit file must match it (`brandhub verify FILE --seal SEAL.json`)."
    )
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[Handoff]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[HandoffType | None]:
        """Handoffs by id, as ``handoff(id:)`` shows them."""
        return await nodes_by_pk(node_ids, lambda pk: visible_handoff(info, pk))

    @classmethod
    def from_row(cls, row: Handoff) -> HandoffType:
        assert row.id is not None
        return cls(
            pk=row.id,
            status=row.status,
            title=row.title,
            summary=row.summary,
            spec=row.spec,
            spec_digest=row.spec_digest,
            revision=row.revision,
            label_mode=row.label_mode,
            co_branding=row.co_branding,
            result_summary=row.result_summary,
            seal=SignedSealType.of(row.seal) if row.seal else None,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(
        description=(
            "The spec with every recipe quantity in g or ml (count units such as clove or can"
            " as written), each beside its originalQuantity and originalUnit; null when"
            " nothing is measured. A view for the partner: specDigest covers spec only."
        )
    )
    def metric_spec(self) -> JSON | None:
        return units.metric_spec(self.row.spec)

    @strawberry.field
    async def brand(self, info: Info[Context, None]) -> BrandType:
        return BrandType.from_row(await info.context.loaders.brand.load(self.row.brand_id))

    @strawberry.field
    async def campaign(self, info: Info[Context, None]) -> CampaignType:
        return CampaignType.from_row(await info.context.loaders.campaign.load(self.row.campaign_id))

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> ProposalType | None:
        return await visible_proposal(info, self.row.proposal_id)

    @strawberry.field
    async def partner(self, info: Info[Context, None]) -> PartnerType:
        return PartnerType.from_row(await loaders.partner(info.context).load(self.row.partner_id))

    @strawberry.field(description="The partner's current quote, once it has quoted.")
    def quote(self) -> QuoteType | None:
        row = self.row
        if not row.quote_tiers or row.quoted_at is None:
            return None
        assert row.quote_currency and row.quote_moq and row.quote_lead_time_days
        assert row.quote_valid_until is not None
        return QuoteType(
            currency=row.quote_currency,
            tiers=[_tier(t) for t in quotes.tiers_from_json(row.quote_tiers)],  # type: ignore[misc]
            moq=row.quote_moq,
            lead_time_days=row.quote_lead_time_days,
            valid_until=row.quote_valid_until,
            submitted_at=row.quoted_at,
        )

    @strawberry.field
    async def demand(self, info: Info[Context, None]) -> DemandType:
        pledged = await loaders.pledged_units(info.context).load(self.row.proposal_id)
        d = pledges.demand_of(self.row, pledged)
        return DemandType(
            pledged_units=d.pledged_units,
            currency=d.currency,
            unit_price=d.unit_price,
            next_tier=_tier(d.next_tier),
            moq=d.moq,
            moq_reached=d.moq_reached,
        )

    @strawberry.field(
        description="The product's active pledges, oldest first, to fulfil once it has shipped "
        "(the buyers stay anonymous)."
    )
    async def pledges(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[PledgeType]:
        from brandhub.ratings.reads import active_pledges

        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await active_pledges(
                session, self.row.proposal_id, offset=p.offset, limit=p.limit
            )
        return connection(rows, p, PledgeType.from_row)

    @strawberry.field(description="The campaign's royalty rules, frozen with this handoff.")
    async def royalty_rules(self, info: Info[Context, None]) -> RoyaltyRulesType | None:
        from brandhub.schema.royalties.views import handoff_rules

        return await handoff_rules(info, self.pk)

    @strawberry.field(description="Sales the partner reported, oldest first.")
    async def sales_reports(self, info: Info[Context, None]) -> list[SalesReportType]:
        from brandhub.schema.royalties.views import handoff_reports

        return await handoff_reports(info, self.pk)

    @strawberry.field(description="Every event, in sequence order.")
    async def events(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[HandoffEventType]:
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.events(session, self.pk, offset=p.offset, limit=p.limit)
        return connection(rows, p, HandoffEventType.from_row)


@strawberry.type(name="Pledge", description="Units a member promised to buy.")
class PledgeType(Node):
    pk: NodeID[int]
    units: int
    status: PledgeStatusEnum  # type: ignore[valid-type]
    created_at: datetime
    cancelled_at: datetime | None
    fulfilled_at: datetime | None = strawberry.field(
        description="When the partner marked it delivered (the member may then rate)."
    )
    proposal_pk: strawberry.Private[int]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[PledgeType | None]:
        """Pledges by id: each for the member who made it only (as the pledge payload)."""
        return await nodes_by_pk(node_ids, lambda pk: visible_pledge(info, pk))

    @classmethod
    def from_row(cls, row: Pledge) -> PledgeType:
        assert row.id is not None
        return cls(
            pk=row.id,
            units=row.units,
            status=row.status,
            created_at=row.created_at,
            cancelled_at=row.cancelled_at,
            fulfilled_at=row.fulfilled_at,
            proposal_pk=row.proposal_id,
        )

    @strawberry.field
    async def proposal(self, info: Info[Context, None]) -> ProposalType | None:
        return await visible_proposal(info, self.proposal_pk)

    @strawberry.field(description="Units pledged on the proposal by everyone, now.")
    async def total_units(self, info: Info[Context, None]) -> int:
        return await loaders.pledged_units(info.context).load(self.proposal_pk)


@strawberry.type(name="WebhookAttempt", description="One try at delivering a webhook.")
class WebhookAttemptType:
    number: int
    at: datetime
    status: AttemptStatusEnum  # type: ignore[valid-type]
    status_code: int | None
    latency_ms: int | None
    error: str | None
    success: bool

    @classmethod
    def from_row(cls, row: WebhookAttempt) -> WebhookAttemptType:
        return cls(
            number=row.number,
            at=row.at,
            status=row.status,
            status_code=row.status_code,
            latency_ms=row.latency_ms,
            error=row.error,
            success=row.success,
        )


@strawberry.type(name="WebhookDelivery", description="A webhook event and its delivery attempts.")
class WebhookDeliveryType:
    event_id: str = strawberry.field(description="The webhook-id header of every attempt.")
    type: str
    sequence: int
    status: DeliveryStatusEnum  # type: ignore[valid-type]
    payload: JSON
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    row_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: OutboxEvent) -> WebhookDeliveryType:
        assert row.id is not None
        return cls(
            event_id=row.event_id,
            type=row.type,
            sequence=row.sequence,
            status=row.status,
            payload=row.body,
            next_attempt_at=row.next_attempt_at if row.status == "PENDING" else None,
            created_at=row.created_at,
            delivered_at=row.delivered_at,
            row_id=row.id,
        )

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempts(self, info: Info[Context, None]) -> list[WebhookAttemptType]:
        rows = await loaders.attempts(info.context).load(self.row_id)
        return [WebhookAttemptType.from_row(r) for r in rows]


async def viewer_ids(info: Info[Context, None]) -> tuple[int | None, int | None]:
    """(member id, partner id) of the caller; both None when anonymous."""
    principal = await info.context.principal()
    if principal is None:
        return None, None
    return (
        principal.member.id if principal.member else None,
        principal.partner.id if principal.partner else None,
    )


async def visible_handoff(info: Info[Context, None], pk: int) -> HandoffType | None:
    """A handoff if the caller is its partner or an owner of its brand; null otherwise."""
    member_id, partner_id = await viewer_ids(info)
    if member_id is None and partner_id is None:
        return None
    async with info.context.db.read() as session:
        row = await session.get(Handoff, pk)
        if row is None or not await handoffs.can_see(
            session, handoff=row, member_id=member_id, partner_id=partner_id
        ):
            return None
    return HandoffType.from_row(row)


async def visible_pledge(info: Info[Context, None], pk: int) -> PledgeType | None:
    """A pledge if the caller is the member who made it; null otherwise."""
    member_id, _ = await viewer_ids(info)
    if member_id is None:
        return None
    row = await loaders.pledge(info.context).load(pk)
    return PledgeType.from_row(row) if row and row.member_id == member_id else None
