"""Exact scores: quanta, the SCORE mean, the voter-share water level, ties."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.voting import scoring
from brandhub.voting.methods import VotingMethod, VotingRules, tally_votes
from brandhub.voting.ranking import rank_results
from brandhub.voting.results import compute_result
from brandhub.voting.scoring import Support

Q = scoring.QUANTA_PER_WEIGHT


def support(*votes: tuple[int, float]) -> Support:
    """(value, weight) votes as a Support with its histogram."""
    bins: dict[int, tuple[int, int]] = {}
    for value, weight in votes:
        q = scoring.quanta(weight)
        n, v = bins.get(q, (0, 0))
        bins[q] = (n + 1, v + value)
    return Support(
        sum(scoring.quanta(w) for _, w in votes),
        sum(scoring.quanta(w) * v for v, w in votes),
        bins,
    )


def capped_per_voter(weights: list[int], share: Fraction) -> list[Fraction]:
    """The water-filling written voter by voter, exactly, for comparison."""
    positive = sorted((w for w in weights if w > 0), reverse=True)
    if not positive or positive[0] <= share * sum(positive):
        return [Fraction(w) for w in weights]
    if len(positive) * share < 1:
        return [Fraction(min(w, positive[-1])) for w in weights]
    level = Fraction(positive[-1])
    for j in range(1, len(positive)):
        headroom = 1 - share * j
        if headroom <= 0:
            break
        candidate = share * sum(positive[j:]) / headroom
        if candidate >= positive[j]:
            level = candidate
            break
    return [min(Fraction(w), level) for w in weights]


class TestQuanta:
    def test_weights_are_integers_of_quanta(self) -> None:
        assert scoring.quanta(1.5) == 1536
        assert scoring.quanta(0.0) == 0
        assert scoring.signed_quanta(-2.25) == -2304

    @pytest.mark.parametrize("weight", [0.1, -1.0, float("nan"), float("inf")])
    def test_anything_else_is_refused(self, weight: float) -> None:
        with pytest.raises(ValueError):
            scoring.quanta(weight)

    def test_rules_are_read_as_the_decimals_they_were_written_as(self) -> None:
        assert scoring.exact_decimal(0.6) == Fraction(3, 5)
        assert scoring.exact_decimal(5) == 5
        assert scoring.exact_decimal(1e-7) == Fraction(1, 10**7)

    def test_exact_text_round_trips_and_is_strict(self) -> None:
        assert scoring.text(Fraction(15, 8)) == "15/8"
        assert scoring.parse("-3") == -3
        for bad in ("30/16", "1.5", " 3", "3/1"):
            with pytest.raises(ValueError):
                scoring.parse(bad)


class TestVoterShareCap:
    def test_float_noise_no_longer_breaks_a_tie(self) -> None:
        # In floats these two capped sums were 3.75 and 3.7499999999999996, so the tie-break
        # was skipped; exactly, both are 15/4.
        a, b = support((1, 1.5), (1, 2.25)), support((1, 1.5), (1, 2.375))
        assert scoring.capped(a, Fraction(3, 5))[0] == scoring.capped(b, Fraction(3, 5))[0]
        assert 1.5 + 0.6 * 1.5 / (1 - 0.6) != 3.75  # the level T = s·R / (1 − s) in floats
        ranking = rank_results(
            VotingMethod.APPROVAL,
            {1: b, 2: a},
            max_voter_share=0.6,
            tiebreak={1: ("2026-01-02",), 2: ("2026-01-01",)},
        )
        assert [(e.proposal_id, e.score, e.tied) for e in ranking] == [
            (2, Fraction(15, 4), True),
            (1, Fraction(15, 4), True),
        ]

    def test_quadratic_caps_weights_not_values(self) -> None:
        # weights 4 and 1, share 1/2: the heavy voter falls to 1; 1·3 + 1·(−1) = 2
        capped = scoring.capped(support((3, 4.0), (-1, 1.0)), Fraction(1, 2))
        assert capped == (2 * Q, 2 * Q)

    @given(
        st.lists(st.integers(0, 4 * Q), max_size=40),
        st.integers(1, 100).map(lambda n: Fraction(n, 100)),
    )
    def test_histogram_water_level_equals_per_voter(
        self, weights: list[int], share: Fraction
    ) -> None:
        bins: dict[int, tuple[int, int]] = {}
        for q in weights:
            if q:
                n, v = bins.get(q, (0, 0))
                bins[q] = (n + 1, v + 1)
        expected = capped_per_voter(weights, share)
        got = scoring.capped(Support(sum(weights), sum(weights), bins), share)
        assert got == (sum(expected), sum(expected))
        positive = [c for c in expected if c > 0]
        if positive and len(positive) * share >= 1:
            assert max(positive) <= share * sum(positive)


class TestScoreMean:
    def test_prior_strength_is_the_owners_choice(self) -> None:
        tallies = {
            1: tally_votes(VotingMethod.SCORE, [(5, 1.0)] * 3),
            2: tally_votes(VotingMethod.SCORE, [(4, 1.0)] * 30),
            3: tally_votes(VotingMethod.SCORE, [(1, 1.0)] * 30),
        }
        weak = rank_results(VotingMethod.SCORE, tallies, prior_strength=0)
        strong = rank_results(VotingMethod.SCORE, tallies, prior_strength=50)
        assert [e.proposal_id for e in weak] == [1, 2, 3]
        assert [e.proposal_id for e in strong] == [2, 1, 3]
        # m = 165/63, C = 50: (50·m + 15) / 53
        assert strong[1].score == (50 * Fraction(165, 63) + 15) / 53

    def test_an_unvoted_proposal_never_wins_a_tie_against_a_voted_one(self) -> None:
        rules = VotingRules(method=VotingMethod.SCORE)
        result, _ = compute_result(
            rules,
            # proposal 1 is older, so the first-revision rule alone would put it first
            candidates={1: "2026-01-01T00:00:00.000000Z", 2: "2026-01-02T00:00:00.000000Z"},
            votes=[(10, 2, 4, 1.0), (11, 2, 4, 1.0)],
        )
        assert [(e.proposal_id, e.score, e.tied) for e in result.ranking] == [
            (2, 4, True),
            (1, 4, True),
        ]
        assert result.winner == 2
