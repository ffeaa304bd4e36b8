"""Who am I."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.schema.auth.types import MemberType, PartnerType, Viewer
from brandhub.schema.context import Context


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The caller: a member (session token) or a partner (API key).")
    async def viewer(self, info: Info[Context, None]) -> Viewer | None:
        principal = await info.context.principal()
        if principal is None:
            return None
        if principal.member is not None:
            return MemberType.from_row(principal.member, is_self=True)
        assert principal.partner is not None
        return PartnerType.from_row(principal.partner)
