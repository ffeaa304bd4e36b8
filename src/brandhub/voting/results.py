"""Counting a campaign's result with the pure core, one vote or ballot at a time (close and
recount share it). Memory is O(proposals) for the additive methods; a ``maxVoterShare`` cap
needs each proposal's weights, and Schulze the ballots (identical ones grouped)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from brandhub.voting import methods, ranking
from brandhub.voting.methods import Tally, VotingMethod, VotingRules


class Count:
    """Folds votes or ballots into a result over ``candidates`` {proposal: first revision}."""

    def __init__(
        self, rules: VotingRules, candidates: Mapping[int, datetime], *, live_tallies: bool = True
    ) -> None:
        self.rules = rules
        self.candidates = candidates
        self.live_tallies = live_tallies
        self.voters: set[int] = set()
        self.tallies: dict[int, Tally] = defaultdict(Tally)
        self.weights: dict[int, list[tuple[float, float]]] = defaultdict(list)
        self.ballots: Counter[tuple[tuple[int, ...], float]] = Counter()

    def add_vote(self, voter: int, proposal: int, value: int, weight: float) -> None:
        """One current vote; votes on proposals out of the count (withdrawn, hidden) are ignored."""
        if proposal not in self.candidates:
            return
        if weight > 0:
            self.voters.add(voter)
        if self.rules.max_voter_share is not None:
            self.weights[proposal].append((value, weight))
        self.tallies[proposal] = self.tallies[proposal].apply(
            methods.vote_delta(self.rules.method, value, weight)
        )

    def add_ballot(self, voter: int, order: list[int], weight: float) -> None:
        """One current ranked ballot."""
        if self.live_tallies:
            for pid, points in methods.ballot_points(order).items():
                self.tallies[pid] = self.tallies[pid].apply(
                    methods.vote_delta(VotingMethod.RANKED, points, weight)
                )
        if weight > 0:
            self.voters.add(voter)
            self.ballots[(tuple(p for p in order if p in self.candidates), weight)] += 1

    def result(self) -> tuple[ranking.CampaignResult, dict[int, Tally]]:
        """The result, and the uncapped per-proposal tallies it came from."""
        tiebreak = {pid: (at.isoformat(),) for pid, at in self.candidates.items()}
        quorum, voters = self.rules.quorum, len(self.voters)
        if self.rules.method is VotingMethod.RANKED:
            # Identical ballots of one weight count as one ballot of their summed weight
            # (weights are multiples of WEIGHT_QUANTUM, so the sum is exact).
            grouped = [(list(order), weight * n) for (order, weight), n in self.ballots.items()]
            outcome = ranking.schulze(sorted(self.candidates), grouped, tiebreak)
            return ranking.campaign_result(outcome.ranking, voters=voters, quorum=quorum), dict(
                self.tallies
            )
        tallies = {pid: self.tallies.get(pid, Tally()) for pid in self.candidates}
        scored = tallies
        if self.rules.max_voter_share is not None:
            scored = {
                pid: methods.tally_votes(
                    self.rules.method, self.weights.get(pid, []), self.rules.max_voter_share
                )
                for pid in self.candidates
            }
        entries = ranking.rank_results(
            self.rules.method,
            scored,
            prior_strength=self.rules.score_prior_strength,
            tiebreak=tiebreak,
        )
        return ranking.campaign_result(entries, voters=voters, quorum=quorum), tallies


def compute_result(
    rules: VotingRules,
    *,
    candidates: Mapping[int, datetime],
    votes: Iterable[tuple[int, int, int, float]] = (),
    ballots: Iterable[tuple[int, list[int], float]] = (),
    live_tallies: bool = True,
) -> tuple[ranking.CampaignResult, dict[int, Tally]]:
    """The result of (voter, proposal, value, weight) votes or (voter, ranking, weight) ballots."""
    count = Count(rules, candidates, live_tallies=live_tallies)
    for vote in votes:
        count.add_vote(*vote)
    for ballot in ballots:
        count.add_ballot(*ballot)
    return count.result()
