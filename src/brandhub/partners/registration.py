"""Partners: registration, profile, API keys and webhook secrets, and who may manage them.

Any signed-in member may register a partner and becomes its admin (operators use the CLI,
which registers without an admin). Keys and secrets are managed by that admin member or by
the partner itself with its API key; anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member, PartnerApiKey
from brandhub.auth.service import create_partner_api_key
from brandhub.community.brands import check_slug, check_text
from brandhub.errors import AlreadyExists, Forbidden, InvalidInput, NotFound
from brandhub.partners.models import Partner, WebhookSecret
from brandhub.partners.webhook_signing import generate_secret
from brandhub.partners.webhook_urls import WebhookUrlError, check_webhook_url

SECRET_OVERLAP = timedelta(hours=24)
MAX_CATEGORIES = 20


def check_categories(categories: Sequence[str]) -> list[str]:
    """1–20 categories, each 1–60 characters, lowercased, without duplicates."""
    cleaned = list(
        dict.fromkeys(
            check_text(c, field="categories", label="A category", max_length=60).lower()
            for c in categories
        )
    )
    if not 1 <= len(cleaned) <= MAX_CATEGORIES:
        raise InvalidInput(f"Give 1 to {MAX_CATEGORIES} categories.", field=["categories"])
    return cleaned


async def check_url(url: str | None, *, allow_private: bool) -> str | None:
    """A webhook URL brandhub may call (or None for a pull-only partner)."""
    if url is None or not url.strip():
        return None
    try:
        await check_webhook_url(url.strip(), allow_private=allow_private)
    except WebhookUrlError as exc:
        raise InvalidInput(f"Webhook URL refused: {exc.message}.", field=["webhookUrl"]) from exc
    return url.strip()


async def register_partner(
    session: AsyncSession,
    *,
    admin: Member | None,
    slug: str,
    name: str,
    powered_by_label: str,
    categories: Sequence[str],
    webhook_url: str | None,
    allow_private: bool,
    now: datetime,
) -> tuple[Partner, str, str]:
    """Create a partner; return it with its API key and webhook secret (shown once)."""
    partner = Partner(
        slug=check_slug(slug),
        name=check_text(name, field="name", label="Name", max_length=120),
        powered_by_label=check_text(
            powered_by_label, field="poweredByLabel", label="poweredByLabel", max_length=120
        ),
        categories=check_categories(categories),
        webhook_url=await check_url(webhook_url, allow_private=allow_private),
        admin_id=admin.id if admin else None,
        created_at=now,
    )
    if await session.scalar(select(Partner.id).where(Partner.slug == slug)):
        raise AlreadyExists(f"The slug {slug!r} is taken.", field=["slug"])
    session.add(partner)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # a concurrent registration took the slug
        raise AlreadyExists(f"The slug {slug!r} is taken.", field=["slug"]) from exc
    assert partner.id is not None
    key = await create_partner_api_key(session, partner_id=partner.id, now=now)
    secret = generate_secret()
    session.add(WebhookSecret(partner_id=partner.id, secret=secret, created_at=now))
    await session.flush()
    return partner, key, secret


async def managed_partner(
    session: AsyncSession,
    *,
    partner_id: int | None,
    member: Member | None = None,
    caller: Partner | None = None,
    lock: bool = True,
) -> Partner:
    """The partner to manage, if the caller is that partner or its admin member; else refused."""
    if partner_id is None:
        if caller is None:
            raise InvalidInput("Say which partner (partnerId).", field=["partnerId"])
        partner_id = caller.id
    query = select(Partner).where(Partner.id == partner_id)
    partner = await session.scalar(query.with_for_update() if lock else query)
    if partner is None:
        raise NotFound("No such partner.", field=["partnerId"])
    if caller is not None and caller.id == partner.id:
        return partner
    if member is not None and member.id is not None and partner.admin_id == member.id:
        return partner
    raise Forbidden("Only the partner itself or its admin may manage this partner.")


async def rotate_api_key(session: AsyncSession, *, partner: Partner, now: datetime) -> str:
    """Issue a new API key and revoke every other one; the new key is returned once."""
    assert partner.id is not None
    await revoke_api_keys(session, partner=partner, now=now)
    return await create_partner_api_key(session, partner_id=partner.id, now=now)


async def revoke_api_keys(session: AsyncSession, *, partner: Partner, now: datetime) -> int:
    """Revoke every active API key of the partner; return how many."""
    result = await session.execute(
        update(PartnerApiKey)
        .where(PartnerApiKey.partner_id == partner.id, PartnerApiKey.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return result.rowcount or 0


async def rotate_webhook_secret(session: AsyncSession, *, partner: Partner, now: datetime) -> str:
    """A new signing secret; the current ones keep signing for 24 hours, then expire."""
    assert partner.id is not None
    await session.execute(
        update(WebhookSecret)
        .where(WebhookSecret.partner_id == partner.id, WebhookSecret.expires_at.is_(None))
        .values(expires_at=now + SECRET_OVERLAP)
    )
    secret = generate_secret()
    session.add(WebhookSecret(partner_id=partner.id, secret=secret, created_at=now))
    await session.flush()
    return secret


async def active_secrets(session: AsyncSession, *, partner_id: int, now: datetime) -> list[str]:
    """The secrets that sign a partner's webhooks now, newest first."""
    rows = await session.scalars(
        select(WebhookSecret.secret)
        .where(
            WebhookSecret.partner_id == partner_id,
            or_(WebhookSecret.expires_at.is_(None), WebhookSecret.expires_at > now),
        )
        .order_by(WebhookSecret.id.desc())
    )
    return list(rows)


async def update_partner(
    session: AsyncSession,
    *,
    partner: Partner,
    name: str | None,
    powered_by_label: str | None,
    categories: Sequence[str] | None,
    webhook_url: str | None,
    allow_private: bool,
) -> Partner:
    """Change a partner's profile; a new webhook URL is checked and re-enables delivery."""
    if name is not None:
        partner.name = check_text(name, field="name", label="Name", max_length=120)
    if powered_by_label is not None:
        partner.powered_by_label = check_text(
            powered_by_label, field="poweredByLabel", label="poweredByLabel", max_length=120
        )
    if categories is not None:
        partner.categories = check_categories(categories)
    if webhook_url is not None:
        partner.webhook_url = await check_url(webhook_url, allow_private=allow_private)
        partner.webhook_disabled_at = None
    await session.flush()
    return partner
