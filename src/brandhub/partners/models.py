"""Tables of the partners domain: partners, handoffs and their events, pledges, the outbox."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime


class HandoffStatus(StrEnum):
    RECEIVED = "RECEIVED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    QUOTED = "QUOTED"
    ACCEPTED = "ACCEPTED"
    IN_PRODUCTION = "IN_PRODUCTION"
    SHIPPED = "SHIPPED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"
    NOT_SELECTED = "NOT_SELECTED"


class PledgeStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CANCELLED = "CANCELLED"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    DEAD = "DEAD"


class AttemptStatus(StrEnum):
    """Where one delivery attempt stands; logged as SENDING before the request goes out."""

    SENDING = "SENDING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    # The dispatcher stopped before recording the answer: the receiver may have the event.
    INTERRUPTED = "INTERRUPTED"


class Partner(SQLModel, table=True):
    """A manufacturer that quotes for and produces winning proposals."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    powered_by_label: str = Field(max_length=120)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    webhook_url: str | None = Field(default=None, max_length=2048)
    admin_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    webhook_disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)


class WebhookSecret(SQLModel, table=True):
    """A partner's webhook signing secret; a rotated-out one keeps signing until it expires."""

    __tablename__ = "webhook_secret"

    id: int | None = Field(default=None, primary_key=True)
    partner_id: int = Field(foreign_key="partner.id", index=True, ondelete="CASCADE")
    secret: str = Field(max_length=120)
    created_at: datetime = Field(sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CampaignPartner(SQLModel, table=True):
    """A partner invited by a campaign to receive its winning spec."""

    __tablename__ = "campaign_partner"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", primary_key=True, index=True)
    position: int = Field(default=0)


class Handoff(SQLModel, table=True):
    """A winning spec, frozen, handed to one invited partner; carries its quote and demand."""

    __table_args__ = (UniqueConstraint("campaign_id", "partner_id", "proposal_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    brand_id: int = Field(foreign_key="brand.id", index=True)
    revision: int
    spec: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    spec_digest: str = Field(max_length=64)
    title: str = Field(max_length=200)
    summary: str = Field(default="", max_length=5000)
    label_mode: str = Field(max_length=8)
    co_branding: str = Field(max_length=300)
    result_summary: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    # The campaign's signed seal, as sent in the handoff.received webhook (null before 0007).
    seal: dict[str, Any] | None = Field(default=None, sa_column=Column(JSONType, nullable=True))
    status: str = Field(default=HandoffStatus.RECEIVED, max_length=16, index=True)
    last_sequence: int = Field(default=0)
    quote_currency: str | None = Field(default=None, max_length=3)
    quote_tiers: list[dict[str, Any]] | None = Field(
        default=None, sa_column=Column(JSONType, nullable=True)
    )
    quote_moq: int | None = Field(default=None)
    quote_lead_time_days: int | None = Field(default=None)
    quote_valid_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    quoted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    moq_reached_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class HandoffEvent(SQLModel, table=True):
    """One numbered event of a handoff: a transition (or the demand reaching the moq)."""

    __tablename__ = "handoff_event"
    __table_args__ = (UniqueConstraint("handoff_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", ondelete="CASCADE")
    sequence: int
    type: str = Field(max_length=40)
    status: str = Field(max_length=16)
    actor_type: str = Field(max_length=8)
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    actor_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    data: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    at: datetime = Field(sa_type=UTCDateTime)


class Pledge(SQLModel, table=True):
    """Units a member promises to buy of a proposal's product (payments are out of scope)."""

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    member_id: int = Field(foreign_key="member.id", index=True)
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    units: int
    status: str = Field(default=PledgeStatus.ACTIVE, max_length=12)
    created_at: datetime = Field(sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set by the partner once the product shipped and reached this buyer (``fulfilPledges``).
    fulfilled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PledgeTotal(SQLModel, table=True):
    """Active pledged units of a proposal, kept in the same transaction as each pledge."""

    __tablename__ = "pledge_total"

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    units: int = Field(default=0)
    pledges: int = Field(default=0)


class OutboxEvent(SQLModel, table=True):
    """A partner-facing event to deliver as a webhook; written with the change it reports."""

    __tablename__ = "outbox_event"
    __table_args__ = (Index("ix_outbox_event_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(max_length=40, unique=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    handoff_id: int | None = Field(default=None, foreign_key="handoff.id")
    sequence: int
    type: str = Field(max_length=40)
    body: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    status: str = Field(default=DeliveryStatus.PENDING, max_length=12)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_token: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookAttempt(SQLModel, table=True):
    """One try at delivering an outbox event: when, the answer, how long it took.

    Written (SENDING) in the transaction that claims the event, before the request goes out,
    so a dispatcher that dies mid-send never leaves a delivery unlogged.
    """

    __tablename__ = "webhook_attempt"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_event.id", index=True, ondelete="CASCADE")
    number: int
    at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default=AttemptStatus.SENDING, max_length=12)
    status_code: int | None = Field(default=None)
    latency_ms: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    success: bool = Field(default=False)


class MemberNotification(SQLModel, table=True):
    """A notice for a member (a brand owner told that a product reached its moq)."""

    __tablename__ = "member_notification"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True, ondelete="CASCADE")
    type: str = Field(max_length=40)
    body: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
