"""Ranking: live orders (TOP, HOT, NEW), campaign results and the Schulze method.

Pure: no I/O, no clock (``now`` is passed in), deterministic. Ties always break by
the caller's tie-break key (earlier first revision), then by the smaller proposal id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np

from brandhub.voting.methods import DEFAULT_PRIOR_STRENGTH, Tally, VotingMethod, score
from brandhub.voting.pairwise import pairwise_matrix

HOT_GRAVITY = 1.5


class RankOrder(StrEnum):
    """Live orderings of a campaign's proposals."""

    TOP = "TOP"
    HOT = "HOT"
    NEW = "NEW"


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One line of a result: rank (1..n, no shared ranks), proposal and its score."""

    rank: int
    proposal_id: int
    score: float


@dataclass(frozen=True, slots=True)
class CampaignResult:
    """A campaign's result: the ranking, and its winner when the quorum is met."""

    ranking: tuple[RankedEntry, ...]
    winner: int | None
    voters: int
    quorum_met: bool


def hot_score(score: float, age_hours: float, gravity: float = HOT_GRAVITY) -> float:
    """Hacker-News-style decay: score / (age_hours + 2) ** gravity (negative ages count as 0)."""
    return score / (max(0.0, age_hours) + 2.0) ** gravity


def ranking_key(
    order: RankOrder,
    *,
    score: float,
    created_at: datetime,
    first_revision_at: datetime,
    proposal_id: int,
    now: datetime,
) -> tuple[float | timedelta, datetime, int]:
    """Ascending sort key putting the best proposal first under ``order``."""
    match order:
        case RankOrder.TOP:
            primary: float | timedelta = -score
        case RankOrder.HOT:
            age = (now - created_at).total_seconds() / 3600.0
            primary = -hot_score(score, age)
        case RankOrder.NEW:
            primary = now - created_at
        case _:
            raise ValueError(f"unknown order {order!r}")
    return (primary, first_revision_at, proposal_id)


def _tiebreak_key(
    proposal_id: int, tiebreak: Mapping[int, tuple[object, ...]] | None
) -> tuple[object, ...]:
    return () if tiebreak is None else tiebreak[proposal_id]


def rank_results(
    method: VotingMethod,
    tallies: Mapping[int, Tally],
    *,
    prior_strength: float = DEFAULT_PRIOR_STRENGTH,
    tiebreak: Mapping[int, tuple[object, ...]] | None = None,
) -> list[RankedEntry]:
    """Rank proposals by score (APPROVAL, SCORE, QUADRATIC); RANKED results use schulze()."""
    if method is VotingMethod.RANKED:
        raise ValueError("RANKED results come from schulze(), not from tallies")
    weight_sum = sum(t.weight_sum for t in tallies.values())
    value_sum = sum(t.value_sum for t in tallies.values())
    scored = [
        (score(method, tally, weight_sum, value_sum, prior_strength), proposal_id)
        for proposal_id, tally in tallies.items()
    ]
    scored.sort(key=lambda item: (-item[0], _tiebreak_key(item[1], tiebreak), item[1]))
    return [RankedEntry(rank, pid, value) for rank, (value, pid) in enumerate(scored, start=1)]


def campaign_result(ranking: Sequence[RankedEntry], *, voters: int, quorum: int) -> CampaignResult:
    """Attach the winner to a ranking: none without votes or below the quorum."""
    quorum_met = voters >= quorum
    winner = ranking[0].proposal_id if ranking and quorum_met and voters > 0 else None
    return CampaignResult(tuple(ranking), winner, voters, quorum_met)


# --- Schulze -----------------------------------------------------------------------


def strongest_paths(d: np.ndarray) -> np.ndarray:
    """p[i][j]: strength of the strongest path from i to j, links weighted by winning votes."""
    p = np.where(d > d.T, d, 0.0)
    for i in range(p.shape[0]):
        np.maximum(p, np.minimum(p[:, i : i + 1], p[i : i + 1, :]), out=p)
    np.fill_diagonal(p, 0.0)
    return p


@dataclass(frozen=True)
class SchulzeResult:
    """Schulze outcome: matrices (indexed like ``candidates``), full ranking and winners.

    The ranking is a linear extension of the strongest-path relation: candidates are
    sorted by (beaten - beaten by), then tie-break key, then id; that score is the
    entry's score. Rank 1 is always one of ``winners`` (the unbeaten candidates).
    """

    candidates: tuple[int, ...]
    ranking: tuple[RankedEntry, ...]
    winners: frozenset[int]
    pairwise: np.ndarray = field(compare=False, repr=False)
    strongest_paths: np.ndarray = field(compare=False, repr=False)

    @property
    def order(self) -> tuple[int, ...]:
        """Candidate ids, best first."""
        return tuple(entry.proposal_id for entry in self.ranking)

    def beats(self, x: int, y: int) -> bool:
        """True when x is better than y: p[x][y] > p[y][x]."""
        i, j = self.candidates.index(x), self.candidates.index(y)
        return bool(self.strongest_paths[i, j] > self.strongest_paths[j, i])


def schulze(
    candidates: Sequence[int],
    ballots: Iterable[tuple[Sequence[int], float]],
    tiebreak: Mapping[int, tuple[object, ...]] | None = None,
) -> SchulzeResult:
    """Schulze method (winning votes) over weighted ranked ballots."""
    d = pairwise_matrix(candidates, ballots)
    p = strongest_paths(d)
    better = p > p.T
    wins, losses = better.sum(axis=1), better.sum(axis=0)
    net = {c: int(wins[i] - losses[i]) for i, c in enumerate(candidates)}
    order = sorted(candidates, key=lambda c: (-net[c], _tiebreak_key(c, tiebreak), c))
    ranking = tuple(RankedEntry(rank, c, float(net[c])) for rank, c in enumerate(order, start=1))
    winners = frozenset(c for i, c in enumerate(candidates) if losses[i] == 0)
    d.setflags(write=False)
    p.setflags(write=False)
    return SchulzeResult(tuple(candidates), ranking, winners, d, p)
