"""The DateTime scalar's reading of ISO 8601 text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from brandhub.schema.scalars import RefusedDateTime, read_date_time


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2030-01-01T09:00:00Z", datetime(2030, 1, 1, 9, tzinfo=UTC)),
        ("2030-01-01T09:00:00.25+02:00", datetime(2030, 1, 1, 7, 0, 0, 250000, tzinfo=UTC)),
        ("2030-01-01 09:30-0130", datetime(2030, 1, 1, 11, 0, tzinfo=UTC)),
        ("2030-01-01T09:00Z", datetime(2030, 1, 1, 9, tzinfo=UTC)),
        ("2030-01-01", datetime(2030, 1, 1, 23, 59, 59, 999999, tzinfo=UTC)),
        ("2028-02-29", datetime(2028, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)),
    ],
)
def test_readable_text_is_an_instant_in_utc(text, instant):
    value = read_date_time(text)
    assert value == instant
    assert value.tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2030-01-01T09:00:00", "needs a UTC offset"),
        ("2030-01-01T09:00", "needs a UTC offset"),
        ("2030-02-30", "is not an ISO 8601 date-time"),
        ("2030-01-01T25:00:00Z", "is not an ISO 8601 date-time"),
        ("next tuesday", "is not an ISO 8601 date-time"),
        ("2030-01-01T00:00:00\x00Z", "is not an ISO 8601 date-time"),
        ("", "is not an ISO 8601 date-time"),
    ],
)
def test_other_text_is_refused_with_a_reason(text, reason):
    value = read_date_time(text)
    assert isinstance(value, RefusedDateTime)
    assert value.reason.startswith(reason)
