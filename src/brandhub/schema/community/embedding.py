"""Brands as the web app needs them: the list of brands, the theme, the widget's embed origins."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.community import embedding, reads
from brandhub.schema.community.enums import LabelModeEnum
from brandhub.schema.community.mutations import BrandPayload
from brandhub.schema.community.types import BrandType, MembershipType, viewer_role
from brandhub.schema.context import Context
from brandhub.schema.errors import forbidden
from brandhub.schema.payloads import perform
from brandhub.schema.relay import Connection, connection, page, require_pk


@strawberry.input
class UpdateBrandInput:
    brand_id: strawberry.ID
    name: str | None = None
    tagline: str | None = None
    label_mode: LabelModeEnum | None = None  # type: ignore[valid-type]
    accent_color: str | None = strawberry.field(
        default=None, description='"#rrggbb"; an empty string clears it.'
    )
    logo_url: str | None = strawberry.field(
        default=None, description="An https URL; an empty string clears it."
    )


@strawberry.input
class SetEmbedOriginsInput:
    brand_id: strawberry.ID
    origins: list[str] = strawberry.field(
        description="scheme://host[:port] each: https, or http on localhost; replaces the list."
    )


async def embed_origins(info: Info[Context, None], brand_pk: int) -> list[str]:
    """``Brand.embedOrigins``, for the brand's owners."""
    role = await viewer_role(info, brand_pk)
    if role is None or role.value != "OWNER":
        raise forbidden("Only the brand's owners see where its widget may run.")
    async with info.context.db.read() as session:
        return await embedding.origins_of(session, brand_pk)


async def memberships_of(
    info: Info[Context, None], member_pk: int, *, is_self: bool
) -> list[MembershipType]:
    """``Member.memberships``: the member's own, empty for anyone else."""
    if not is_self:
        principal = await info.context.principal() if info.context.credential else None
        if principal is None or principal.member is None or principal.member.id != member_pk:
            return []
    async with info.context.db.read() as session:
        rows = await reads.memberships_of(session, member_pk)
    return [
        MembershipType(
            role=row.role, joined_at=row.joined_at, brand_id=row.brand_id, member_id=row.member_id
        )
        for row in rows
    ]


@strawberry.type
class BrandListQuery:
    @strawberry.field(description="Brands, the most members first.")
    async def brands(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[BrandType]:
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.brands(session, offset=p.offset, limit=p.limit)
        return connection(rows, p, BrandType.from_row)


@strawberry.type
class EmbeddingMutation:
    @strawberry.mutation(description="Change a brand's name, tagline, label and theme (owners).")
    async def update_brand(
        self, info: Info[Context, None], input: UpdateBrandInput
    ) -> BrandPayload:
        async def work(session):
            return await embedding.update_brand(
                session,
                actor=await info.context.member(session),
                brand_id=require_pk(input.brand_id, "Brand", "brandId"),
                name=input.name,
                tagline=input.tagline,
                label_mode=input.label_mode,
                accent_color=input.accent_color,
                logo_url=input.logo_url,
            )

        row, errors = await perform(info, work)
        return BrandPayload(brand=BrandType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Replace the origins where the brand's widget may run (owners only)."
    )
    async def set_embed_origins(
        self, info: Info[Context, None], input: SetEmbedOriginsInput
    ) -> BrandPayload:
        async def work(session):
            return await embedding.set_embed_origins(
                session,
                actor=await info.context.member(session),
                brand_id=require_pk(input.brand_id, "Brand", "brandId"),
                origins=input.origins,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        allowlist = info.context.state.embed_origins
        if row is not None and allowlist is not None:
            allowlist.invalidate()
        return BrandPayload(brand=BrandType.from_row(row) if row else None, errors=errors)
