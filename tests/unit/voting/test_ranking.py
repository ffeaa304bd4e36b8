"""Live orders (TOP, HOT, NEW) and results of APPROVAL, SCORE and QUADRATIC campaigns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brandhub.voting.methods import Tally, VotingMethod, tally_votes
from brandhub.voting.ranking import (
    CampaignResult,
    RankedEntry,
    RankOrder,
    campaign_result,
    hot_score,
    rank_results,
    ranking_key,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


def approval(*weights: float) -> Tally:
    return tally_votes(VotingMethod.APPROVAL, [(1, w) for w in weights])


class TestHotScore:
    def test_decays_with_gravity(self) -> None:
        assert hot_score(10.0, 0.0) == pytest.approx(10 / 2**1.5)
        assert hot_score(10.0, 2.0) == 1.25
        assert hot_score(10.0, 2.0, gravity=1.0) == 2.5

    def test_future_creation_counts_as_age_zero(self) -> None:
        assert hot_score(8.0, -5.0) == hot_score(8.0, 0.0)


class TestRankingKey:
    PROPOSALS = [
        # (id, score, created hours ago, first revision hours ago)
        (1, 10.0, 50.0, 50.0),
        (2, 12.0, 40.0, 40.0),
        (3, 10.0, 20.0, 60.0),  # same score as 1, earlier first revision
        (4, 3.0, 1.0, 1.0),
        (5, 3.0, 1.0, 1.0),  # ties 4 on everything but the id
    ]

    def order(self, order: RankOrder) -> list[int]:
        def key(row: tuple[int, float, float, float]) -> tuple[object, ...]:
            pid, value, created, revised = row
            return ranking_key(
                order,
                score=value,
                created_at=hours_ago(created),
                first_revision_at=hours_ago(revised),
                proposal_id=pid,
                now=NOW,
            )

        return [row[0] for row in sorted(self.PROPOSALS, key=key)]

    def test_top_breaks_ties_by_first_revision_then_id(self) -> None:
        assert self.order(RankOrder.TOP) == [2, 3, 1, 4, 5]

    def test_hot_favours_recent_proposals(self) -> None:
        # 4 and 5: 3 / 3**1.5 ≈ 0.577; 3: 10 / 22**1.5 ≈ 0.097; 2: 12 / 42**1.5 ≈ 0.044
        assert self.order(RankOrder.HOT) == [4, 5, 3, 2, 1]

    def test_new_is_newest_first(self) -> None:
        assert self.order(RankOrder.NEW) == [4, 5, 3, 2, 1]

    def test_new_ties_by_first_revision(self) -> None:
        key = ranking_key(
            RankOrder.NEW,
            score=0.0,
            created_at=hours_ago(1),
            first_revision_at=hours_ago(1),
            proposal_id=9,
            now=NOW,
        )
        assert key == (timedelta(hours=1), hours_ago(1), 9)


class TestRankResults:
    def test_approval_by_weight_with_id_tiebreak(self) -> None:
        tallies = {10: approval(1, 1), 11: approval(2, 1.5), 12: approval(2), 13: Tally()}
        assert rank_results(VotingMethod.APPROVAL, tallies) == [
            RankedEntry(1, 11, 3.5),
            RankedEntry(2, 10, 2.0, tied=True),
            RankedEntry(3, 12, 2.0, tied=True),
            RankedEntry(4, 13, 0.0),
        ]

    def test_tiebreak_key_decides_before_id(self) -> None:
        tallies = {10: approval(1), 12: approval(1)}
        tiebreak = {10: (hours_ago(5),), 12: (hours_ago(9),)}
        ranking = rank_results(VotingMethod.APPROVAL, tallies, tiebreak=tiebreak)
        assert [e.proposal_id for e in ranking] == [12, 10]

    def test_quadratic_opposition_sinks(self) -> None:
        tallies = {
            1: tally_votes(VotingMethod.QUADRATIC, [(-3, 1.0), (1, 1.0)]),
            2: tally_votes(VotingMethod.QUADRATIC, [(2, 1.0)]),
        }
        assert rank_results(VotingMethod.QUADRATIC, tallies) == [
            RankedEntry(1, 2, 2.0),
            RankedEntry(2, 1, -2.0),
        ]

    def test_score_uses_the_campaign_prior(self) -> None:
        tallies = {
            1: tally_votes(VotingMethod.SCORE, [(5, 1.0)] * 3),
            2: tally_votes(VotingMethod.SCORE, [(5, 1.0)] * 240 + [(4, 1.0)] * 60),
            3: tally_votes(VotingMethod.SCORE, [(3, 1.0)] * 200 + [(2, 1.0)] * 100),
        }
        ranking = rank_results(VotingMethod.SCORE, tallies)
        assert [e.proposal_id for e in ranking] == [2, 1, 3]
        assert ranking[0].score == pytest.approx(4.7826, abs=1e-4)
        # plain means would put the three 5-star votes first
        plain = rank_results(VotingMethod.SCORE, tallies, prior_strength=0)
        assert [e.proposal_id for e in plain] == [1, 2, 3]

    def test_ranked_results_come_from_schulze(self) -> None:
        with pytest.raises(ValueError, match="schulze"):
            rank_results(VotingMethod.RANKED, {1: Tally()})


class TestCampaignResult:
    RANKING = [RankedEntry(1, 7, 5.0), RankedEntry(2, 3, 1.0)]

    def test_winner_when_quorum_met(self) -> None:
        assert campaign_result(self.RANKING, voters=10, quorum=10) == CampaignResult(
            tuple(self.RANKING), winner=7, voters=10, quorum_met=True
        )

    def test_no_winner_below_quorum(self) -> None:
        result = campaign_result(self.RANKING, voters=9, quorum=10)
        assert (result.winner, result.quorum_met) == (None, False)
        assert result.ranking == tuple(self.RANKING)

    def test_no_winner_without_votes_or_proposals(self) -> None:
        assert campaign_result(self.RANKING, voters=0, quorum=0).winner is None
        assert campaign_result([], voters=5, quorum=0).winner is None


class TestApprovalIndependence:
    @given(
        weights=st.dictionaries(
            st.integers(1, 30),
            st.lists(st.integers(0, 4 * 1024).map(lambda q: q / 1024), max_size=8),
            min_size=2,
            max_size=12,
        ),
        data=st.data(),
    )
    def test_removing_a_loser_keeps_the_winner(
        self, weights: dict[int, list[float]], data: st.DataObject
    ) -> None:
        tallies = {pid: approval(*ws) for pid, ws in weights.items()}
        tiebreak = {pid: (len(ws),) for pid, ws in weights.items()}
        ranking = rank_results(VotingMethod.APPROVAL, tallies, tiebreak=tiebreak)
        winner = ranking[0].proposal_id
        assert ranking[0].score == max(t.weight_sum for t in tallies.values())
        assert [e.rank for e in ranking] == list(range(1, len(tallies) + 1))
        loser = data.draw(st.sampled_from([e.proposal_id for e in ranking[1:]]))
        rest = {pid: t for pid, t in tallies.items() if pid != loser}
        again = rank_results(VotingMethod.APPROVAL, rest, tiebreak=tiebreak)
        assert again[0].proposal_id == winner
