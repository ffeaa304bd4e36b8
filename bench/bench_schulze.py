"""Benchmark the Schulze count on large weighted elections (run by hand, not a test).

    .venv/bin/python bench/bench_schulze.py [--seed N] [--repeat R]

Prints the time to build the pairwise matrix, the strongest paths and the whole
schulze() call for random ballots, and ballots per second.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from brandhub.voting.ranking import pairwise_matrix, schulze, strongest_paths

WEIGHTS = np.array([1.0, 1.0, 1.0, 1.5, 2.0, 2.5, 3.0])


def random_ballots(
    rng: np.random.Generator, candidates: int, ballots: int, min_len: int, max_len: int
) -> list[tuple[list[int], float]]:
    """Ballots ranking a random subset (length min_len..max_len) with varied weights."""
    # Skewed popularity (some proposals are favourites); Gumbel-top-k draws each ballot
    # as a popularity-weighted sample without replacement, in preference order.
    log_popularity = np.log(rng.zipf(1.5, size=candidates).astype(float))
    lengths = rng.integers(min_len, max_len + 1, size=ballots)
    weights = rng.choice(WEIGHTS, size=ballots)
    out: list[tuple[list[int], float]] = []
    for start in range(0, ballots, 5_000):
        stop = min(ballots, start + 5_000)
        keys = log_popularity + rng.gumbel(size=(stop - start, candidates))
        orders = np.argsort(-keys, axis=1)[:, :max_len] + 1
        for row, length, weight in zip(
            orders.tolist(), lengths[start:stop], weights[start:stop], strict=True
        ):
            out.append((row[:length], float(weight)))
    return out


def naive_pairwise(candidates: Sequence[int], ballots: list) -> list[list[float]]:
    """Reference count in plain Python, one pair at a time (for the speed-up ratio)."""
    n = len(candidates)
    index = {c: i for i, c in enumerate(candidates)}
    d = [[0.0] * n for _ in range(n)]
    for ranking, weight in ballots:
        ranked = [index[c] for c in ranking]
        unranked = set(range(n)).difference(ranked)
        for a, x in enumerate(ranked):
            row = d[x]
            for y in ranked[a + 1 :]:
                row[y] += weight
            for y in unranked:
                row[y] += weight
    return d


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Fastest wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(label: str, candidates: Sequence[int], ballots: list, repeat: int) -> None:
    """Time the three stages on one election and print a line of figures."""
    d = pairwise_matrix(candidates, ballots)
    t_matrix = best_of(repeat, lambda: pairwise_matrix(candidates, ballots))
    t_paths = best_of(repeat, lambda: strongest_paths(d))
    t_total = best_of(repeat, lambda: schulze(candidates, ballots))
    result = schulze(candidates, ballots)
    sample = ballots[: max(1, len(ballots) // 50)]
    t_naive = best_of(1, lambda: naive_pairwise(candidates, sample)) * len(ballots) / len(sample)
    print(
        f"{label:<40} pairwise {t_matrix:7.3f}s  paths {t_paths:6.3f}s  "
        f"schulze {t_total:7.3f}s  {len(ballots) / t_total:>10,.0f} ballots/s  "
        f"naive pairwise ~{t_naive:6.1f}s (x{t_naive / t_matrix:,.0f})  "
        f"winner {result.order[0]} ({len(result.winners)} unbeaten)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    candidates = list(range(1, 201))

    partial = random_ballots(rng, 200, 100_000, 1, 10)
    measure("200 candidates, 100,000 ballots of 1-10", candidates, partial, args.repeat)

    full = random_ballots(rng, 200, 10_000, 200, 200)
    measure("200 candidates, 10,000 full rankings", candidates, full, args.repeat)

    small = random_ballots(rng, 20, 100_000, 1, 5)
    measure("20 candidates, 100,000 ballots of 1-5", candidates[:20], small, args.repeat)


if __name__ == "__main__":
    main()
