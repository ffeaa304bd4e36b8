"""The byte-level forms: canonical JSON (fast path = RFC 8785), timestamps, strict base64url."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from brandhub.voting.canonical import (
    b64url,
    canonical,
    from_b64url,
    parse_timestamp,
    timestamp,
)

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=0, max_value=4096).map(lambda x: round(x * 1024) / 1024)
    | st.text(max_size=12)
    | st.text(alphabet="0123456789abcdef", min_size=32, max_size=32)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)


class TestCanonicalJson:
    @settings(max_examples=500)
    @given(JSON)
    def test_the_fast_path_writes_exactly_rfc_8785(self, value: object) -> None:
        try:
            expected = rfc8785.dumps(value)
        except Exception:
            with pytest.raises(Exception):  # noqa: B017 - whatever rfc8785 raises
                canonical(value)
            return
        assert canonical(value) == expected

    def test_an_event_and_awkward_numbers(self) -> None:
        event = {"weight": 1.0, "voter": "ab", "ranking": [3, 1], "v": 2, "at": "x"}
        assert canonical(event) == b'{"at":"x","ranking":[3,1],"v":2,"voter":"ab","weight":1}'
        for number, text in [(0.1, b"0.1"), (1e-7, b"1e-7"), (-0.0, b"0"), (1e21, b"1e+21")]:
            assert canonical(number) == text


class TestTimestamps:
    def test_fixed_width_utc(self) -> None:
        at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
        assert timestamp(at) == "2026-01-02T01:04:05.000000Z"
        assert parse_timestamp("2026-01-02T01:04:05.000000Z") == at.astimezone(UTC)
        for bad in ("2026-01-02T01:04:05Z", "2026-01-02 01:04:05.000000Z", 5):
            with pytest.raises(ValueError):
                parse_timestamp(bad)  # type: ignore[arg-type]


class TestBase64Url:
    @given(st.binary(max_size=70))
    def test_round_trip(self, data: bytes) -> None:
        assert from_b64url(b64url(data)) == data

    def test_only_the_canonical_text_of_the_bytes_is_accepted(self) -> None:
        text = b64url(b"\xff")  # "_w": the last character carries 4 unused bits
        assert text == "_w"
        for bad in ("_x", "_w=", "_w==", "+w", "a", "a b"):
            with pytest.raises(ValueError):
                from_b64url(bad)
        with pytest.raises(ValueError):
            from_b64url(b64url(b"abc"), length=4)
