"""Computing a campaign's result from votes or ballots, with the pure core (close and recount)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from brandhub.voting import methods, ranking
from brandhub.voting.methods import Tally, VotingMethod, VotingRules


def compute_result(
    rules: VotingRules,
    *,
    candidates: Mapping[int, datetime],
    votes: Iterable[tuple[int, int, int, float]] = (),
    ballots: Iterable[tuple[int, list[int], float]] = (),
    live_tallies: bool = True,
) -> tuple[ranking.CampaignResult, dict[int, Tally]]:
    """The result over ``candidates`` {proposal id: first revision time}.

    ``votes`` are (voter, proposal, value, weight); ``ballots`` are (voter, ranking, weight).
    Returns the result and the per-proposal tallies it was computed from (for RANKED, the
    live points, computed only with ``live_tallies``: the recount compares them, a close
    does not need them).
    """
    tiebreak = {pid: (at.isoformat(),) for pid, at in candidates.items()}
    if rules.method is VotingMethod.RANKED:
        counted: list[tuple[list[int], float]] = []
        voters: set[int] = set()
        tallies: dict[int, Tally] = defaultdict(Tally)
        for voter, order, weight in ballots:
            for pid, points in methods.ballot_points(order).items() if live_tallies else ():
                tallies[pid] = tallies[pid].apply(
                    methods.vote_delta(VotingMethod.RANKED, points, weight)
                )
            if weight > 0:
                voters.add(voter)
                counted.append(([p for p in order if p in candidates], weight))
        outcome = ranking.schulze(sorted(candidates), counted, tiebreak)
        result = ranking.campaign_result(outcome.ranking, voters=len(voters), quorum=rules.quorum)
        return result, dict(tallies)
    per_proposal: dict[int, list[tuple[float, float]]] = defaultdict(list)
    voters = set()
    for voter, pid, value, weight in votes:
        per_proposal[pid].append((value, weight))
        if weight > 0:
            voters.add(voter)
    tallies = {
        pid: methods.tally_votes(rules.method, per_proposal.get(pid, []), rules.max_voter_share)
        for pid in candidates
    }
    entries = ranking.rank_results(
        rules.method, tallies, prior_strength=rules.score_prior_strength, tiebreak=tiebreak
    )
    return ranking.campaign_result(entries, voters=len(voters), quorum=rules.quorum), tallies
