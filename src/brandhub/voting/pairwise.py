"""The Schulze pairwise matrix, vectorised over ballots.

Pure: no I/O. ``d[i][j]`` is the weighted number of ballots ranking ``candidates[i]`` above
``candidates[j]``; a ballot ranks any subset in preference order, unranked candidates sit
below the ranked ones, tied among themselves, and ids that are not candidates are ignored.

Weights are rounded to multiples of WEIGHT_QUANTUM and counted as integers, so the matrix
is exact and independent of ballot order. Ballots are processed in buckets of equal length,
each by the cheaper of two exact strategies:

- *pairs* (short ballots): every (ranked, ranked-at-or-above) pair of a ballot is one
  scatter-add; a ballot of k costs k(k+1)/2 adds, whatever the number of candidates;
- *positions* (long ballots): each candidate's level in every ballot is one row of an
  (n × ballots) array, and row x compared with all rows at once counts, for every y, the
  ballots ranking x above y; a ballot costs n² byte compares, which SIMD makes ~10x
  cheaper than scatter-adds. Full rankings need only half of them (d[y][x] = total - d[x][y]).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from brandhub.voting.weights import WEIGHT_QUANTUM

# Upper bound on the (ballot, pair) cells handed to numpy at once, to bound memory.
_PAIR_CHUNK = 1 << 22
# A scatter-add costs about this many byte compares (measured on x86-64 with numpy 2).
_SCATTER_COST = 8
# Ids up to this bound are mapped to candidate indexes through a lookup table.
_LOOKUP_LIMIT = 1 << 22
# Beyond this many distinct weights in a bucket, count by weight bits instead of by weight.
_MAX_WEIGHT_GROUPS = 24

Ballots = Iterable[tuple[Sequence[int], float]]


def pairwise_matrix(candidates: Sequence[int], ballots: Ballots) -> np.ndarray:
    """d[i][j]: weighted number of ballots ranking candidates[i] above candidates[j]."""
    n = len(candidates)
    ids = np.asarray(candidates, dtype=np.int64).reshape(n)
    if len(np.unique(ids)) != n:
        raise ValueError("candidates must be distinct")
    d = np.zeros((n, n), dtype=np.int64)
    for length, (rankings, units) in _buckets(ballots).items():
        raw = np.array(rankings, dtype=np.int64).reshape(len(rankings), length)
        _refuse_repeats(raw)
        ranks = _candidate_indexes(ids, raw)
        weights = np.array(units, dtype=np.int64)
        if n == 0 or length == 0:
            continue
        if length * (length + 1) // 2 * _SCATTER_COST < n * n:
            d += _by_pairs(ranks, weights, n)
        else:
            d += _by_positions(ranks, weights, n)
    return d * WEIGHT_QUANTUM


def _buckets(ballots: Ballots) -> dict[int, tuple[list[Sequence[int]], list[int]]]:
    """Ballots of positive weight grouped by length, weights as integer quanta."""
    buckets: dict[int, tuple[list[Sequence[int]], list[int]]] = defaultdict(lambda: ([], []))
    for ranking, weight in ballots:
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"ballot weight must be finite and >= 0, got {weight!r}")
        units = round(weight / WEIGHT_QUANTUM)
        if units and len(ranking):
            rankings, weights = buckets[len(ranking)]
            rankings.append(ranking)
            weights.append(units)
    return buckets


def _refuse_repeats(raw: np.ndarray) -> None:
    """Raise ValueError if a ballot ranks the same id twice."""
    if raw.shape[1] < 2:
        return
    ordered = np.sort(raw, axis=1)
    repeated = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
    if len(repeated):
        raise ValueError(f"a ballot ranks a proposal twice: {raw[repeated[0]].tolist()!r}")


def _candidate_indexes(ids: np.ndarray, raw: np.ndarray) -> np.ndarray:
    """Each ballot entry's candidate index, or -1 for ids that are not candidates."""
    if len(ids) == 0:
        return np.full(raw.shape, -1, dtype=np.int64)
    low, high = min(int(ids.min()), int(raw.min())), max(int(ids.max()), int(raw.max()))
    if high - low < _LOOKUP_LIMIT:
        table = np.full(high - low + 1, -1, dtype=np.int64)
        table[ids - low] = np.arange(len(ids))
        return table[raw - low]
    order = np.argsort(ids)
    at = np.searchsorted(ids[order], raw).clip(0, len(ids) - 1)
    return np.where(ids[order][at] == raw, order[at], -1)


def _by_pairs(ranks: np.ndarray, units: np.ndarray, n: int) -> np.ndarray:
    """Scatter-add each ballot's pairs: d[x][y] = (weight ranking x) - (weight ranking both,
    y at or above x)."""
    k = ranks.shape[1]
    valid = ranks >= 0
    ranked = np.bincount(
        ranks[valid], weights=np.broadcast_to(units[:, None], ranks.shape)[valid], minlength=n
    )
    lower, upper = np.tril_indices(k)
    at_or_above = np.zeros(n * n)
    step = max(1, _PAIR_CHUNK // len(lower))
    for start in range(0, len(ranks), step):
        below, above = ranks[start : start + step, lower], ranks[start : start + step, upper]
        both = (below >= 0) & (above >= 0)
        cells = (below * n + above)[both]
        weights = np.broadcast_to(units[start : start + step, None], both.shape)[both]
        at_or_above += np.bincount(cells, weights=weights, minlength=n * n)
    d = ranked[:, None] - at_or_above.reshape(n, n)
    return np.rint(d).astype(np.int64)


def _by_positions(ranks: np.ndarray, units: np.ndarray, n: int) -> np.ndarray:
    """Compare every candidate's levels with every other's, all ballots at once."""
    count, k = ranks.shape
    dtype = np.uint8 if k < 255 else np.uint16
    # levels[x, b]: the level of candidate x in ballot b; k (below every level) if unranked.
    levels = np.full((n, count), k, dtype=dtype)
    valid = ranks >= 0
    ballot_of = np.broadcast_to(np.arange(count)[:, None], ranks.shape)
    level_of = np.broadcast_to(np.arange(k, dtype=dtype)[None, :], ranks.shape)
    levels[ranks[valid], ballot_of[valid]] = level_of[valid]
    complete = bool(valid.sum(axis=1).min() == n)  # every ballot ranks every candidate
    d = np.zeros((n, n), dtype=np.int64)
    for group, multiplier in _weight_groups(levels, units):
        for x in range(n):
            rest = group[x + 1 :] if complete else group
            above = np.count_nonzero(group[x] < rest, axis=1)
            if complete:
                d[x, x + 1 :] += multiplier * above
            else:
                d[x] += multiplier * above
    if complete:
        lower = np.tril_indices(n, -1)
        d[lower] = int(units.sum()) - d.T[lower]
    return d


def _weight_groups(levels: np.ndarray, units: np.ndarray) -> list[tuple[np.ndarray, int]]:
    """Split ballots (columns) into groups that each count with one integer multiplier:
    one group per distinct weight, or, when there are many, one per bit of the weights."""
    distinct = np.unique(units)
    if len(distinct) <= _MAX_WEIGHT_GROUPS:
        return [(np.ascontiguousarray(levels[:, units == u]), int(u)) for u in distinct]
    groups = []
    for bit in range(int(units.max()).bit_length()):
        chosen = (units >> bit) & 1 == 1
        if chosen.any():
            groups.append((np.ascontiguousarray(levels[:, chosen]), 1 << bit))
    return groups
