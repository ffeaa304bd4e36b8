"""Tables of the partners domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from brandhub.columns import JSONType, UTCDateTime


class Partner(SQLModel, table=True):
    """A manufacturer that quotes for and produces winning proposals."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    powered_by_label: str = Field(max_length=120)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSONType, nullable=False))
    webhook_url: str | None = Field(default=None, max_length=2048)
    created_at: datetime = Field(sa_type=UTCDateTime)
