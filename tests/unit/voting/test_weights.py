"""Voter weights under each weighting policy."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.voting.methods import VotingMethod, VotingRules
from brandhub.voting.weights import (
    WEIGHT_QUANTUM,
    VoterWeight,
    WeightingPolicy,
    quantize_weight,
    voter_weight,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
OLD_ACCOUNT = NOW - timedelta(days=400)


def rules(weighting: WeightingPolicy, **kwargs: object) -> VotingRules:
    return VotingRules(method=VotingMethod.APPROVAL, weighting=weighting, **kwargs)  # type: ignore[arg-type]


def weigh(
    policy_rules: VotingRules,
    *,
    role: str = "MEMBER",
    reputation: int = 0,
    pledged_units: int = 0,
    created: datetime = OLD_ACCOUNT,
) -> VoterWeight:
    return voter_weight(
        policy_rules,
        role=role,
        reputation=reputation,
        pledged_units=pledged_units,
        account_created_at=created,
        now=NOW,
    )


class TestEqual:
    def test_everyone_weighs_one(self) -> None:
        equal = rules(WeightingPolicy.EQUAL)
        assert weigh(equal, role="OWNER", reputation=500, pledged_units=90) == VoterWeight(1.0)


class TestRole:
    @pytest.mark.parametrize(
        ("role", "expected"), [("OWNER", 2.0), ("MODERATOR", 1.5), ("MEMBER", 1.0), ("owner", 2.0)]
    )
    def test_default_role_weights(self, role: str, expected: float) -> None:
        assert weigh(rules(WeightingPolicy.ROLE), role=role).weight == expected

    def test_configured_role_weights(self) -> None:
        custom = rules(
            WeightingPolicy.ROLE, role_weights={"OWNER": 4, "MODERATOR": 2, "MEMBER": 0.5}
        )
        assert weigh(custom, role="OWNER").weight == 4.0
        assert weigh(custom, role="MEMBER").weight == 0.5

    def test_unknown_role_is_an_error(self) -> None:
        with pytest.raises(ValueError, match="GUEST"):
            weigh(rules(WeightingPolicy.ROLE), role="GUEST")


class TestReputation:
    @pytest.mark.parametrize(
        ("reputation", "expected"),
        [(0, 1.0), (1, 1.25), (3, 1.5), (15, 2.0), (255, 3.0), (10_000, 3.0)],
    )
    def test_grows_with_contributions_up_to_cap(self, reputation: int, expected: float) -> None:
        assert weigh(rules(WeightingPolicy.REPUTATION), reputation=reputation).weight == expected

    def test_custom_cap(self) -> None:
        capped = rules(WeightingPolicy.REPUTATION, reputation_cap=1.5)
        assert weigh(capped, reputation=3).weight == 1.5
        assert weigh(capped, reputation=1000).weight == 1.5

    def test_negative_reputation_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            weigh(rules(WeightingPolicy.REPUTATION), reputation=-1)

    @given(a=st.integers(0, 10**6), b=st.integers(0, 10**6))
    def test_monotone_bounded_and_quantized(self, a: int, b: int) -> None:
        low, high = sorted((a, b))
        policy = rules(WeightingPolicy.REPUTATION)
        w_low, w_high = weigh(policy, reputation=low).weight, weigh(policy, reputation=high).weight
        assert 1.0 <= w_low <= w_high <= 3.0
        assert (w_high / WEIGHT_QUANTUM).is_integer()


class TestPledge:
    @pytest.mark.parametrize(
        ("units", "expected"), [(0, 1.0), (1, 1.5), (3, 2.0), (15, 3.0), (1_000_000, 3.0)]
    )
    def test_grows_with_pledged_units_up_to_cap(self, units: int, expected: float) -> None:
        assert weigh(rules(WeightingPolicy.PLEDGE), pledged_units=units).weight == expected

    def test_custom_cap(self) -> None:
        assert weigh(rules(WeightingPolicy.PLEDGE, pledge_cap=2.0), pledged_units=99).weight == 2.0

    def test_odd_values_are_quantized(self) -> None:
        weight = weigh(rules(WeightingPolicy.PLEDGE), pledged_units=2).weight
        assert weight == pytest.approx(1 + math.log2(3) / 2, abs=WEIGHT_QUANTUM / 2)
        assert (weight / WEIGHT_QUANTUM).is_integer()


class TestAccountAge:
    def test_young_account_is_pending_with_weight_zero(self) -> None:
        policy = rules(WeightingPolicy.ROLE, min_account_age_hours=24)
        young = weigh(policy, role="OWNER", created=NOW - timedelta(hours=23, minutes=59))
        assert young == VoterWeight(weight=0.0, pending=True)

    def test_account_exactly_old_enough_counts(self) -> None:
        policy = rules(WeightingPolicy.ROLE, min_account_age_hours=24)
        assert weigh(policy, role="OWNER", created=NOW - timedelta(hours=24)) == VoterWeight(2.0)

    def test_no_minimum_age_counts_brand_new_accounts(self) -> None:
        assert weigh(rules(WeightingPolicy.EQUAL), created=NOW) == VoterWeight(1.0, pending=False)


class TestQuantize:
    def test_rounds_to_quantum(self) -> None:
        assert quantize_weight(1.0) == 1.0
        assert quantize_weight(1 / 3) == 341 / 1024
        assert quantize_weight(0.0) == 0.0

    @pytest.mark.parametrize("bad", [-0.5, math.nan, math.inf])
    def test_bad_weights_are_refused(self, bad: float) -> None:
        with pytest.raises(ValueError):
            quantize_weight(bad)

    @given(st.lists(st.integers(0, 3 * 1024), max_size=30), st.randoms())
    def test_sums_of_quantized_weights_are_order_independent(
        self, quanta: list[int], rnd: random.Random
    ) -> None:
        weights = [q * WEIGHT_QUANTUM for q in quanta]
        shuffled = list(weights)
        rnd.shuffle(shuffled)
        assert sum(weights) == sum(shuffled) == sum(quanta) * WEIGHT_QUANTUM
