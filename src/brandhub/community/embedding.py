"""A brand's look and where its widget may run: theme (accent colour, logo) and embed origins."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.brands import check_text, get_brand
from brandhub.community.models import Brand, EmbedOrigin, LabelMode, Role
from brandhub.community.permissions import require_role
from brandhub.errors import DomainError, InvalidInput, ManyErrors

MAX_ORIGINS = 20
ACCENT = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (where plain http is acceptable)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def normalise_origin(text: str, field: Sequence[str | int]) -> str:
    """``scheme://host[:port]`` in canonical form; https, or http on a loopback host only."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"{value!r} is not an origin.", field=field) from exc
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host or "://" not in value:
        raise InvalidInput(
            "An origin is a scheme and a host, e.g. https://blog.example.", field=field
        )
    if parts.username or parts.password or parts.path not in ("", "/"):
        raise InvalidInput(
            "An origin has no path, user or password: only scheme, host and port.", field=field
        )
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise InvalidInput("An origin has no query or fragment.", field=field)
    if scheme == "http" and not is_loopback(host):
        raise InvalidInput("Use https (plain http only for localhost).", field=field)
    shown = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        return f"{scheme}://{shown}:{port}"
    return f"{scheme}://{shown}"


def check_accent(value: str | None) -> str | None:
    """A ``#rrggbb`` colour (lowercased), or None to clear it."""
    if value is None or not value.strip():
        return None
    if not ACCENT.match(value.strip()):
        raise InvalidInput("Accent colour must look like #1a7f5a.", field=["accentColor"])
    return value.strip().lower()


def check_logo_url(value: str | None) -> str | None:
    """An absolute https URL (http on loopback) of at most 500 characters, or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and is_loopback(parts.hostname or "")
    )
    if not secure or not parts.hostname or len(value) > 500:
        raise InvalidInput(
            "Logo must be an https URL of at most 500 characters.", field=["logoUrl"]
        )
    return value


async def update_brand(
    session: AsyncSession,
    *,
    actor: Member,
    brand_id: int,
    name: str | None = None,
    tagline: str | None = None,
    label_mode: LabelMode | None = None,
    accent_color: str | None = None,
    logo_url: str | None = None,
    clear: Sequence[str] = (),
) -> Brand:
    """Change a brand's profile and theme (owners only); fields left None are kept."""
    assert actor.id is not None
    brand = await get_brand(session, brand_id, lock=True)
    await require_role(
        session, brand_id=brand_id, member_id=actor.id, roles=(Role.OWNER,), doing="edit it"
    )
    errors: list[DomainError] = []

    def attempt(check, *args):  # collect every problem at once, so the form shows them all
        try:
            return check(*args)
        except DomainError as error:
            errors.append(error)
            return None

    if name is not None:
        checked = attempt(lambda v: check_text(v, field="name", label="Name", max_length=120), name)
        brand.name = checked or brand.name
    if tagline is not None:
        checked = attempt(
            lambda v: check_text(
                v, field="tagline", label="Tagline", max_length=280, required=False
            ),
            tagline,
        )
        brand.tagline = checked if checked is not None else brand.tagline
    if label_mode is not None:
        brand.label_mode = LabelMode(label_mode)
    if accent_color is not None or "accentColor" in clear:
        brand.accent_color = attempt(check_accent, accent_color)
    if logo_url is not None or "logoUrl" in clear:
        brand.logo_url = attempt(check_logo_url, logo_url)
    if errors:
        raise errors[0] if len(errors) == 1 else ManyErrors(errors)
    await session.flush()
    return brand


async def origins_of(session: AsyncSession, brand_id: int) -> list[str]:
    """A brand's embed origins, in the order they were registered."""
    rows = await session.scalars(
        select(EmbedOrigin.origin).where(EmbedOrigin.brand_id == brand_id).order_by(EmbedOrigin.id)
    )
    return list(rows)


async def every_origin(session: AsyncSession) -> set[str]:
    """Every origin some brand registered: the API's cross-origin allowlist."""
    return set(await session.scalars(select(EmbedOrigin.origin).distinct()))


async def set_embed_origins(
    session: AsyncSession, *, actor: Member, brand_id: int, origins: Sequence[str], now: datetime
) -> Brand:
    """Replace the brand's embed origins (owners only); every bad entry is reported by index."""
    assert actor.id is not None
    brand = await get_brand(session, brand_id, lock=True)
    await require_role(
        session,
        brand_id=brand_id,
        member_id=actor.id,
        roles=(Role.OWNER,),
        doing="choose where its widget runs",
    )
    if len(origins) > MAX_ORIGINS:
        raise InvalidInput(f"At most {MAX_ORIGINS} origins per brand.", field=["origins"])
    errors: list[DomainError] = []
    wanted: list[str] = []
    for index, text in enumerate(origins):
        try:
            origin = normalise_origin(text, ["origins", index])
        except DomainError as error:
            errors.append(error)
            continue
        if origin not in wanted:
            wanted.append(origin)
    if errors:
        raise errors[0] if len(errors) == 1 else ManyErrors(errors)
    current = await origins_of(session, brand_id)
    gone = [o for o in current if o not in wanted]
    if gone:
        await session.execute(
            delete(EmbedOrigin).where(
                EmbedOrigin.brand_id == brand_id, EmbedOrigin.origin.in_(gone)
            )
        )
    for origin in wanted:
        if origin not in current:
            session.add(EmbedOrigin(brand_id=brand_id, origin=origin, created_at=now))
    await session.flush()
    return brand
