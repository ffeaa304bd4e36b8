"""Tables of the voting domain: votes, ballots, slotted tallies, per-voter chains, results,
seals and the server's signing keys."""

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


class TallyBin(SQLModel, table=True):
    """Counted votes of one weight on a proposal, slotted like ``TallySlot``.

    Kept only in campaigns that cap a voter's share: capping needs each proposal's weight
    histogram, and weights are quantised, so a proposal has few distinct ones.
    """

    __tablename__ = "tally_bin"

    proposal_id: int = Field(foreign_key="proposal.id", primary_key=True, ondelete="CASCADE")
    quanta: int = Field(primary_key=True)
    slot: int = Field(primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True, ondelete="CASCADE")
    voters: int = Field(default=0)
    value_sum: int = Field(default=0)


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
    # Leaves are read in pseudonym order (seal, recount) and by pseudonym range (receipts).
    __table_args__ = (Index("ix_voter_chain_campaign_id_pseudonym", "campaign_id", "pseudonym"),)

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    voter_id: int = Field(foreign_key="member.id", primary_key=True)
    # Empty for chains begun before migration 0007 until their voter's next change.
    pseudonym: str = Field(default="", max_length=32)
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


class SigningKey(SQLModel, table=True):
    """An Ed25519 key the server signs seals with; the private half encrypted at rest.

    ``current`` is True for the one key in use and NULL for retired ones (a unique column:
    NULLs never collide, so two processes cannot both install a current key).
    """

    __tablename__ = "signing_key"
    __table_args__ = (UniqueConstraint("current"),)

    kid: str = Field(primary_key=True, max_length=64)
    public_key: str = Field(max_length=64)
    private_key: str = Field(max_length=200)
    current: bool | None = Field(default=None)
    created_at: datetime = Field(sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class CampaignSeal(SQLModel, table=True):
    """A closed campaign's signed seal: the statement, its signature, and what it covers."""

    __tablename__ = "campaign_seal"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True, ondelete="CASCADE")
    root: str = Field(max_length=64)
    tree_size: int
    closed_at: datetime = Field(sa_type=UTCDateTime)
    key_id: str = Field(foreign_key="signing_key.kid", max_length=64)
    signature: str = Field(max_length=100)
    statement: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    # The campaign, rules and candidates exactly as sealed (and exported).
    setup: dict[str, Any] = Field(sa_column=Column(JSONType, nullable=False))
    # [first pseudonym, block root] per BLOCK_SIZE leaves: inclusion proofs read one block.
    blocks: list[list[str]] = Field(sa_column=Column(JSONType, nullable=False))
