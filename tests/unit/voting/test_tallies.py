"""Incremental tallies, scores and the voter-share cap (exact)."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.voting import scoring
from brandhub.voting.methods import (
    Tally,
    TallyDelta,
    VotingMethod,
    ballot_points,
    replace_delta,
    sum_tallies,
    tally_votes,
    vote_delta,
)
from brandhub.voting.weights import WEIGHT_QUANTUM


def score(
    method: VotingMethod,
    tally: Tally,
    campaign_weight: float,
    campaign_value: float,
    prior_strength: float = 5.0,
) -> Fraction:
    """A proposal's exact score from float tallies (sums of quanta), as the board scores it."""
    own = scoring.Support.of_tally(tally)
    campaign = scoring.Support.of_tally(Tally(weight_sum=campaign_weight, value_sum=campaign_value))
    return scoring.score_of(
        method,
        Fraction(own.weight),
        Fraction(own.value),
        prior_mean=scoring.prior([(Fraction(campaign.weight), Fraction(campaign.value))]),
        prior_strength=scoring.exact_decimal(prior_strength),
    )


def cap_voter_share(weights: list[float], share: float) -> list[Fraction]:
    """Each weight after the exact water-filling of scoring.water_level."""
    bins: dict[int, tuple[int, int]] = {}
    for w in weights:
        if w > 0:
            n, v = bins.get(scoring.quanta(w), (0, 0))
            bins[scoring.quanta(w)] = (n + 1, v)
    level = scoring.water_level(bins, scoring.exact_decimal(share))
    exact = [Fraction(scoring.quanta(w)) for w in weights]
    capped = exact if level is None else [min(q, level) for q in exact]
    return [q / scoring.QUANTA_PER_WEIGHT for q in capped]


class TestVoteDelta:
    def test_weighted_vote_counts_a_voter(self) -> None:
        delta = vote_delta(VotingMethod.QUADRATIC, -3, 1.5)
        assert delta == TallyDelta(voters=1, pending=0, weight_sum=1.5, value_sum=-4.5)

    def test_removal_is_the_negation(self) -> None:
        delta = vote_delta(VotingMethod.SCORE, 4, 2.0, sign=-1)
        assert delta == TallyDelta(voters=-1, pending=0, weight_sum=-2.0, value_sum=-8.0)

    def test_zero_weight_vote_is_pending(self) -> None:
        assert vote_delta(VotingMethod.APPROVAL, 1, 0.0) == TallyDelta(pending=1)
        assert vote_delta(VotingMethod.APPROVAL, 1, 0.0, sign=-1) == TallyDelta(pending=-1)

    def test_replacement_keeps_the_voter_count(self) -> None:
        delta = replace_delta(VotingMethod.SCORE, (2, 1.0), (5, 1.5))
        assert delta == TallyDelta(voters=0, pending=0, weight_sum=0.5, value_sum=5.5)

    def test_replacement_of_a_pending_vote_counts_the_voter(self) -> None:
        delta = replace_delta(VotingMethod.APPROVAL, (1, 0.0), (1, 1.0))
        assert delta == TallyDelta(voters=1, pending=-1, weight_sum=1.0, value_sum=1.0)

    @pytest.mark.parametrize(("weight", "sign"), [(-1.0, 1), (math.nan, 1), (1.0, 2), (1.0, 0)])
    def test_bad_arguments_are_refused(self, weight: float, sign: int) -> None:
        with pytest.raises(ValueError):
            vote_delta(VotingMethod.APPROVAL, 1, weight, sign=sign)


class TestTally:
    def test_apply_and_slots(self) -> None:
        slot_a = Tally().apply(vote_delta(VotingMethod.SCORE, 5, 1.0))
        slot_b = Tally().apply(vote_delta(VotingMethod.SCORE, 3, 2.0))
        slot_c = Tally().apply(vote_delta(VotingMethod.SCORE, 5, 1.0, sign=-1))  # slot may go < 0
        assert slot_c.voters == -1
        assert sum_tallies([slot_a, slot_b, slot_c]) == Tally(1, 0, 2.0, 6.0)

    def test_tally_votes_recounts(self) -> None:
        tally = tally_votes(VotingMethod.SCORE, [(5, 1.0), (4, 2.0), (1, 0.0)])
        assert tally == Tally(voters=2, pending=1, weight_sum=3.0, value_sum=13.0)

    def test_tally_votes_sums_uncapped_weights(self) -> None:
        votes = [(1, 10.0)] + [(1, 1.0)] * 9
        assert tally_votes(VotingMethod.APPROVAL, votes).weight_sum == 19.0
        assert sum(cap_voter_share([w for _, w in votes], 0.25)) == 12

    def test_ballot_points_modified_borda(self) -> None:
        assert ballot_points([7, 3, 9]) == {7: 3, 3: 2, 9: 1}
        assert ballot_points([]) == {}
        with pytest.raises(ValueError):
            ballot_points([1, 2, 1])


