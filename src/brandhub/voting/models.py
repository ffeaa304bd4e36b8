"""Tables of the voting domain: votes, ballots, slotted tallies, per-voter chains, results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime

# Counter rows per proposal: concurrent votes on one proposal land on different rows,
# so a popular proposal does not serialise every voter behind one row lock.
TALLY_SLOTS = 16


class Vote(SQLModel, table=True):
    """A member's current vote on one proposal (APPROVAL, SCORE, QUADRATIC)."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "voter_id", "proposal_id"),
        # The velocity guard reads a proposal's most recent votes.
        Index("ix_vote_proposal_id_cast_at", "proposal_id", "cast_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    voter_id: int = Field(foreign_key="member.id")
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE")
    value: int
    weight: float
    pending: bool = Field(default=False)
    cast_at: datetime = Field(sa_type=UTCDateTime)


class Ballot(SQLModel, table=True):
    """A member's current ranked ballot in a RANKED campaign."""

    __table_args__ = (UniqueConstraint("campaign_id", "voter_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    voter_id: int = Field(foreign_key="member.id")
    ranking: list[int] = Field(sa_column=Column(JSONType, nullable=False))
    weight: float
    pending: bool = Field(default=False)
    cast_at: datetime = Field(sa_type=UTCDateTime)


class TallySlot(SQLModel, table=True):
    """One of ``TALLY_SLOTS`` additive counters of a proposal; the tally is their sum."""

    __tablename__ = "tally_slot"

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    slot: int = Field(primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    voters: int = Field(default=0)
    pending: int = Field(default=0)
    weight_sum: float = Field(default=0.0)
    value_sum: float = Field(default=0.0)


class CampaignSlot(SQLModel, table=True):
    """Additive campaign-wide counters (distinct voters, sums for the SCORE prior)."""

    __tablename__ = "campaign_slot"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    slot: int = Field(primary_key=True)
    voters: int = Field(default=0)
    weight_sum: float = Field(default=0.0)
    value_sum: float = Field(default=0.0)


class VoterChain(SQLModel, table=True):
    """A voter's position in a campaign: their event chain head; also the per-voter lock."""

    __tablename__ = "voter_chain"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    voter_id: int = Field(foreign_key="member.id", primary_key=True)
    seq: int = Field(default=0)
    head: str = Field(default="0" * 64, max_length=64)


class VoteEvent(SQLModel, table=True):
    """An append-only, hash-chained record of one vote change."""

    __tablename__ = "vote_event"
    __table_args__ = (
        UniqueConstraint("campaign_id", "voter_id", "seq"),
        Index("ix_vote_event_campaign_id_id", "campaign_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", ondelete="CASCADE")
    voter_id: int = Field(foreign_key="member.id")
    seq: int
    payload: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    at: datetime = Field(sa_type=UTCDateTime)


class CampaignResultRow(SQLModel, table=True):
    """The stored outcome of a closed campaign."""

    __tablename__ = "campaign_result"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    winner_id: int | None = Field(default=None, foreign_key="proposal.id")
    voters: int
    quorum_met: bool
    ranking: list[dict[str, Any]] = Field(sa_column=Column(JSONType, nullable=False))
    seal: str = Field(max_length=64)
    computed_at: datetime = Field(sa_type=UTCDateTime)


class VelocityFlag(SQLModel, table=True):
    """A burst of votes from new accounts on one proposal, for moderators to review."""

    __tablename__ = "velocity_flag"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    proposal_id: int = Field(foreign_key="proposal.id", ondelete="CASCADE")
    new_account_votes: int
    window_start: datetime = Field(sa_type=UTCDateTime)
    raised_at: datetime = Field(sa_type=UTCDateTime)
