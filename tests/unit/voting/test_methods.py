"""Voting methods: rules, vote values, budgets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.voting.methods import (
    BudgetExceeded,
    InvalidVotingRules,
    VoteValueError,
    VotingMethod,
    VotingRuleError,
    VotingRules,
    check_budget,
    reaches_support_threshold,
    remaining_budget,
    spent_budget,
    validate_vote_value,
    vote_cost,
    votes_cost,
)
from brandhub.voting.weights import WeightingPolicy

APPROVAL = VotingRules(method=VotingMethod.APPROVAL, votes_per_member=2)
SCORE = VotingRules(method=VotingMethod.SCORE)
QUADRATIC = VotingRules(method=VotingMethod.QUADRATIC, credits_per_member=10)
RANKED = VotingRules(method=VotingMethod.RANKED)


class TestVotingRules:
    def test_defaults(self) -> None:
        rules = VotingRules(method=VotingMethod.APPROVAL)
        assert rules.weighting is WeightingPolicy.EQUAL
        assert rules.quorum == 0
        assert rules.score_prior_strength == 5.0
        assert dict(rules.role_weights) == {"OWNER": 2.0, "MODERATOR": 1.5, "MEMBER": 1.0}

    def test_strings_become_enums_and_roles_upper_case(self) -> None:
        rules = VotingRules(method="SCORE", weighting="ROLE", role_weights={"owner": 3})  # type: ignore[arg-type]
        assert rules.method is VotingMethod.SCORE
        assert rules.weighting is WeightingPolicy.ROLE
        assert dict(rules.role_weights) == {"OWNER": 3.0}

    def test_rules_are_values(self) -> None:
        a = VotingRules(method="SCORE", quorum=3)  # type: ignore[arg-type]
        b = VotingRules(method=VotingMethod.SCORE, quorum=3)
        assert a == b and hash(a) == hash(b)
        assert a != VotingRules(method=VotingMethod.SCORE, quorum=4)

    def test_role_weights_are_read_only(self) -> None:
        with pytest.raises(TypeError):
            VotingRules(method=VotingMethod.SCORE).role_weights["OWNER"] = 9.0  # type: ignore[index]

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"method": VotingMethod.QUADRATIC},
            {"method": VotingMethod.QUADRATIC, "credits_per_member": 0},
            {"method": VotingMethod.APPROVAL, "votes_per_member": 0},
            {"method": VotingMethod.APPROVAL, "quorum": -1},
            {"method": VotingMethod.APPROVAL, "max_voter_share": 0.0},
            {"method": VotingMethod.APPROVAL, "max_voter_share": 1.5},
            {"method": VotingMethod.APPROVAL, "support_threshold": 0},
            {"method": VotingMethod.APPROVAL, "min_account_age_hours": -2},
            {"method": VotingMethod.SCORE, "score_prior_strength": -1.0},
            {"method": VotingMethod.SCORE, "role_weights": {"OWNER": -1.0}},
            {"method": VotingMethod.SCORE, "reputation_cap": 0.5},
            {"method": "PLURALITY"},
            {"method": VotingMethod.SCORE, "weighting": "WEALTH"},
        ],
    )
    def test_inconsistent_rules_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(InvalidVotingRules):
            VotingRules(**kwargs)  # type: ignore[arg-type]

    def test_error_tree(self) -> None:
        for error in (InvalidVotingRules, VoteValueError, BudgetExceeded):
            assert issubclass(error, VotingRuleError)


class TestValidateVoteValue:
    def test_approval_is_one(self) -> None:
        validate_vote_value(APPROVAL, 1)
        for value in (0, 2, -1):
            with pytest.raises(VoteValueError):
                validate_vote_value(APPROVAL, value)

    def test_score_is_zero_to_five_stars(self) -> None:
        for value in range(6):
            validate_vote_value(SCORE, value)
        for value in (-1, 6, 100):
            with pytest.raises(VoteValueError, match="0 to 5"):
                validate_vote_value(SCORE, value)

    @pytest.mark.parametrize("value", [True, 2.5, "3", None])
    def test_non_integers_are_refused(self, value: object) -> None:
        with pytest.raises(VoteValueError, match="integer"):
            validate_vote_value(SCORE, value)  # type: ignore[arg-type]

    def test_quadratic_is_non_zero_within_credits(self) -> None:
        for value in (1, 3, -1, -3):
            validate_vote_value(QUADRATIC, value)  # 3² = 9 <= 10
        with pytest.raises(VoteValueError, match="16 credits of 10"):
            validate_vote_value(QUADRATIC, 4)
        with pytest.raises(VoteValueError, match="16 credits of 10"):
            validate_vote_value(QUADRATIC, -4)
        with pytest.raises(VoteValueError, match="retract"):
            validate_vote_value(QUADRATIC, 0)

    def test_ranked_takes_ballots_only(self) -> None:
        with pytest.raises(VoteValueError, match="ballots"):
            validate_vote_value(RANKED, 1)


class TestCheckBudget:
    def test_approval_third_support_exceeds_two(self) -> None:
        with pytest.raises(BudgetExceeded) as caught:
            check_budget(APPROVAL, {1: 1, 2: 1}, 3, 1)
        assert (caught.value.limit, caught.value.needed) == (2, 3)
        assert "budget is 2" in caught.value.message

    def test_approval_revote_and_retract_are_free(self) -> None:
        check_budget(APPROVAL, {1: 1, 2: 1}, 1, 1)
        check_budget(APPROVAL, {1: 1, 2: 1}, 1, None)
        check_budget(APPROVAL, {1: 1}, 2, 1)

    def test_approval_without_limit_is_unlimited(self) -> None:
        rules = VotingRules(method=VotingMethod.APPROVAL)
        check_budget(rules, {i: 1 for i in range(1000)}, 1001, 1)
        assert remaining_budget(rules, {1: 1}) is None

    def test_quadratic_spends_squares(self) -> None:
        check_budget(QUADRATIC, {1: 3}, 2, 1)  # 9 + 1 = 10
        check_budget(QUADRATIC, {1: 3}, 2, -1)  # opposition costs the same
        with pytest.raises(BudgetExceeded) as caught:
            check_budget(QUADRATIC, {1: 3}, 2, -2)  # 9 + 4 = 13
        assert (caught.value.limit, caught.value.needed) == (10, 13)

    def test_quadratic_replacement_replaces_cost(self) -> None:
        check_budget(QUADRATIC, {1: 3, 2: 1}, 1, -3)  # 9 + 1 -> 9 + 1
        check_budget(QUADRATIC, {1: 1, 2: 1}, 1, 3)  # 1 + 1 -> 9 + 1 = 10, fits
        with pytest.raises(BudgetExceeded) as caught:
            check_budget(QUADRATIC, {1: 2, 2: 1}, 2, 3)  # 4 + 1 -> 4 + 9 = 13
        assert caught.value.needed == 13

    def test_over_budget_voter_may_still_reduce(self) -> None:
        # rules changed under the voter: 3 supports against a limit of 2
        check_budget(APPROVAL, {1: 1, 2: 1, 3: 1}, 3, None)
        check_budget(APPROVAL, {1: 1, 2: 1, 3: 1}, 3, 1)
        with pytest.raises(BudgetExceeded):
            check_budget(APPROVAL, {1: 1, 2: 1, 3: 1}, 4, 1)

    def test_score_and_ranked_have_no_budget(self) -> None:
        check_budget(SCORE, {i: 5 for i in range(100)}, 101, 5)
        assert remaining_budget(SCORE, {1: 5}) is None
        assert remaining_budget(RANKED, {}) is None

    def test_remaining_budget(self) -> None:
        assert remaining_budget(APPROVAL, {}) == 2
        assert remaining_budget(APPROVAL, {7: 1}) == 1
        assert remaining_budget(QUADRATIC, {1: 3}) == 1
        assert remaining_budget(QUADRATIC, {1: -2, 2: 1}) == 5
        assert remaining_budget(QUADRATIC, {1: 3, 2: 3}) == 0  # over budget clamps to 0


OPS = st.lists(st.tuples(st.integers(1, 6), st.one_of(st.none(), st.integers(-6, 6))), max_size=40)


class TestBudgetProperties:
    @given(limit=st.integers(1, 5), ops=OPS)
    def test_approval_sequences_stay_within_budget(
        self, limit: int, ops: list[tuple[int, int | None]]
    ) -> None:
        rules = VotingRules(method=VotingMethod.APPROVAL, votes_per_member=limit)
        self._run(rules, ops, limit)

    @given(credits=st.integers(1, 40), ops=OPS)
    def test_quadratic_sequences_stay_within_budget(
        self, credits: int, ops: list[tuple[int, int | None]]
    ) -> None:
        rules = VotingRules(method=VotingMethod.QUADRATIC, credits_per_member=credits)
        self._run(rules, ops, credits)

    @staticmethod
    def _run(rules: VotingRules, ops: list[tuple[int, int | None]], limit: int) -> None:
        votes: dict[int, int] = {}
        for proposal_id, value in ops:
            if value is not None:
                try:
                    validate_vote_value(rules, value)
                except VoteValueError:
                    continue
            after = dict(votes)
            if value is None:
                after.pop(proposal_id, None)
            else:
                after[proposal_id] = value
            try:
                check_budget(rules, votes, proposal_id, value)
            except BudgetExceeded:
                # refused only when the change would overspend
                assert spent_budget(rules, after) > limit
                continue
            votes = after
            assert spent_budget(rules, votes) <= limit
            assert remaining_budget(rules, votes) == limit - spent_budget(rules, votes)


class TestSupportThreshold:
    def test_threshold_reached_at_equality(self) -> None:
        rules = VotingRules(method=VotingMethod.APPROVAL, support_threshold=10_000)
        assert reaches_support_threshold(rules, 10_000.0)
        assert not reaches_support_threshold(rules, 9_999.5)

    def test_no_threshold_never_shortlists(self) -> None:
        assert not reaches_support_threshold(APPROVAL, 1e9)


@given(
    method=st.sampled_from(list(VotingMethod)),
    values=st.lists(st.integers(min_value=-10, max_value=10), max_size=20),
)
def test_votes_cost_is_the_sum_of_each_votes_cost(method, values):
    # The batch charges a voter's other votes from (count, Σ value²) alone.
    squares = sum(v * v for v in values)
    assert votes_cost(method, len(values), squares) == sum(vote_cost(method, v) for v in values)


def test_check_budget_counts_what_is_spent_elsewhere():
    rules = VotingRules(method=VotingMethod.APPROVAL, votes_per_member=2)
    check_budget(rules, {}, 7, 1, spent_elsewhere=1)
    with pytest.raises(BudgetExceeded):
        check_budget(rules, {}, 7, 1, spent_elsewhere=2)
