"""Voter weights: how much one member's vote counts, computed when the vote is cast.

Pure: no I/O, no clock (``now`` is passed in). The weight is stored on the vote and the
recount reuses the stored value, so these formulas only matter at cast time.

Every weight is rounded to a multiple of ``WEIGHT_QUANTUM`` (2**-10). Sums of such
numbers are exact in binary floating point (until about 2**43), so incremental tallies,
slotted counters summed on read and a recount from scratch agree to the last bit,
whatever order the votes are added in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from brandhub.voting.methods import VotingRules

WEIGHT_QUANTUM = 2.0**-10

# A doubling of accepted contributions adds a quarter of a vote: 0 -> 1.0, 3 -> 1.5,
# 15 -> 2.0, 255 -> 3.0 (the default cap).
REPUTATION_LOG2_DIVISOR = 4.0
# A doubling of pledged units adds half a vote: 0 -> 1.0, 1 -> 1.5, 3 -> 2.0,
# 15 -> 3.0 (the default cap).
PLEDGE_LOG2_DIVISOR = 2.0


class WeightingPolicy(StrEnum):
    """How a campaign decides each voter's weight."""

    EQUAL = "EQUAL"
    ROLE = "ROLE"
    REPUTATION = "REPUTATION"
    PLEDGE = "PLEDGE"


@dataclass(frozen=True, slots=True)
class VoterWeight:
    """A voter's weight; ``pending`` voters (too-young accounts) count with weight 0."""

    weight: float
    pending: bool = False


def quantize_weight(weight: float) -> float:
    """Round a non-negative weight to the nearest multiple of WEIGHT_QUANTUM."""
    if not math.isfinite(weight) or weight < 0:
        raise ValueError(f"weight must be a finite number >= 0, got {weight!r}")
    return round(weight / WEIGHT_QUANTUM) * WEIGHT_QUANTUM


def reputation_weight(reputation: int, cap: float) -> float:
    """Weight for ``reputation`` accepted contributions: min(cap, 1 + log2(1 + r) / 4)."""
    if reputation < 0:
        raise ValueError(f"reputation must be >= 0, got {reputation}")
    return min(cap, 1.0 + math.log2(1 + reputation) / REPUTATION_LOG2_DIVISOR)


def pledge_weight(pledged_units: int, cap: float) -> float:
    """Weight for ``pledged_units`` pledged units: min(cap, 1 + log2(1 + units) / 2)."""
    if pledged_units < 0:
        raise ValueError(f"pledged_units must be >= 0, got {pledged_units}")
    return min(cap, 1.0 + math.log2(1 + pledged_units) / PLEDGE_LOG2_DIVISOR)


def is_pending(*, account_created_at: datetime, now: datetime, min_account_age_hours: int) -> bool:
    """True when the account is younger than ``min_account_age_hours`` at ``now``."""
    return now - account_created_at < timedelta(hours=min_account_age_hours)


def voter_weight(
    rules: VotingRules,
    *,
    role: str,
    reputation: int,
    pledged_units: int,
    account_created_at: datetime,
    now: datetime,
) -> VoterWeight:
    """Weight of one voter under the campaign's rules at time ``now``."""
    if is_pending(
        account_created_at=account_created_at,
        now=now,
        min_account_age_hours=rules.min_account_age_hours,
    ):
        return VoterWeight(weight=0.0, pending=True)
    match rules.weighting:
        case WeightingPolicy.EQUAL:
            weight = 1.0
        case WeightingPolicy.ROLE:
            try:
                weight = rules.role_weights[role.upper()]
            except KeyError:
                raise ValueError(f"no weight configured for role {role!r}") from None
        case WeightingPolicy.REPUTATION:
            weight = reputation_weight(reputation, rules.reputation_cap)
        case WeightingPolicy.PLEDGE:
            weight = pledge_weight(pledged_units, rules.pledge_cap)
        case _:
            raise ValueError(f"unknown weighting policy {rules.weighting!r}")
    return VoterWeight(weight=quantize_weight(weight), pending=False)
