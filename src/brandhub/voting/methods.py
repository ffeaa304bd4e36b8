"""Voting methods: rules, vote values, budgets, incremental tallies and scores.

Pure: no I/O, no clock, deterministic. The database layer stores what these functions
compute; the recount replays the log through the same functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from brandhub.voting.weights import WeightingPolicy

SCORE_MIN = 0
SCORE_MAX = 5
DEFAULT_PRIOR_STRENGTH = 5.0
DEFAULT_ROLE_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"OWNER": 2.0, "MODERATOR": 1.5, "MEMBER": 1.0}
)


class VotingMethod(StrEnum):
    """How votes are cast and counted in a campaign."""

    APPROVAL = "APPROVAL"
    SCORE = "SCORE"
    QUADRATIC = "QUADRATIC"
    RANKED = "RANKED"


class VotingRuleError(Exception):
    """A vote or a rule set breaks the rules of the voting method."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidVotingRules(VotingRuleError):
    """The campaign's voting rules are inconsistent."""


class VoteValueError(VotingRuleError):
    """The value of a vote is not allowed by the campaign's method."""


class BudgetExceeded(VotingRuleError):
    """The vote would spend more than the voter's budget in the campaign."""

    def __init__(self, message: str, *, limit: int, needed: int) -> None:
        super().__init__(message)
        self.limit = limit
        self.needed = needed


@dataclass(frozen=True)
class VotingRules:
    """A campaign's voting rules; invalid combinations raise InvalidVotingRules."""

    method: VotingMethod
    weighting: WeightingPolicy = WeightingPolicy.EQUAL
    votes_per_member: int | None = None
    credits_per_member: int | None = None
    quorum: int = 0
    support_threshold: float | None = None
    min_account_age_hours: int = 0
    max_voter_share: float | None = None
    score_prior_strength: float = DEFAULT_PRIOR_STRENGTH
    role_weights: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_ROLE_WEIGHTS, hash=False
    )
    reputation_cap: float = 3.0
    pledge_cap: float = 3.0

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "method", VotingMethod(self.method))
            object.__setattr__(self, "weighting", WeightingPolicy(self.weighting))
        except ValueError as exc:
            raise InvalidVotingRules(str(exc)) from None
        roles = {str(role).upper(): float(w) for role, w in self.role_weights.items()}
        object.__setattr__(self, "role_weights", MappingProxyType(roles))
        for problem in _rule_problems(self):
            raise InvalidVotingRules(problem)


def _rule_problems(rules: VotingRules) -> Iterable[str]:
    if rules.method is VotingMethod.QUADRATIC and rules.credits_per_member is None:
        yield "QUADRATIC voting needs credits_per_member"
    if rules.votes_per_member is not None and rules.votes_per_member < 1:
        yield "votes_per_member must be at least 1"
    if rules.credits_per_member is not None and rules.credits_per_member < 1:
        yield "credits_per_member must be at least 1"
    if rules.quorum < 0:
        yield "quorum must be >= 0"
    if rules.support_threshold is not None and not rules.support_threshold > 0:
        yield "support_threshold must be > 0"
    if rules.min_account_age_hours < 0:
        yield "min_account_age_hours must be >= 0"
    if rules.max_voter_share is not None and not 0 < rules.max_voter_share <= 1:
        yield "max_voter_share must be in (0, 1]"
    if not rules.score_prior_strength >= 0:
        yield "score_prior_strength must be >= 0"
    if any(not (math.isfinite(w) and w >= 0) for w in rules.role_weights.values()):
        yield "role weights must be finite and >= 0"
    if not (rules.reputation_cap >= 1 and rules.pledge_cap >= 1):
        yield "reputation_cap and pledge_cap must be >= 1"


def validate_vote_value(rules: VotingRules, value: int) -> None:
    """Raise VoteValueError unless ``value`` is a valid castVote value under ``rules``."""
    if rules.method is VotingMethod.RANKED:
        raise VoteValueError("RANKED campaigns take ballots (castBallot), not single votes")
    if isinstance(value, bool) or not isinstance(value, int):
        raise VoteValueError(f"a vote value must be an integer, got {value!r}")
    match rules.method:
        case VotingMethod.APPROVAL if value != 1:
            raise VoteValueError("an APPROVAL vote has the value 1")
        case VotingMethod.SCORE if not SCORE_MIN <= value <= SCORE_MAX:
            raise VoteValueError(f"a SCORE vote is {SCORE_MIN} to {SCORE_MAX} stars")
        case VotingMethod.QUADRATIC:
            credits = rules.credits_per_member or 0
            if value == 0:
                raise VoteValueError("a QUADRATIC vote is non-zero; retract it instead")
            if value * value > credits:
                raise VoteValueError(f"{value} votes cost {value * value} credits of {credits}")


def vote_cost(method: VotingMethod, value: int) -> int:
    """Budget units one vote spends: 1 per APPROVAL support, n² credits per QUADRATIC vote."""
    match method:
        case VotingMethod.APPROVAL:
            return 1
        case VotingMethod.QUADRATIC:
            return value * value
        case _:
            return 0


def votes_cost(method: VotingMethod, count: int, squares: int) -> int:
    """Budget units spent by ``count`` votes whose values' squares sum to ``squares``
    (``vote_cost`` of each, summed)."""
    match method:
        case VotingMethod.APPROVAL:
            return count
        case VotingMethod.QUADRATIC:
            return squares
        case _:
            return 0


