"""GraphQL types of members and partners as callers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from brandhub.auth.models import Member as MemberRow
from brandhub.partners.models import Partner as PartnerRow
from brandhub.schema.context import Context
from brandhub.schema.relay import Connection, Node, NodeID, nodes_by_pk

if TYPE_CHECKING:
    from brandhub.schema.community.types import MembershipType
    from brandhub.schema.partners.enums import HandoffStatusEnum
    from brandhub.schema.partners.types import HandoffType
    from brandhub.schema.ratings.types import PartnerRatingType, ReputationType
    from brandhub.schema.royalties.types import RoyaltyStatementType


@strawberry.type(name="Member", description="A person with an account.")
class MemberType(Node):
    pk: NodeID[int]
    display_name: str
    created_at: datetime
    reputation: int
    _email: strawberry.Private[str]
    _is_self: strawberry.Private[bool] = False

    @strawberry.field(description="Only visible to the member themself.")
    async def email(self, info: Info[Context, None]) -> str | None:
        if self._is_self:
            return self._email
        principal = await info.context.principal() if info.context.credential else None
        if principal and principal.member and principal.member.id == self.pk:
            return self._email
        return None

    @strawberry.field(
        description="The brands the member joined, with their role; only for the member themself."
    )
    async def memberships(
        self, info: Info[Context, None]
    ) -> list[Annotated[MembershipType, strawberry.lazy("brandhub.schema.community.types")]]:
        from brandhub.schema.community.embedding import memberships_of

        return await memberships_of(info, self.pk, is_self=self._is_self)

    @strawberry.field(
        description="Reputation computed now from the outcomes of the member's work, with each "
        "component; reputation is the value REPUTATION-weighted votes read (kept up to date)."
    )
    async def reputation_breakdown(
        self, info: Info[Context, None]
    ) -> Annotated[ReputationType, strawberry.lazy("brandhub.schema.ratings.types")]:
        from brandhub.schema.ratings.types import member_reputation

        return await member_reputation(info, self.pk)

    @strawberry.field(
        description="Royalties owed to the member as an author, by booking date (both ends "
        "included); only for the member themself (FORBIDDEN otherwise)."
    )
    async def royalty_statement(
        self,
        info: Info[Context, None],
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
    ) -> Annotated[RoyaltyStatementType, strawberry.lazy("brandhub.schema.royalties.types")]:
        from brandhub.schema.royalties.views import member_statement

        return await member_statement(info, self.pk, start, end)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[MemberType | None]:
        """Members by id: any member is visible (their email only to themself)."""
        return await nodes_by_pk(node_ids, lambda pk: member_node(info, pk))

    @classmethod
    def from_row(cls, row: MemberRow, *, is_self: bool = False) -> MemberType:
        """Adapt a member row (``is_self`` when it is the caller's own account)."""
        assert row.id is not None
        return cls(
            pk=row.id,
            display_name=row.display_name,
            created_at=row.created_at,
            reputation=row.reputation,
            _email=row.email,
            _is_self=is_self,
        )


@strawberry.type(name="Partner", description="A manufacturer partner.")
class PartnerType(Node):
    pk: NodeID[int]
    slug: str
    name: str
    powered_by_label: str
    categories: list[str]
    row: strawberry.Private[PartnerRow]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[PartnerType | None]:
        """Partners by id: the directory is public (webhook settings are not)."""
        from brandhub.schema.partners.loaders import partner

        async def fetch(pk: int) -> PartnerType | None:
            row = await partner(info.context).load(pk)
            return PartnerType.from_row(row) if row else None

        return await nodes_by_pk(node_ids, fetch)

    @classmethod
    def from_row(cls, row: PartnerRow) -> PartnerType:
        """Adapt a partner row."""
        assert row.id is not None
        return cls(
            pk=row.id,
            slug=row.slug,
            name=row.name,
            powered_by_label=row.powered_by_label,
            categories=list(row.categories),
            row=row,
        )

    @strawberry.field(description="Buyers' ratings across the partner's shipped products.")
    async def rating(
        self, info: Info[Context, None]
    ) -> Annotated[PartnerRatingType, strawberry.lazy("brandhub.schema.ratings.types")]:
        from brandhub.schema.ratings.types import partner_rating

        return await partner_rating(info, self.pk)

    @strawberry.field(description="Only for the partner itself and its admin.")
    async def webhook_url(self, info: Info[Context, None]) -> str | None:
        from brandhub.schema.partners.views import manages

        return self.row.webhook_url if await manages(info, self.row) else None

    @strawberry.field(
        description="False once a 410 disabled the endpoint (partner and admin only)."
    )
    async def webhook_enabled(self, info: Info[Context, None]) -> bool | None:
        from brandhub.schema.partners.views import manages

        return self.row.webhook_disabled_at is None if await manages(info, self.row) else None

    @strawberry.field(description="The partner's handoffs, newest first (the partner itself only).")
    async def handoffs(
        self,
        info: Info[Context, None],
        status: Annotated[HandoffStatusEnum, strawberry.lazy("brandhub.schema.partners.enums")]
        | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Annotated[HandoffType, strawberry.lazy("brandhub.schema.partners.types")]]:
        from brandhub.schema.partners.views import partner_handoffs

        return await partner_handoffs(info, self.pk, status, first, after)


Viewer = Annotated[MemberType | PartnerType, strawberry.union("Viewer")]


async def member_node(info: Info[Context, None], pk: int) -> MemberType | None:
    """A member by id, through the request's loader."""
    row = await info.context.loaders.member.load(pk)
    return MemberType.from_row(row) if row else None
