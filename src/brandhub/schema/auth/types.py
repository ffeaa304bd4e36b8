"""GraphQL types of members and partners as callers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from brandhub.auth.models import Member as MemberRow
from brandhub.partners.models import Partner as PartnerRow
from brandhub.schema.context import Context
from brandhub.schema.relay import Node, node_resolver


@strawberry.type(name="Member", description="A person with an account.")
class MemberType(Node):
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
    slug: str
    name: str
    powered_by_label: str
    categories: list[str]

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
        )


Viewer = Annotated[MemberType | PartnerType, strawberry.union("Viewer")]


@node_resolver("Member")
async def resolve_member(info: Info[Context, None], pk: int) -> MemberType | None:
    row = await info.context.loaders.member.load(pk)
    return MemberType.from_row(row) if row else None
