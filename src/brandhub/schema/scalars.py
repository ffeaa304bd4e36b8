"""brandhub's DateTime scalar: one reading of every date-time argument in the schema.

- ISO 8601 with an offset (``2030-01-01T09:00:00Z``, ``…+02:00``) is that instant, in UTC.
- A date alone (``2030-01-01``) is the end of that day in UTC (``23:59:59.999999Z``): a
  deadline or a validity given as a day lasts the whole day.
- A date-time without an offset, or text that is no date, is refused with INVALID_INPUT
  naming the field (by ``schema.input_rules``, so a mutation answers it in its payload).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import strawberry

DATE_ALONE = re.compile(r"\d{4}-\d{2}-\d{2}")
# What this scalar reads (Python's fromisoformat alone accepts more than ISO 8601 says).
DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}([.,]\d{1,6})?)?([Zz]|[+-]\d{2}(:?\d{2})?)?"
)

DESCRIPTION = (
    "An ISO 8601 date-time with a UTC offset, e.g. 2030-01-01T09:00:00Z. "
    "A date alone (2030-01-01) means the end of that day, UTC. "
    "A date-time without an offset is refused."
)


@dataclass(frozen=True)
class RefusedDateTime:
    """A DateTime argument that is not one: the input rules answer it with INVALID_INPUT."""

    text: str
    reason: str


def read_date_time(text: str) -> datetime | RefusedDateTime:
    """An aware UTC datetime, or why the text is refused."""
    unreadable = RefusedDateTime(text, "is not an ISO 8601 date-time (e.g. 2030-01-01T09:00:00Z)")
    try:
        if DATE_ALONE.fullmatch(text):
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        if not DATE_TIME.fullmatch(text):
            return unreadable
        value = datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        return unreadable
    if value.tzinfo is None or value.utcoffset() is None:
        return RefusedDateTime(
            text,
            "needs a UTC offset: add Z or ±hh:mm (e.g. 2030-01-01T09:00:00Z); "
            "a date alone means the end of that day, UTC",
        )
    return value.astimezone(UTC)


def parse_value(value: object) -> datetime | RefusedDateTime:
    """A variable or literal: strings are read; other JSON types are type errors."""
    if not isinstance(value, str):
        raise TypeError("DateTime must be a string, e.g. 2030-01-01T09:00:00Z")
    return read_date_time(value)


def serialize(value: datetime) -> str:
    """ISO 8601 with its offset."""
    return value.isoformat()


DateTime = strawberry.scalar(
    name="DateTime",
    description=DESCRIPTION,
    serialize=serialize,
    parse_value=parse_value,
)

SCALAR_OVERRIDES = {datetime: DateTime}
