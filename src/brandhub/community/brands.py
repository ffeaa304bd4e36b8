"""Brands and memberships."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.models import Brand, LabelMode, Membership, Role
from brandhub.community.permissions import require_role
from brandhub.errors import AlreadyExists, InvalidInput, NotFound

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$")


def check_slug(slug: str, field: str = "slug") -> str:
    """A slug: 3–40 lowercase letters, digits and hyphens, not starting or ending with one."""
    if not SLUG.match(slug):
        raise InvalidInput(
            "Slug must be 3–40 lowercase letters, digits or hyphens, "
            "starting and ending with a letter or digit.",
            field=[field],
        )
    return slug


def check_text(
    value: str, *, field: str, label: str, max_length: int, required: bool = True
) -> str:
    """Trim a text input and check its length."""
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{label} must not be empty.", field=[field])
    if len(value) > max_length:
        raise InvalidInput(f"{label} must be at most {max_length} characters.", field=[field])
    return value


async def create_brand(
    session: AsyncSession,
    *,
    owner: Member,
    slug: str,
    name: str,
    tagline: str,
    label_mode: LabelMode,
    now: datetime,
) -> Brand:
    """Create a brand; its creator becomes its first owner."""
    assert owner.id is not None
    brand = Brand(
        slug=check_slug(slug),
        name=check_text(name, field="name", label="Name", max_length=120),
        tagline=check_text(
            tagline, field="tagline", label="Tagline", max_length=280, required=False
        ),
        label_mode=LabelMode(label_mode),
        owner_id=owner.id,
        member_count=1,
        created_at=now,
    )
    if await session.scalar(select(Brand.id).where(Brand.slug == slug)):
        raise AlreadyExists(f"The slug {slug!r} is taken.", field=["slug"])
    try:
        async with session.begin_nested():
            session.add(brand)
            await session.flush()
    except IntegrityError as exc:
        raise AlreadyExists(f"The slug {slug!r} is taken.", field=["slug"]) from exc
    assert brand.id is not None
    session.add(Membership(brand_id=brand.id, member_id=owner.id, role=Role.OWNER, joined_at=now))
    await session.flush()
    return brand


async def get_brand(session: AsyncSession, brand_id: int, *, lock: bool = False) -> Brand:
    """A brand by id, or ``NotFound``."""
    query = select(Brand).where(Brand.id == brand_id)
    brand = await session.scalar(query.with_for_update() if lock else query)
    if brand is None:
        raise NotFound("No such brand.", field=["brandId"])
    return brand


async def join_brand(
    session: AsyncSession, *, member: Member, brand_id: int, now: datetime
) -> Membership:
    """Join a brand as a member; joining twice returns the existing membership."""
    assert member.id is not None
    await get_brand(session, brand_id)
    existing = await session.scalar(
        select(Membership).where(Membership.brand_id == brand_id, Membership.member_id == member.id)
    )
    if existing is not None:
        return existing
    membership = Membership(brand_id=brand_id, member_id=member.id, role=Role.MEMBER, joined_at=now)
    try:
        async with session.begin_nested():
            session.add(membership)
            await session.flush()
    except IntegrityError:  # joined concurrently by another request of the same member
        return await session.scalar(
            select(Membership).where(
                Membership.brand_id == brand_id, Membership.member_id == member.id
            )
        )
    await session.execute(
        update(Brand).where(Brand.id == brand_id).values(member_count=Brand.member_count + 1)
    )
    return membership


async def set_member_role(
    session: AsyncSession, *, actor: Member, brand_id: int, member_id: int, role: Role
) -> Membership:
    """Change a member's role (owners only); the last owner cannot be demoted."""
    assert actor.id is not None
    # Lock the brand so two owners demoting each other cannot both succeed.
    await get_brand(session, brand_id, lock=True)
    await require_role(
        session, brand_id=brand_id, member_id=actor.id, roles=(Role.OWNER,), doing="change roles"
    )
    membership = await session.scalar(
        select(Membership).where(Membership.brand_id == brand_id, Membership.member_id == member_id)
    )
    if membership is None:
        raise NotFound("That member has not joined this brand.", field=["memberId"])
    if membership.role == Role.OWNER and role != Role.OWNER:
        owners = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.brand_id == brand_id, Membership.role == Role.OWNER)
        )
        if owners <= 1:
            raise InvalidInput("A brand needs at least one owner.", field=["role"])
    membership.role = Role(role)
    await session.flush()
    return membership
