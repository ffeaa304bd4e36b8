"""Tables of the ratings domain: one rating per verified buyer of a shipped product."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from brandhub.columns import UTCDateTime


class ProductRating(SQLModel, table=True):
    """A buyer's 1–5 stars and optional plain-text review of a shipped product (editable)."""

    __tablename__ = "product_rating"
    __table_args__ = (
        UniqueConstraint("handoff_id", "member_id"),
        CheckConstraint("stars BETWEEN 1 AND 5", name="ck_product_rating_stars"),
    )

    id: int | None = Field(default=None, primary_key=True)
    handoff_id: int = Field(foreign_key="handoff.id", index=True, ondelete="CASCADE")
    proposal_id: int = Field(foreign_key="proposal.id", index=True, ondelete="CASCADE")
    partner_id: int = Field(foreign_key="partner.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    stars: int
    review: str | None = Field(default=None, max_length=2000)
    # Hidden by a brand moderator: the review text is withheld, the stars still count.
    hidden: bool = Field(default=False)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
