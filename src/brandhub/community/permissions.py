"""Who may do what in a brand: every service checks here, the schema only maps the refusal."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.community.models import Membership, Role
from brandhub.errors import Forbidden

MODERATORS = (Role.OWNER, Role.MODERATOR)


async def role_in(session: AsyncSession, *, brand_id: int, member_id: int) -> Role | None:
    """The member's role in the brand, or None when not a member."""
    role = await session.scalar(
        select(Membership.role).where(
            Membership.brand_id == brand_id, Membership.member_id == member_id
        )
    )
    return Role(role) if role else None


async def require_role(
    session: AsyncSession, *, brand_id: int, member_id: int, roles: tuple[Role, ...], doing: str
) -> Role:
    """The member's role, or ``Forbidden`` when it is not one of ``roles``."""
    role = await role_in(session, brand_id=brand_id, member_id=member_id)
    if role not in roles:
        needed = " or ".join(r.value.lower() for r in roles)
        raise Forbidden(f"Only a brand {needed} may {doing}.")
    return role


async def require_member(
    session: AsyncSession, *, brand_id: int, member_id: int, doing: str
) -> Role:
    """Any role in the brand, or ``Forbidden``."""
    return await require_role(
        session, brand_id=brand_id, member_id=member_id, roles=tuple(Role), doing=doing
    )
