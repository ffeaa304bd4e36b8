"""What a set of star ratings shows: its distribution and its Bayesian average. Pure.

The Bayesian average adds ``PRIOR_STRENGTH`` phantom ratings of ``PRIOR_MEAN`` stars to the
real ones: (C·m + Σ stars) / (C + n), with m = 3 (the middle of the scale) and C = 5. A product
with two 5-star ratings shows 3.57, one with two hundred 4.8s shows 4.76: a handful of
enthusiastic first buyers cannot outrank a well-established product.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

PRIOR_MEAN = 3.0
PRIOR_STRENGTH = 5
STARS = range(1, 6)


@dataclass(frozen=True)
class RatingSummary:
    """Counts per star (1★ first), the plain mean and the Bayesian average."""

    distribution: tuple[int, int, int, int, int]
    count: int
    average: float | None
    bayesian_average: float


def bayesian_average(total_stars: int, count: int) -> float:
    """(C·m + Σ stars) / (C + n): the prior's pull fades as ratings accumulate."""
    if count < 0 or total_stars < 0:
        raise ValueError("count and total_stars must be >= 0")
    return (PRIOR_STRENGTH * PRIOR_MEAN + total_stars) / (PRIOR_STRENGTH + count)


def summarize(counts: Mapping[int, int]) -> RatingSummary:
    """A summary from the number of ratings per star value (1–5)."""
    if any(star not in STARS or n < 0 for star, n in counts.items()):
        raise ValueError(f"counts must map 1..5 to non-negative numbers, got {dict(counts)!r}")
    distribution = tuple(counts.get(star, 0) for star in STARS)
    count = sum(distribution)
    total = sum(star * n for star, n in zip(STARS, distribution, strict=True))
    return RatingSummary(
        distribution=distribution,  # type: ignore[arg-type]
        count=count,
        average=total / count if count else None,
        bayesian_average=bayesian_average(total, count),
    )


def summarize_stars(stars: Iterable[int]) -> RatingSummary:
    """A summary of individual star values."""
    counts: dict[int, int] = {}
    for star in stars:
        counts[star] = counts.get(star, 0) + 1
    return summarize(counts)
