"""The reputation formula: points per outcome, half-life decay, cap and floor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from brandhub.ratings import reputation as r

NOW = datetime(2027, 6, 1, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class TestPoints:
    @pytest.mark.parametrize(("stars", "points"), [(1, -4), (2, -2), (3, 0), (4, 2), (5, 4)])
    def test_ratings_pay_around_three_stars(self, stars, points):
        assert r.rating(stars, NOW).points == points

    def test_each_kind(self):
        computed = r.reputation(
            [r.production(NOW), r.fork_win(NOW), r.rating(5, NOW), r.moderation(NOW)], NOW
        )
        assert computed.score == 25 + 10 + 4 - 15
        assert {c.kind: (c.count, c.points) for c in computed.components} == {
            r.OutcomeKind.PRODUCTION: (1, 25.0),
            r.OutcomeKind.RATINGS: (1, 4.0),
            r.OutcomeKind.FORK_WINS: (1, 10.0),
            r.OutcomeKind.MODERATION: (1, -15.0),
        }

    def test_out_of_range_stars(self):
        with pytest.raises(ValueError):
            r.rating(6, NOW)


class TestDecay:
    @pytest.mark.parametrize(("age", "points"), [(0, 25.0), (180, 12.5), (360, 6.25)])
    def test_half_life(self, age, points):
        assert r.decayed(r.production(days_ago(age)), NOW) == pytest.approx(points)

    def test_future_outcomes_do_not_grow(self):
        assert r.decayed(r.production(NOW + timedelta(days=30)), NOW) == 25.0

    def test_score_decays(self):
        outcomes = [r.production(days_ago(180)), r.production(days_ago(180))]
        assert r.reputation(outcomes, NOW).score == 25


class TestBounds:
    def test_capped(self):
        computed = r.reputation([r.production(NOW)] * 50, NOW)
        assert computed.raw == 1250.0 and computed.score == r.CAP == 1000

    def test_never_negative(self):
        computed = r.reputation([r.moderation(NOW), r.rating(1, NOW)], NOW)
        assert computed.raw == -19.0 and computed.score == 0

    def test_nothing_is_zero(self):
        computed = r.reputation([], NOW)
        assert computed.score == 0 and all(c.count == 0 for c in computed.components)


class TestStandingHides:
    def test_restore_cancels_latest_hide_of_same_target(self):
        rows = [
            ("COMMENT", 1, "HIDE", days_ago(3)),
            ("COMMENT", 2, "HIDE", days_ago(2)),
            ("COMMENT", 1, "RESTORE", days_ago(1)),
            ("PROPOSAL", 1, "HIDE", days_ago(1)),
        ]
        assert r.standing_hides(rows) == [days_ago(2), days_ago(1)]

    def test_stray_restore_is_ignored(self):
        assert r.standing_hides([("RATING", 1, "RESTORE", NOW)]) == []