# A vote: (voter, proposal, value or None for a retraction, weight in quanta)
EVENTS = st.lists(
    st.tuples(
        st.integers(1, 6),
        st.integers(1, 3),
        st.one_of(st.none(), st.integers(0, 5)),
        st.integers(0, 3 * 1024),
    ),
    max_size=60,
)


class TestTallyProperties:
    @given(events=EVENTS, data=st.data())
    def test_any_interleaving_over_slots_equals_recount(
        self, events: list[tuple[int, int, int | None, int]], data: st.DataObject
    ) -> None:
        # Events of one voter keep their order; voters interleave arbitrarily.
        order = data.draw(st.permutations(range(len(events))))
        by_voter: dict[int, list[int]] = {}
        for i in range(len(events)):
            by_voter.setdefault(events[i][0], []).append(i)
        cursor = {voter: 0 for voter in by_voter}
        schedule = []
        for i in order:
            voter = events[i][0]
            schedule.append(by_voter[voter][cursor[voter]])
            cursor[voter] += 1

        slots: dict[tuple[int, int], Tally] = {}
        current: dict[tuple[int, int], tuple[int, float]] = {}
        for i in schedule:
            voter, proposal, value, quanta = events[i]
            key = (voter, proposal)
            delta = TallyDelta()
            if key in current:
                old_value, old_weight = current.pop(key)
                delta = delta + vote_delta(VotingMethod.SCORE, old_value, old_weight, sign=-1)
            if value is not None:
                weight = quanta * WEIGHT_QUANTUM
                current[key] = (value, weight)
                delta = delta + vote_delta(VotingMethod.SCORE, value, weight)
            slot = data.draw(st.integers(0, 3))
            slots[(proposal, slot)] = slots.get((proposal, slot), Tally()).apply(delta)

        for proposal in (1, 2, 3):
            live = sum_tallies(t for (p, _), t in slots.items() if p == proposal)
            final = [vote for (_, p), vote in current.items() if p == proposal]
            assert live == tally_votes(VotingMethod.SCORE, final)  # exact, not approximate


class TestScore:
    def test_approval_is_weight_sum(self) -> None:
        tally = tally_votes(VotingMethod.APPROVAL, [(1, 1.0), (1, 2.0), (1, 0.0)])
        assert score(VotingMethod.APPROVAL, tally, 100.0, 100.0) == 3.0

    def test_quadratic_is_weighted_sum_of_votes(self) -> None:
        tally = tally_votes(VotingMethod.QUADRATIC, [(3, 1.0), (-2, 1.5), (1, 2.0)])
        assert score(VotingMethod.QUADRATIC, tally, 0.0, 0.0) == 2.0

    def test_ranked_live_score_is_weighted_points(self) -> None:
        tally = tally_votes(VotingMethod.RANKED, [(3, 1.0), (1, 2.0)])
        assert score(VotingMethod.RANKED, tally, 0.0, 0.0) == 5.0

    def test_score_is_bayesian_mean_with_campaign_prior(self) -> None:
        tally = tally_votes(VotingMethod.SCORE, [(5, 1.0), (5, 1.0)])
        # campaign mean 3.0 (weight 10, value 30), C = 5: (5·3 + 10) / (5 + 2)
        assert score(VotingMethod.SCORE, tally, 10.0, 30.0) == Fraction(25, 7)
        assert score(VotingMethod.SCORE, tally, 10.0, 30.0, prior_strength=0) == 5.0

    def test_score_without_votes_is_the_prior(self) -> None:
        assert score(VotingMethod.SCORE, Tally(), 4.0, 10.0) == 2.5
        assert score(VotingMethod.SCORE, Tally(), 0.0, 0.0) == 0.0
        assert score(VotingMethod.SCORE, Tally(), 0.0, 0.0, prior_strength=0) == 0.0

    def test_three_fives_do_not_beat_three_hundred_four_point_eights(self) -> None:
        few = tally_votes(VotingMethod.SCORE, [(5, 1.0)] * 3)
        many = tally_votes(VotingMethod.SCORE, [(5, 1.0)] * 240 + [(4, 1.0)] * 60)
        others = tally_votes(VotingMethod.SCORE, [(3, 1.0)] * 200 + [(2, 1.0)] * 100)
        assert many.value_sum / many.weight_sum == pytest.approx(4.8)
        tallies = [few, many, others]
        weight = sum(t.weight_sum for t in tallies)
        value = sum(t.value_sum for t in tallies)
        few_score = score(VotingMethod.SCORE, few, weight, value)
        many_score = score(VotingMethod.SCORE, many, weight, value)
        # prior m = 2255 / 603 ≈ 3.7396; few: (5m + 15) / 8, many: (5m + 1440) / 305
        m = Fraction(2255, 603)
        assert few_score == (5 * m + 15) / 8  # ≈ 4.2123
        assert many_score == (5 * m + 1440) / 305  # ≈ 4.7826
        assert many_score > few_score


