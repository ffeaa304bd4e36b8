"""Counting a campaign's result with the pure core, one vote or ballot at a time (close,
recount and the audit verifier share it). Counting is exact: weights become integers of
quanta. Memory is O(proposals × distinct weights) for the additive methods (a
``maxVoterShare`` cap works on each proposal's weight histogram); Schulze keeps the
ballots, identical ones grouped."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from brandhub.voting import methods, ranking, scoring
from brandhub.voting.canonical import timestamp
from brandhub.voting.methods import Tally, VotingMethod, VotingRules
from brandhub.voting.scoring import QUANTA_PER_WEIGHT, Support, quanta


def tiebreak_of(candidates: Mapping[int, datetime | str]) -> dict[int, tuple[str]]:
    """Each candidate's tie-break key: its first revision time as fixed-width UTC text."""
    return {
        pid: (timestamp(at) if isinstance(at, datetime) else at,) for pid, at in candidates.items()
    }


class Count:
    """Folds votes or ballots into a result over ``candidates`` {proposal: first revision}."""

    def __init__(
        self,
        rules: VotingRules,
        candidates: Mapping[int, datetime | str],
        *,
        live_tallies: bool = True,
    ) -> None:
        self.rules = rules
        self.candidates = candidates
        self.live_tallies = live_tallies
        self.capped = rules.max_voter_share is not None and rules.method is not VotingMethod.RANKED
        self.voters: set[int | str] = set()
        self.tallies: dict[int, Tally] = defaultdict(Tally)
        self.sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        self.bins: dict[int, dict[int, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )
        self.ballots: Counter[tuple[tuple[int, ...], int]] = Counter()

    def add_vote(self, voter: int | str, proposal: int, value: int, weight: float) -> None:
        """One current vote; votes on proposals out of the count (withdrawn, hidden) are ignored."""
        if proposal not in self.candidates:
            return
        q = quanta(weight)
        self.tallies[proposal] = self.tallies[proposal].apply(
            methods.vote_delta(self.rules.method, value, weight)
        )
        if q == 0:
            return
        self.voters.add(voter)
        sums = self.sums[proposal]
        sums[0] += q
        sums[1] += q * value
        if self.capped:
            counted = self.bins[proposal][q]
            counted[0] += 1
            counted[1] += value

    def add_ballot(self, voter: int | str, order: list[int], weight: float) -> None:
        """One current ranked ballot."""
        q = quanta(weight)
        if self.live_tallies:
            for pid, points in methods.ballot_points(order).items():
                self.tallies[pid] = self.tallies[pid].apply(
                    methods.vote_delta(VotingMethod.RANKED, points, weight)
                )
        if q > 0:
            self.voters.add(voter)
            self.ballots[(tuple(p for p in order if p in self.candidates), q)] += 1

    def supports(self) -> dict[int, Support]:
        """Every candidate's counted support, in quanta."""
        return {
            pid: Support(
                self.sums[pid][0] if pid in self.sums else 0,
                self.sums[pid][1] if pid in self.sums else 0,
                {q: (n, v) for q, (n, v) in self.bins[pid].items()} if pid in self.bins else {},
            )
            for pid in self.candidates
        }

    def result(self) -> tuple[ranking.CampaignResult, dict[int, Tally]]:
        """The result, and the uncapped per-proposal tallies it came from."""
        tiebreak = tiebreak_of(self.candidates)
        quorum, voters = self.rules.quorum, len(self.voters)
        if self.rules.method is VotingMethod.RANKED:
            # Identical ballots of one weight count as one ballot of their summed weight
            # (an integer number of quanta, so the sum is exact).
            grouped = [
                (list(order), q * n / QUANTA_PER_WEIGHT) for (order, q), n in self.ballots.items()
            ]
            outcome = ranking.schulze(sorted(self.candidates), grouped, tiebreak)
            return ranking.campaign_result(outcome.ranking, voters=voters, quorum=quorum), dict(
                self.tallies
            )
        tallies = {pid: self.tallies.get(pid, Tally()) for pid in self.candidates}
        entries = ranking.rank_results(
            self.rules.method,
            self.supports(),
            prior_strength=self.rules.score_prior_strength,
            max_voter_share=self.rules.max_voter_share if self.capped else None,
            tiebreak=tiebreak,
        )
        return ranking.campaign_result(entries, voters=voters, quorum=quorum), tallies


def compute_result(
    rules: VotingRules,
    *,
    candidates: Mapping[int, datetime | str],
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


def ranking_rows(result: ranking.CampaignResult) -> list[dict[str, Any]]:
    """The stored form of a ranking: exact scores as text ("15/8"), tied places flagged."""
    return [
        {
            "rank": e.rank,
            "proposal": e.proposal_id,
            "score": scoring.text(e.score),
            "tied": e.tied,
        }
        for e in result.ranking
    ]


def result_document(result: ranking.CampaignResult) -> dict[str, Any]:
    """The result as stored, digested into the seal and exported."""
    return {
        "winner": result.winner,
        "voters": result.voters,
        "quorumMet": result.quorum_met,
        "ranking": ranking_rows(result),
    }
