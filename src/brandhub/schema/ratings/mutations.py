"""Fulfilment and rating mutations: authenticate, one unit of work, call the service, map."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.ratings import fulfilment, service
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError
from brandhub.schema.partners.payloads import perform_live
from brandhub.schema.partners.types import HandoffType, PledgeType
from brandhub.schema.payloads import perform
from brandhub.schema.ratings.types import ProductRatingsType, RatingType, product_ratings
from brandhub.schema.relay import require_pk


@strawberry.input
class FulfilPledgesInput:
    handoff_id: strawberry.ID = strawberry.field(description="A SHIPPED handoff of the partner.")
    pledge_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The pledges delivered; or set all."
    )
    all: bool = strawberry.field(default=False, description="Every active pledge of the product.")


@strawberry.type
class FulfilPledgesPayload:
    handoff: HandoffType | None = None
    fulfilled: list[PledgeType] = strawberry.field(
        default_factory=list, description="The pledges this call fulfilled (not those before)."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class RateProductInput:
    proposal_id: strawberry.ID | None = strawberry.field(
        default=None, description="The shipped product, by its proposal (or give handoffId)."
    )
    handoff_id: strawberry.ID | None = None
    stars: int = strawberry.field(description="1 to 5.")
    review: str | None = strawberry.field(
        default=None, description="Optional plain text, at most 2,000 characters."
    )


@strawberry.type
class RatingPayload:
    rating: RatingType | None = None
    ratings: ProductRatingsType | None = strawberry.field(
        default=None, description="The product's ratings after this one."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RatingsMutation:
    @strawberry.mutation(
        description="Partner: mark pledges of a SHIPPED product fulfilled (their members may "
        "then rate it); pledgeIds, or all: true."
    )
    async def fulfil_pledges(
        self, info: Info[Context, None], input: FulfilPledgesInput
    ) -> FulfilPledgesPayload:
        async def work(session):
            pledge_ids = (
                [require_pk(pid, "Pledge", "pledgeIds") for pid in input.pledge_ids]
                if input.pledge_ids is not None
                else None
            )
            return await fulfilment.fulfil_pledges(
                session,
                partner=await info.context.partner(session),
                handoff_id=require_pk(input.handoff_id, "Handoff", "handoffId"),
                pledge_ids=pledge_ids,
                everyone=input.all,
                now=info.context.now(),
            )

        result, errors = await perform_live(info, work)
        if result is None:
            return FulfilPledgesPayload(errors=errors)
        handoff, fulfilled = result
        return FulfilPledgesPayload(
            handoff=HandoffType.from_row(handoff),
            fulfilled=[PledgeType.from_row(p) for p in fulfilled],
        )

    @strawberry.mutation(
        description="Verified buyer: rate a shipped product 1–5 with an optional review; "
        "rating it again edits the rating."
    )
    async def rate_product(
        self, info: Info[Context, None], input: RateProductInput
    ) -> RatingPayload:
        async def work(session):
            return await service.rate_product(
                session,
                member=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId")
                if input.proposal_id is not None
                else None,
                handoff_id=require_pk(input.handoff_id, "Handoff", "handoffId")
                if input.handoff_id is not None
                else None,
                stars=input.stars,
                review=input.review,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        if row is None:
            return RatingPayload(errors=errors)
        proposal = await info.context.loaders.proposal.load(row.proposal_id)
        return RatingPayload(
            rating=RatingType.from_row(row),
            ratings=await product_ratings(info, proposal, fresh=True),
        )
