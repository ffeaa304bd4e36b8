"""A member's reputation, computed from outcomes — never typed in. Pure: ``now`` is passed in.

Each outcome is worth points at the moment it happened:

| kind          | outcome                                                            | points        |
| ------------- | ------------------------------------------------------------------ | ------------- |
| PRODUCTION    | a proposal you authored reached production (IN_PRODUCTION)        | +25           |
| RATINGS       | a buyer's rating of a product you authored (its latest edit)       | +2 × (stars−3) |
| FORK_WINS     | someone else's fork of your proposal won its campaign              | +10           |
| MODERATION    | a moderator hid your proposal, comment or review (until restored)  | −15           |

Points decay with a half-life of ``HALF_LIFE_DAYS``: an outcome ``age`` days old counts
``points × 2^(−age / 180)``. The reputation is the sum, clamped to [0, ``CAP``] and rounded to
an integer (what ``REPUTATION`` weighting reads, through ``weights.reputation_weight``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

HALF_LIFE_DAYS = 180.0
CAP = 1000
PRODUCTION_POINTS = 25.0
FORK_WIN_POINTS = 10.0
MODERATION_POINTS = -15.0
RATING_POINTS_PER_STAR = 2.0
RATING_NEUTRAL_STARS = 3


class OutcomeKind(StrEnum):
    PRODUCTION = "PRODUCTION"
    RATINGS = "RATINGS"
    FORK_WINS = "FORK_WINS"
    MODERATION = "MODERATION"


@dataclass(frozen=True)
class Outcome:
    """One thing that happened to a member's work, worth ``points`` at time ``at``."""

    kind: OutcomeKind
    points: float
    at: datetime


@dataclass(frozen=True)
class Component:
    """One kind of outcome: how many, and their decayed points today."""

    kind: OutcomeKind
    count: int
    points: float


@dataclass(frozen=True)
class Reputation:
    """The stored value (``score``), the unclamped sum and each component."""

    score: int
    raw: float
    components: tuple[Component, ...]


def production(at: datetime) -> Outcome:
    return Outcome(OutcomeKind.PRODUCTION, PRODUCTION_POINTS, at)


def rating(stars: int, at: datetime) -> Outcome:
    if not 1 <= stars <= 5:
        raise ValueError(f"stars must be 1..5, got {stars}")
    return Outcome(OutcomeKind.RATINGS, RATING_POINTS_PER_STAR * (stars - RATING_NEUTRAL_STARS), at)


def fork_win(at: datetime) -> Outcome:
    return Outcome(OutcomeKind.FORK_WINS, FORK_WIN_POINTS, at)


def moderation(at: datetime) -> Outcome:
    return Outcome(OutcomeKind.MODERATION, MODERATION_POINTS, at)


def decayed(outcome: Outcome, now: datetime) -> float:
    """The outcome's points at ``now``: halved every HALF_LIFE_DAYS (never grown by a future)."""
    age_days = max(0.0, (now - outcome.at).total_seconds() / 86_400)
    return outcome.points * 2.0 ** (-age_days / HALF_LIFE_DAYS)


def reputation(outcomes: Iterable[Outcome], now: datetime) -> Reputation:
    """The member's reputation at ``now`` from every outcome of their work."""
    counts = dict.fromkeys(OutcomeKind, 0)
    points = dict.fromkeys(OutcomeKind, 0.0)
    for outcome in outcomes:
        counts[outcome.kind] += 1
        points[outcome.kind] += decayed(outcome, now)
    raw = sum(points.values())
    return Reputation(
        score=round(min(float(CAP), max(0.0, raw))),
        raw=raw,
        components=tuple(Component(kind, counts[kind], points[kind]) for kind in OutcomeKind),
    )


def standing_hides(actions: Iterable[tuple[str, int, str, datetime]]) -> list[datetime]:
    """Times of the hides that still stand, from (target type, target id, action, at) rows
    in time order: a RESTORE cancels the latest hide of the same target."""
    stacks: dict[tuple[str, int], list[datetime]] = {}
    for target_type, target_id, action, at in actions:
        stack = stacks.setdefault((target_type, target_id), [])
        if action == "HIDE":
            stack.append(at)
        elif stack:
            stack.pop()
    return sorted(at for stack in stacks.values() for at in stack)