def budget_limit(rules: VotingRules) -> int | None:
    """The per-member budget of the campaign, or None when the method has none."""
    match rules.method:
        case VotingMethod.APPROVAL:
            return rules.votes_per_member
        case VotingMethod.QUADRATIC:
            return rules.credits_per_member
        case _:
            return None


def spent_budget(rules: VotingRules, existing: Mapping[int, int]) -> int:
    """Budget units spent by the voter's current votes {proposal_id: value}."""
    return sum(vote_cost(rules.method, value) for value in existing.values())


def remaining_budget(rules: VotingRules, existing: Mapping[int, int]) -> int | None:
    """Budget units left to the voter, or None when the method has no budget."""
    limit = budget_limit(rules)
    if limit is None:
        return None
    return max(0, limit - spent_budget(rules, existing))


def check_budget(
    rules: VotingRules,
    existing: Mapping[int, int],
    proposal_id: int,
    new_value: int | None,
    *,
    spent_elsewhere: int = 0,
) -> None:
    """Raise BudgetExceeded if setting (None: retracting) one vote would overspend.

    A vote on a proposal the voter already voted on replaces that vote and its cost.
    A change that does not raise the cost is always allowed, so a voter left over
    budget by a change of rules can still retract or reduce. ``existing`` may be some of
    the voter's votes (it must hold ``proposal_id``'s, if any), ``spent_elsewhere`` the
    budget spent by the others.
    """
    limit = budget_limit(rules)
    if limit is None:
        return
    before = spent_elsewhere + spent_budget(rules, existing)
    old_value = existing.get(proposal_id)
    old_cost = 0 if old_value is None else vote_cost(rules.method, old_value)
    new_cost = 0 if new_value is None else vote_cost(rules.method, new_value)
    after = before - old_cost + new_cost
    if after > limit and after > before:
        unit = "supports" if rules.method is VotingMethod.APPROVAL else "credits"
        raise BudgetExceeded(
            f"this vote needs {after} {unit}; the budget is {limit}", limit=limit, needed=after
        )


@dataclass(frozen=True, slots=True)
class TallyDelta:
    """An additive change to a Tally; deltas may be spread over counter slots and summed."""

    voters: int = 0
    pending: int = 0
    weight_sum: float = 0.0
    value_sum: float = 0.0

    def __add__(self, other: TallyDelta) -> TallyDelta:
        return TallyDelta(
            voters=self.voters + other.voters,
            pending=self.pending + other.pending,
            weight_sum=self.weight_sum + other.weight_sum,
            value_sum=self.value_sum + other.value_sum,
        )


@dataclass(frozen=True, slots=True)
class Tally:
    """Running totals of one proposal: counted voters (weight > 0), pending voters
    (weight 0), Σ weight and Σ weight·value."""

    voters: int = 0
    pending: int = 0
    weight_sum: float = 0.0
    value_sum: float = 0.0

    def apply(self, delta: TallyDelta) -> Tally:
        """The tally after adding ``delta``."""
        return Tally(
            voters=self.voters + delta.voters,
            pending=self.pending + delta.pending,
            weight_sum=self.weight_sum + delta.weight_sum,
            value_sum=self.value_sum + delta.value_sum,
        )


def sum_tallies(parts: Iterable[Tally]) -> Tally:
    """Sum slotted partial tallies of one proposal into its tally."""
    total = Tally()
    for part in parts:
        total = total.apply(TallyDelta(part.voters, part.pending, part.weight_sum, part.value_sum))
    return total


def vote_delta(method: VotingMethod, value: float, weight: float, sign: int = 1) -> TallyDelta:
    """The TallyDelta for adding (sign=+1) or removing (sign=-1) one vote.

    For RANKED, ``value`` is the ballot's points for the proposal (see ballot_points).
    """
    if sign not in (1, -1):
        raise ValueError(f"sign must be +1 or -1, got {sign}")
    if not (math.isfinite(weight) and weight >= 0):
        raise ValueError(f"weight must be finite and >= 0, got {weight!r}")
    if weight == 0:
        return TallyDelta(pending=sign)
    return TallyDelta(voters=sign, weight_sum=sign * weight, value_sum=sign * weight * value)


def replace_delta(
    method: VotingMethod, old: tuple[float, float], new: tuple[float, float]
) -> TallyDelta:
    """The TallyDelta for replacing one (value, weight) vote with another."""
    return vote_delta(method, old[0], old[1], sign=-1) + vote_delta(method, new[0], new[1])


def ballot_points(ranking: Sequence[int]) -> dict[int, int]:
    """Live-tally points of a ranked ballot: a modified Borda count.

    A ballot ranking k proposals gives k points to its first choice, k-1 to the
    second, ... 1 to the last; unranked proposals get nothing. Integer points keep
    the live tally exact; the campaign result itself is computed by Schulze.
    """
    if len(set(ranking)) != len(ranking):
        raise ValueError("a ballot ranks each proposal at most once")
    k = len(ranking)
    return {proposal_id: k - position for position, proposal_id in enumerate(ranking)}


def tally_votes(method: VotingMethod, votes: Iterable[tuple[float, float]]) -> Tally:
    """Recompute one proposal's (uncapped) tally from its (value, weight) votes."""
    tally = Tally()
    for value, weight in votes:
        tally = tally.apply(vote_delta(method, value, weight))
    return tally


def reaches_support_threshold(rules: VotingRules, proposal_score: float | Fraction) -> bool:
    """True when a proposal's score reaches the campaign's support threshold (shortlist)."""
    return rules.support_threshold is not None and proposal_score >= rules.support_threshold
