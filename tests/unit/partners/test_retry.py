"""Webhook delivery backoff schedule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.partners.retry import (
    BASE_DELAYS_SECONDS,
    JITTER,
    MAX_ATTEMPTS,
    SUCCESS_TIMEOUT_SECONDS,
    base_delay,
    next_attempt_at,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def total(draw: float) -> timedelta:
    moment = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        following = next_attempt_at(attempt, moment, draw)
        assert following is not None
        moment = following
    return moment - NOW


class TestSchedule:
    def test_constants(self) -> None:
        assert SUCCESS_TIMEOUT_SECONDS == 10
        assert MAX_ATTEMPTS == len(BASE_DELAYS_SECONDS) + 1 == 13

    def test_base_delays_are_monotone_non_decreasing(self) -> None:
        delays = [base_delay(a) for a in range(1, MAX_ATTEMPTS)]
        assert delays == sorted(delays)  # type: ignore[type-var]
        assert delays[0] == timedelta(seconds=5)
        assert delays[-1] == timedelta(hours=24)

    def test_base_schedule_spans_about_three_days(self) -> None:
        span = timedelta(seconds=sum(BASE_DELAYS_SECONDS))
        assert 2.5 * DAY <= span <= 3.5 * DAY
        assert total(0.5) == span

    def test_jittered_schedule_extremes(self) -> None:
        assert 2.5 * DAY <= total(0.0) < total(0.5) < total(1.0) <= 4 * DAY

    def test_none_after_the_last_attempt(self) -> None:
        assert next_attempt_at(MAX_ATTEMPTS - 1, NOW, 0.5) is not None
        assert next_attempt_at(MAX_ATTEMPTS, NOW, 0.5) is None
        assert next_attempt_at(MAX_ATTEMPTS + 5, NOW, random.Random(1)) is None
        assert base_delay(MAX_ATTEMPTS) is None

    def test_first_retry(self) -> None:
        assert next_attempt_at(1, NOW, 0.5) == NOW + timedelta(seconds=5)
        assert next_attempt_at(1, NOW, 0.0) == NOW + timedelta(seconds=4)
        assert next_attempt_at(1, NOW, 1.0) == NOW + timedelta(seconds=6)

    @pytest.mark.parametrize("attempt", [0, -1])
    def test_attempts_start_at_one(self, attempt: int) -> None:
        with pytest.raises(ValueError):
            next_attempt_at(attempt, NOW, 0.5)

    @pytest.mark.parametrize("draw", [-0.1, 1.5, float("nan")])
    def test_bad_draw(self, draw: float) -> None:
        with pytest.raises(ValueError):
            next_attempt_at(1, NOW, draw)

    def test_seeded_random_is_deterministic(self) -> None:
        first = [next_attempt_at(a, NOW, random.Random(42)) for a in range(1, MAX_ATTEMPTS)]
        again = [next_attempt_at(a, NOW, random.Random(42)) for a in range(1, MAX_ATTEMPTS)]
        assert first == again

    def test_jitter_spreads_retries(self) -> None:
        rng = random.Random(7)
        moments = {next_attempt_at(8, NOW, rng) for _ in range(50)}
        assert len(moments) > 40


@given(attempt=st.integers(1, MAX_ATTEMPTS - 1), seed=st.integers(0, 2**32))
def test_jitter_is_bounded(attempt: int, seed: int) -> None:
    base = base_delay(attempt)
    assert base is not None
    moment = next_attempt_at(attempt, NOW, random.Random(seed))
    assert moment is not None
    assert base * (1 - JITTER) <= moment - NOW <= base * (1 + JITTER)
    assert moment > NOW
