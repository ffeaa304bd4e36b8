"""Sign-up, sign-in, sign-out, bearer authentication and token hygiene."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.errors import InvalidCredentials
from brandhub.auth.models import Member, PartnerApiKey, SessionToken
from brandhub.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, Passwords
from brandhub.auth.throttle import Throttle
from brandhub.auth.tokens import PARTNER_KEY_PREFIX, SESSION_TOKEN_PREFIX, digest, new_secret
from brandhub.errors import AlreadyExists, InvalidInput
from brandhub.partners.models import Partner


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a member (with the session token used) or a partner (with its key)."""

    member: Member | None = None
    partner: Partner | None = None
    credential_id: int | None = None
    # When a member's session token expires (None for partner keys, which do not).
    expires_at: datetime | None = None


def normalise_email(email: str) -> tuple[str, str]:
    """Return the email as displayed and its case-insensitive key, or raise InvalidInput."""
    try:
        valid = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidInput(f"Not a valid email address: {exc}", field=["email"]) from exc
    return valid.normalized, valid.normalized.lower()


def check_password(password: str) -> None:
    """Refuse passwords that are too short or absurdly long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Password must be at least {MIN_PASSWORD_LENGTH} characters.", field=["password"]
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Password must be at most {MAX_PASSWORD_LENGTH} characters.", field=["password"]
        )


async def _issue_token(session: AsyncSession, member: Member, now: datetime, ttl: timedelta) -> str:
    token = new_secret(SESSION_TOKEN_PREFIX)
    session.add(
        SessionToken(
            member_id=member.id, token_hash=digest(token), created_at=now, expires_at=now + ttl
        )
    )
    await session.flush()
    return token


async def sign_up(
    session: AsyncSession,
    *,
    passwords: Passwords,
    email: str,
    password: str,
    display_name: str,
    now: datetime,
    ttl: timedelta,
) -> tuple[Member, str]:
    """Create an account and return it with a fresh session token."""
    shown, key = normalise_email(email)
    check_password(password)
    display_name = display_name.strip()
    if not 1 <= len(display_name) <= 80:
        raise InvalidInput("Display name must be 1 to 80 characters.", field=["displayName"])
    existing = await session.scalar(select(Member.id).where(Member.email_key == key))
    if existing is not None:
        raise AlreadyExists("An account with this email already exists.", field=["email"])
    member = Member(
        email=shown,
        email_key=key,
        display_name=display_name,
        password_hash=await passwords.hash(password),
        created_at=now,
    )
    session.add(member)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:  # a concurrent sign-up with the same email won the race
        raise AlreadyExists("An account with this email already exists.", field=["email"]) from exc
    return member, await _issue_token(session, member, now, ttl)


def email_key(email: str) -> str:
    """The case-insensitive key of an email as typed, valid or not (for throttling)."""
    try:
        return normalise_email(email)[1]
    except InvalidInput:
        return email.strip().lower()[:254]


async def sign_in(
    session: AsyncSession,
    *,
    passwords: Passwords,
    throttle: Throttle,
    client: str,
    email: str,
    password: str,
    now: datetime,
    ttl: timedelta,
) -> tuple[Member, str]:
    """Check the credentials and return the member with a fresh session token.

    Unknown email and wrong password fail alike, at the same cost, and count against this
    account from this client address (``client``) and against the address.
    """
    key = email_key(email)
    await throttle.check_sign_in(email_key=key, address=client)
    member = await session.scalar(select(Member).where(Member.email_key == key))
    ok = await passwords.verify(member.password_hash if member else None, password)
    if not ok or member is None:
        await throttle.sign_in_failed(email_key=key, address=client)
        raise InvalidCredentials()
    await throttle.signed_in(email_key=key, address=client)
    return member, await _issue_token(session, member, now, ttl)


async def sign_out(session: AsyncSession, *, token_id: int, now: datetime) -> None:
    """Revoke the session token that made this request."""
    await session.execute(
        update(SessionToken)
        .where(SessionToken.id == token_id, SessionToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def authenticate(
    session: AsyncSession, credential: str, *, now: datetime
) -> Principal | None:
    """Resolve a bearer credential to a member or a partner; None when unknown, expired or revoked."""
    hashed = digest(credential)
    if credential.startswith(PARTNER_KEY_PREFIX):
        row = (
            await session.execute(
                select(Partner, PartnerApiKey.id)
                .join(PartnerApiKey, PartnerApiKey.partner_id == Partner.id)
                .where(PartnerApiKey.key_hash == hashed, PartnerApiKey.revoked_at.is_(None))
            )
        ).first()
        return Principal(partner=row[0], credential_id=row[1]) if row else None
    row = (
        await session.execute(
            select(Member, SessionToken.id, SessionToken.expires_at)
            .join(SessionToken, SessionToken.member_id == Member.id)
            .where(
                SessionToken.token_hash == hashed,
                SessionToken.revoked_at.is_(None),
                SessionToken.expires_at > now,
            )
        )
    ).first()
    return Principal(member=row[0], credential_id=row[1], expires_at=row[2]) if row else None


async def create_partner_api_key(session: AsyncSession, *, partner_id: int, now: datetime) -> str:
    """Issue a new API key for a partner; the clear key is returned once and never stored."""
    key = new_secret(PARTNER_KEY_PREFIX)
    session.add(
        PartnerApiKey(partner_id=partner_id, key_hash=digest(key), prefix=key[:12], created_at=now)
    )
    await session.flush()
    return key


async def purge_expired_tokens(session: AsyncSession, *, now: datetime) -> int:
    """Delete expired or revoked session tokens; return how many were removed."""
    result = await session.execute(
        delete(SessionToken).where(
            or_(SessionToken.expires_at <= now, SessionToken.revoked_at.is_not(None))
        )
    )
    return result.rowcount or 0
