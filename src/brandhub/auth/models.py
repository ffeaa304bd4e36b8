"""Tables of the auth domain."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from brandhub.columns import UTCDateTime


class Member(SQLModel, table=True):
    """A person with an account."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    email_key: str = Field(max_length=254, unique=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    reputation: int = Field(default=0)
    created_at: datetime = Field(sa_type=UTCDateTime)


class SessionToken(SQLModel, table=True):
    """A member's bearer token; only its SHA-256 is stored."""

    __tablename__ = "session_token"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PartnerApiKey(SQLModel, table=True):
    """A manufacturer partner's API key; only its SHA-256 is stored."""

    __tablename__ = "partner_api_key"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
