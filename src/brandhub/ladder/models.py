"""Tables of the support ladder: a campaign's stages, each proposal's climb, and its events."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime


class LadderStatus(StrEnum):
    CLIMBING = "CLIMBING"
    REVIEW = "REVIEW"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class CampaignLadder(SQLModel, table=True):
    """A campaign run as a ladder: the days a proposal starts with, and the stages to climb.

    ``stages`` is a list of ``{"supporters": int, "extensionDays": int | None}``, thresholds
    strictly increasing; the last stage extends nothing: it sends the proposal to review.
    """

    __tablename__ = "campaign_ladder"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    initial_days: int
    stages: list[dict[str, Any]] = Field(sa_column=Column(JSONType, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)


class LadderProposal(SQLModel, table=True):
    """One proposal's climb. Every change is a compare-and-set on ``last_sequence``, so two
    workers (or two concurrent supports) never both apply the same stage crossing."""

    __tablename__ = "ladder_proposal"
    __table_args__ = (Index("ix_ladder_proposal_due", "status", "deadline"),)

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    stage: int = Field(default=0)
    status: str = Field(default=LadderStatus.CLIMBING, max_length=12)
    started_at: datetime = Field(sa_type=UTCDateTime)
    deadline: datetime = Field(sa_type=UTCDateTime)
    last_sequence: int = Field(default=0)
    reviewed_by_id: int | None = Field(default=None, foreign_key="member.id")
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decline_reason: str | None = Field(default=None, max_length=1000)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class LadderEvent(SQLModel, table=True):
    """One numbered event of a proposal's climb (also sent to the invited partners' webhooks).

    ``supporters`` is the exact counted support (a fraction in lowest terms, as text) that
    justified a stage crossing; the recount checks it against the vote chains.
    """

    __tablename__ = "ladder_event"
    __table_args__ = (UniqueConstraint("proposal_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE")
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    sequence: int
    type: str = Field(max_length=40)
    stage: int
    status: str = Field(max_length=12)
    supporters: str | None = Field(default=None, max_length=80)
    deadline: datetime | None = Field(default=None, sa_type=UTCDateTime)
    actor_member_id: int | None = Field(default=None, foreign_key="member.id")
    reason: str | None = Field(default=None, max_length=1000)
    at: datetime = Field(sa_type=UTCDateTime)