class TestCapVoterShare:
    def test_one_heavy_voter_is_capped(self) -> None:
        assert cap_voter_share([10.0] + [1.0] * 9, 0.25) == [3.0] + [1.0] * 9

    def test_several_heavy_voters_share_the_level(self) -> None:
        capped = cap_voter_share([8.0, 6.0, 1.0, 1.0, 1.0, 1.0], 0.3)
        # T = 0.3 · (2T + 4) -> T = 1.2 / 0.4 = 3, exactly
        assert capped == [3, 3, 1, 1, 1, 1]

    def test_already_fair_weights_are_untouched(self) -> None:
        assert cap_voter_share([0.0, 4.0, 4.0], 0.5) == [0.0, 4.0, 4.0]
        assert cap_voter_share([9.0, 1.0], 1.0) == [9.0, 1.0]
        assert cap_voter_share([], 0.1) == []
        assert cap_voter_share([0.0, 0.0], 0.1) == [0.0, 0.0]

    def test_too_few_voters_are_equalised(self) -> None:
        assert cap_voter_share([5.0, 2.0, 0.0], 0.3) == [2.0, 2.0, 0.0]
        assert cap_voter_share([3.0], 0.5) == [3.0]

    def test_exactly_enough_voters_end_equal(self) -> None:
        assert cap_voter_share([4.0, 1.0, 1.0, 1.0], 0.25) == [1.0, 1.0, 1.0, 1.0]

    @pytest.mark.parametrize(
        ("weights", "share"), [([1.0], 0.0), ([1.0], 1.5), ([-1.0, 2.0], 0.5), ([math.inf], 0.5)]
    )
    def test_bad_arguments_are_refused(self, weights: list[float], share: float) -> None:
        with pytest.raises(ValueError):
            cap_voter_share(weights, share)

    @given(
        weights=st.lists(st.integers(0, 1000 * 1024).map(lambda q: q / 1024), max_size=50),
        share=st.integers(1, 100).map(lambda n: n / 100),
    )
    def test_shares_bounded_order_preserved(self, weights: list[float], share: float) -> None:
        capped = cap_voter_share(weights, share)
        exact_share = scoring.exact_decimal(share)
        assert len(capped) == len(weights)
        assert all(0 <= c <= w for c, w in zip(capped, weights, strict=True))
        assert all((c > 0) == (w > 0) for c, w in zip(capped, weights, strict=True))
        for i in range(len(weights)):
            for j in range(len(weights)):
                if weights[i] >= weights[j]:
                    assert capped[i] >= capped[j]
        positive = [c for c in capped if c > 0]
        if not positive:
            return
        total = sum(capped)
        if len(positive) * exact_share >= 1:
            assert max(capped) <= exact_share * total
            if capped != weights:  # water-filling lowers only as far as needed, exactly
                assert max(capped) == exact_share * total
        else:
            assert capped == [min(positive) if w > 0 else 0 for w in weights]
