"""Community queries: brand by slug, campaign and proposal by id."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.community import reads
from brandhub.schema.community.types import (
    BrandType,
    CampaignType,
    ProposalType,
    visible_campaign,
    visible_proposal,
)
from brandhub.schema.context import Context
from brandhub.schema.relay import decode_id


@strawberry.type
class CommunityQuery:
    @strawberry.field(description="A brand by its slug.")
    async def brand(self, info: Info[Context, None], slug: str) -> BrandType | None:
        async with info.context.db.read() as session:
            row = await reads.brand_by_slug(session, slug)
        return BrandType.from_row(row) if row else None

    @strawberry.field(description="A campaign by id (drafts only for the brand's moderators).")
    async def campaign(self, info: Info[Context, None], id: strawberry.ID) -> CampaignType | None:
        pk = decode_id(id, "Campaign")
        return await visible_campaign(info, pk) if pk is not None else None

    @strawberry.field(description="A proposal by id (hidden ones only for moderators).")
    async def proposal(self, info: Info[Context, None], id: strawberry.ID) -> ProposalType | None:
        pk = decode_id(id, "Proposal")
        return await visible_proposal(info, pk) if pk is not None else None
