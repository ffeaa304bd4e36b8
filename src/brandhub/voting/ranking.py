"""Ranking: live orders (TOP, HOT, NEW), campaign results and the Schulze method.

Pure: no I/O, no clock (``now`` is passed in), deterministic. Scores are exact; proposals
whose exact scores are equal are *tied* and the tie breaks by the documented rule:
SCORE first puts the proposal with more counted weight ahead (an unvoted proposal never
wins a tie against a voted one), then every method takes the earlier first revision,
then the smaller proposal id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction

import numpy as np

from brandhub.voting import scoring
from brandhub.voting.methods import DEFAULT_PRIOR_STRENGTH, Tally, VotingMethod
from brandhub.voting.pairwise import pairwise_matrix
from brandhub.voting.scoring import Support

HOT_GRAVITY = 1.5
# The documented tie-break of each method (README, schema): equal exact scores only.
TIE_BREAK = {
    VotingMethod.APPROVAL: "equal weighted support: earlier first revision, then smaller id",
    VotingMethod.QUADRATIC: "equal weighted votes: earlier first revision, then smaller id",
    VotingMethod.SCORE: "equal Bayesian means: more counted weight first (an unvoted proposal "
    "never wins a tie against a voted one), then earlier first revision, then smaller id",
    VotingMethod.RANKED: "equal Schulze standing (wins minus losses on strongest paths): "
    "earlier first revision, then smaller id",
}


class RankOrder(StrEnum):
    """Live orderings of a campaign's proposals."""

    TOP = "TOP"
    HOT = "HOT"
    NEW = "NEW"


@dataclass(frozen=True, slots=True)
class RankedEntry:
    """One line of a result: rank (1..n, no shared ranks), proposal, its exact score, and
    whether another proposal has the same score (the place was decided by the tie-break)."""

    rank: int
    proposal_id: int
    score: Fraction
    tied: bool = False


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
    tallies: Mapping[int, Tally | Support],
    *,
    prior_strength: float | Fraction = DEFAULT_PRIOR_STRENGTH,
    max_voter_share: float | Fraction | None = None,
    tiebreak: Mapping[int, tuple[object, ...]] | None = None,
) -> list[RankedEntry]:
    """Rank proposals by exact score (APPROVAL, SCORE, QUADRATIC); RANKED results use schulze().

    With ``max_voter_share`` each proposal's weights are capped first (its Support must
    carry the weight histogram). The SCORE prior is the mean over the proposals given.
    """
    if method is VotingMethod.RANKED:
        raise ValueError("RANKED results come from schulze(), not from tallies")
    share = _exact(max_voter_share) if max_voter_share is not None else None
    supports = {
        pid: t if isinstance(t, Support) else Support.of_tally(t) for pid, t in tallies.items()
    }
    sums = {pid: scoring.capped(support, share) for pid, support in supports.items()}
    exact = scoring.scores(method, sums, _exact(prior_strength))
    evidence = method is VotingMethod.SCORE
    order = sorted(
        exact,
        key=lambda pid: (
            -exact[pid],
            -sums[pid][0] if evidence else 0,
            _tiebreak_key(pid, tiebreak),
            pid,
        ),
    )
    return entries(order, exact)


def _exact(number: float | Fraction) -> Fraction:
    return number if isinstance(number, Fraction) else scoring.exact_decimal(number)


def entries(order: Sequence[int], exact: Mapping[int, Fraction]) -> list[RankedEntry]:
    """Ranked entries in ``order``, each flagged when its score equals a neighbour's."""
    entries = []
    for index, pid in enumerate(order):
        tied = (index > 0 and exact[order[index - 1]] == exact[pid]) or (
            index + 1 < len(order) and exact[order[index + 1]] == exact[pid]
        )
        entries.append(RankedEntry(index + 1, pid, exact[pid], tied))
    return entries


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
    ranking = tuple(entries(order, {c: Fraction(n) for c, n in net.items()}))
    winners = frozenset(c for i, c in enumerate(candidates) if losses[i] == 0)
    d.setflags(write=False)
    p.setflags(write=False)
    return SchulzeResult(tuple(candidates), ranking, winners, d, p)
