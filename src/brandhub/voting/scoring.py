"""Exact scores: weights as integers of quanta, fractions for the SCORE mean and the cap.

Pure: no I/O, no clock. Every weight is a multiple of WEIGHT_QUANTUM (2**-10), so a sum of
weights is an integer number of quanta; a SCORE mean and a ``maxVoterShare`` water level
are ``Fraction``s. Two proposals tie only when their exact scores are equal, never because
of floating-point noise. The live leaderboard, the close and the audit verifier all score
through these functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

from brandhub.voting.methods import Tally, VotingMethod, VotingRules

QUANTA_PER_WEIGHT = 1024
# Proposal -> {weight in quanta: (voters, Σ value)}: votes of one weight are counted together.
Histogram = Mapping[int, tuple[int, int]]


def quanta(weight: float) -> int:
    """A weight as an integer number of quanta; ValueError unless it is an exact multiple."""
    if not (math.isfinite(weight) and weight >= 0):
        raise ValueError(f"weight must be finite and >= 0, got {weight!r}")
    exact = float(weight) * QUANTA_PER_WEIGHT  # times a power of two: exact in binary
    if not exact.is_integer():
        raise ValueError(f"weight {weight!r} is not a multiple of 2**-10")
    return int(exact)


def exact_decimal(number: float | int) -> Fraction:
    """The decimal a rule was written as (its shortest round-trip form), exactly: 0.6 -> 3/5."""
    if isinstance(number, bool) or not math.isfinite(number):
        raise ValueError(f"not a finite number: {number!r}")
    return Fraction(repr(number)) if isinstance(number, float) else Fraction(number)


def voter_share(rules: VotingRules) -> Fraction | None:
    """The exact ``maxVoterShare`` when a voter's share is capped (never for RANKED), else
    None."""
    if rules.max_voter_share is None or rules.method is VotingMethod.RANKED:
        return None
    return exact_decimal(rules.max_voter_share)


def text(value: Fraction) -> str:
    """An exact score as text: "3", "-1/2", "15/8" (lowest terms)."""
    return str(value)


def parse(value: str) -> Fraction:
    """The exact score written by ``text``; ValueError on anything else."""
    fraction = Fraction(value)
    if text(fraction) != value:
        raise ValueError(f"not an exact score in lowest terms: {value!r}")
    return fraction


@dataclass(frozen=True, slots=True)
class Support:
    """A proposal's counted votes in quanta: Σ weight, Σ weight·value, and (when the voter
    share is capped) the histogram of weights it was summed from."""

    weight: int = 0
    value: int = 0
    bins: Histogram = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of_tally(cls, tally: Tally, bins: Histogram | None = None) -> Support:
        """From a live tally (float sums of quanta, exact below 2**43)."""
        return cls(
            signed_quanta(tally.weight_sum),
            signed_quanta(tally.value_sum),
            MappingProxyType(dict(bins or {})),
        )


def signed_quanta(value: float) -> int:
    """Like ``quanta`` for sums that may be negative (QUADRATIC opposition)."""
    return quanta(value) if value >= 0 else -quanta(-value)


def water_level(bins: Histogram, share: Fraction) -> Fraction | None:
    """The level T (in quanta) above which weights are lowered so that no voter has more than
    ``share`` of the capped total; None when nobody needs capping.

    Capping the voters in the heaviest bins at T solves T = s·(J·T + R), i.e.
    T = s·R / (1 − s·J), with J the voters capped and R the weight left below them; the
    level is the first whose T is at least the next lighter weight. When fewer than 1/s
    voters have weight, no level works and every weight falls to the lightest one.
    """
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share}")
    levels = sorted((q for q, (n, _) in bins.items() if q > 0 and n > 0), reverse=True)
    if not levels:
        return None
    counts = {q: bins[q][0] for q in levels}
    total = sum(q * counts[q] for q in levels)
    if levels[0] <= share * total:
        return None
    voters = sum(counts.values())
    if voters * share < 1:
        return Fraction(levels[-1])
    capped, above = 0, 0
    for index, q in enumerate(levels[:-1]):
        capped += counts[q]
        above += q * counts[q]
        headroom = 1 - share * capped
        if headroom <= 0:
            break
        level = share * (total - above) / headroom
        if level >= levels[index + 1]:
            return level
    return Fraction(levels[-1])


def capped(support: Support, share: Fraction | None) -> tuple[Fraction, Fraction]:
    """(Σ weight, Σ weight·value) in quanta after capping each voter's share of the proposal."""
    if share is None:
        return Fraction(support.weight), Fraction(support.value)
    level = water_level(support.bins, share)
    if level is None:
        return Fraction(support.weight), Fraction(support.value)
    weight = value = Fraction(0)
    for q, (voters, value_sum) in support.bins.items():
        w = min(Fraction(q), level)
        weight += w * voters
        value += w * value_sum
    return weight, value


def prior(sums: Iterable[tuple[Fraction, Fraction]]) -> Fraction:
    """The SCORE prior m: the weighted mean over every (Σ weight, Σ weight·value) given."""
    total_weight = total_value = Fraction(0)
    for weight, value in sums:
        total_weight += weight
        total_value += value
    return total_value / total_weight if total_weight else Fraction(0)


def score_of(
    method: VotingMethod,
    weight: Fraction,
    value: Fraction,
    *,
    prior_mean: Fraction = Fraction(0),
    prior_strength: Fraction = Fraction(0),
) -> Fraction:
    """One proposal's exact score from its (Σ weight, Σ weight·value) in quanta.

    APPROVAL: Σ weight. QUADRATIC, and RANKED's live board: Σ weight·value. SCORE: the
    Bayesian mean (C·m + Σ w·v) / (C + Σ w), C = ``prior_strength`` votes of weight 1 and m
    the campaign's weighted mean; with no weight at all (C = 0, no votes) it is m.
    """
    match method:
        case VotingMethod.APPROVAL:
            return weight / QUANTA_PER_WEIGHT
        case VotingMethod.SCORE:
            strength = prior_strength * QUANTA_PER_WEIGHT
            if strength + weight == 0:
                return prior_mean
            return (strength * prior_mean + value) / (strength + weight)
        case _:
            return value / QUANTA_PER_WEIGHT


def scores(
    method: VotingMethod,
    sums: Mapping[int, tuple[Fraction, Fraction]],
    prior_strength: Fraction,
) -> dict[int, Fraction]:
    """Every proposal's exact score; the SCORE prior is the mean over all of ``sums``."""
    mean = prior(sums.values()) if method is VotingMethod.SCORE else Fraction(0)
    return {
        pid: score_of(method, w, v, prior_mean=mean, prior_strength=prior_strength)
        for pid, (w, v) in sums.items()
    }
