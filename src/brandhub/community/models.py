"""Tables of the community domain: brands, memberships, campaigns, proposals, comments."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime


class LabelMode(StrEnum):
    WHITE = "WHITE"
    GREY = "GREY"


class Role(StrEnum):
    OWNER = "OWNER"
    MODERATOR = "MODERATOR"
    MEMBER = "MEMBER"


class Phase(StrEnum):
    DRAFT = "DRAFT"
    SUBMISSIONS = "SUBMISSIONS"
    VOTING = "VOTING"
    CLOSED = "CLOSED"


class ProposalStatus(StrEnum):
    ACTIVE = "ACTIVE"
    HIDDEN = "HIDDEN"
    WITHDRAWN = "WITHDRAWN"
    SHORTLISTED = "SHORTLISTED"
    WINNER = "WINNER"


class Brand(SQLModel, table=True):
    """A host brand: a blogger's or influencer's social brand, or a community."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    tagline: str = Field(default="", max_length=280)
    label_mode: str = Field(default=LabelMode.GREY, max_length=8)
    owner_id: int = Field(foreign_key="member.id", index=True)
    member_count: int = Field(default=0)
    created_at: datetime = Field(sa_type=UTCDateTime)
    accent_color: str | None = Field(default=None, max_length=7)
    logo_url: str | None = Field(default=None, max_length=500)


class EmbedOrigin(SQLModel, table=True):
    """A web origin (scheme, host, port) where the brand's owner lets its widget run."""

    __tablename__ = "brand_embed_origin"
    __table_args__ = (UniqueConstraint("brand_id", "origin"),)

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", ondelete="CASCADE")
    origin: str = Field(max_length=300, index=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    """A member's role in a brand."""

    __table_args__ = (UniqueConstraint("brand_id", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=12)
    joined_at: datetime = Field(sa_type=UTCDateTime)


class Campaign(SQLModel, table=True):
    """A round of proposals and votes, run by a brand."""

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    created_by_id: int = Field(foreign_key="member.id")
    title: str = Field(max_length=200)
    brief: str = Field(default="", max_length=10000)
    category: str = Field(max_length=60)
    spec_template: str = Field(max_length=40)
    spec_schema: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    method: str = Field(max_length=12)
    weighting: str = Field(max_length=12)
    votes_per_member: int | None = Field(default=None)
    credits_per_member: int | None = Field(default=None)
    quorum: int = Field(default=0)
    support_threshold: float | None = Field(default=None)
    min_account_age_hours: int = Field(default=0)
    max_voter_share: float | None = Field(default=None)
    score_prior_strength: float = Field(default=5.0)
    phase: str = Field(default=Phase.DRAFT, max_length=12, index=True)
    submissions_close_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    voting_closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    phase_changed_at: datetime = Field(sa_type=UTCDateTime)


class Proposal(SQLModel, table=True):
    """A product idea in a campaign; its spec is the latest revision's."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="member.id", index=True)
    forked_from_id: int | None = Field(default=None, foreign_key="proposal.id")
    credit_ids: list[int] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=5000)
    spec: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    spec_digest: str = Field(max_length=64)
    revision: int = Field(default=1)
    status: str = Field(default=ProposalStatus.ACTIVE, max_length=12)
    status_before_hidden: str | None = Field(default=None, max_length=12)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class Revision(SQLModel, table=True):
    """One numbered version of a proposal's spec."""

    __tablename__ = "proposal_revision"
    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE")
    number: int
    author_id: int = Field(foreign_key="member.id")
    spec: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    spec_digest: str = Field(max_length=64)
    note: str = Field(default="", max_length=1000)
    at: datetime = Field(sa_type=UTCDateTime)


class Comment(SQLModel, table=True):
    """Plain text on a proposal; stored as given, never rendered as HTML by the API."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="member.id")
    body: str = Field(max_length=5000)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ModerationAction(SQLModel, table=True):
    """A moderator hid or restored a proposal or a comment, with a reason."""

    __tablename__ = "moderation_action"

    id: int | None = Field(default=None, primary_key=True)
    brand_id: int = Field(foreign_key="brand.id", index=True, ondelete="CASCADE")
    moderator_id: int = Field(foreign_key="member.id")
    target_type: str = Field(max_length=12)
    target_id: int
    action: str = Field(max_length=8)
    reason: str = Field(max_length=1000)
    at: datetime = Field(sa_type=UTCDateTime)
