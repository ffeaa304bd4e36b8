"""Checking recorded stage crossings against vote chains — pure, shared by ``brandhub recount``
(from the database) and ``brandhub verify`` (from an audit file).

A crossing (proposal, stage, time) is justified when the support the chains hold at that
time reaches the stage's threshold: each chain's vote on the proposal as of the crossing
(``vote.cast`` sets it, ``vote.retracted`` clears it, ``vote.reweighted`` changes its
weight), with the weight it was cast with (pending: 0), capped at ``maxVoterShare`` — the
same count the live check made. Chains are fed one at a time, so a file streams through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

from brandhub.ladder.rules import Ladder
from brandhub.voting import scoring
from brandhub.voting.methods import VotingMethod


@dataclass(frozen=True)
class Crossing:
    proposal: int
    stage: int
    at: datetime


class CrossingCheck:
    """Each crossing's support at its time, summed chain by chain."""

    def __init__(self, ladder: Ladder, crossings: Sequence[Crossing], share: Fraction | None):
        self.ladder, self.crossings, self.share = ladder, list(crossings), share
        self._by_proposal: dict[int, list[int]] = {}
        for i, crossing in enumerate(self.crossings):
            self._by_proposal.setdefault(crossing.proposal, []).append(i)
        # Per crossing: the weight histogram {quanta: (voters, Σ value)} of the votes it counts.
        self._bins: list[dict[int, tuple[int, int]]] = [{} for _ in self.crossings]

    def wants(self, proposal: Any) -> bool:
        """Whether events on ``proposal`` matter (anything else need not be kept)."""
        return proposal in self._by_proposal

    def add_chain(self, log: Iterable[tuple[datetime, dict[str, Any]]]) -> None:
        """One voter's events (time, payload) in chain order."""
        votes: dict[int, tuple[int, float] | None] = {}
        timeline: list[tuple[datetime, dict[int, tuple[int, float] | None]]] = []
        for when, payload in log:
            proposal = payload.get("proposal")
            match payload.get("type"):
                case "vote.cast" if self.wants(proposal):
                    votes[proposal] = (payload["value"], payload["weight"])
                case "vote.retracted" if self.wants(proposal):
                    votes[proposal] = None
                case "vote.reweighted":
                    votes = {
                        p: (v[0], payload["weight"]) if v is not None else None
                        for p, v in votes.items()
                    }
                case _:
                    continue
            timeline.append((when, dict(votes)))
        if not timeline:
            return
        for i, crossing in enumerate(self.crossings):
            vote = None
            for when, state in timeline:
                if when > crossing.at:
                    break
                vote = state.get(crossing.proposal)
            if vote is None or scoring.quanta(vote[1]) <= 0:
                continue
            q = scoring.quanta(vote[1])
            voters, values = self._bins[i].get(q, (0, 0))
            self._bins[i][q] = (voters + 1, values + vote[0])

    def support(self, i: int) -> Fraction:
        """The counted support of crossing ``i`` once every chain was added."""
        bins = self._bins[i]
        support = scoring.Support(
            sum(q * n for q, (n, _) in bins.items()),
            sum(q * v for q, (_, v) in bins.items()),
            dict(bins),
        )
        weight, value = scoring.capped(support, self.share)
        return scoring.score_of(VotingMethod.APPROVAL, weight, value)

    def problems(self, where: str = "ladder of proposal {proposal}") -> list[str]:
        """Crossings out of order, or short of their threshold (none: [])."""
        found: list[str] = []
        for proposal, indices in sorted(self._by_proposal.items()):
            place = where.format(proposal=proposal)
            stages = [self.crossings[i].stage for i in indices]
            if stages != list(range(1, len(stages) + 1)):
                found.append(f"{place}: stages crossed {stages}, not 1, 2, … each once")
            for i in indices:
                crossing = self.crossings[i]
                if not 1 <= crossing.stage <= self.ladder.last:
                    found.append(f"{place}: stage {crossing.stage} is not a stage of the ladder")
                    continue
                threshold = self.ladder.stages[crossing.stage - 1].supporters
                counted = self.support(i)
                if counted < threshold:
                    found.append(
                        f"{place}: stage {crossing.stage} recorded at "
                        f"{crossing.at.isoformat()} needs {threshold} supporters; the vote "
                        f"chains count {scoring.text(counted)} then"
                    )
        return found
