"""Schulze method on weighted ranked ballots: published examples and properties."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brandhub.voting.ranking import RankedEntry, pairwise_matrix, schulze, strongest_paths

A, B, C, D, E = 1, 2, 3, 4, 5
LETTERS = {"A": A, "B": B, "C": C, "D": D, "E": E}

Ballots = list[tuple[list[int], float]]


def groups(*spec: tuple[int, str]) -> Ballots:
    """One unit-weight ballot per voter, e.g. (5, "ACBED") is five voters A > C > B > E > D."""
    return [([LETTERS[ch] for ch in order], 1.0) for count, order in spec for _ in range(count)]


# Wikipedia, "Schulze method", worked example: 45 voters, 5 candidates.
WIKIPEDIA_45 = groups(
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
)

# Markus Schulze, "The Schulze Method of Voting", example 2: 30 voters, 4 candidates.
SCHULZE_30 = groups(
    (5, "ACBD"),
    (2, "ACDB"),
    (3, "ADCB"),
    (4, "BACD"),
    (3, "CBDA"),
    (3, "CDBA"),
    (1, "DACB"),
    (5, "DBAC"),
    (4, "DCBA"),
)


class TestPublishedExamples:
    def test_wikipedia_pairwise_matrix(self) -> None:
        d = pairwise_matrix([A, B, C, D, E], WIKIPEDIA_45)
        assert d.tolist() == [
            [0, 20, 26, 30, 22],
            [25, 0, 16, 33, 18],
            [19, 29, 0, 17, 24],
            [15, 12, 28, 0, 14],
            [23, 27, 21, 31, 0],
        ]

    def test_wikipedia_strongest_paths_and_order(self) -> None:
        result = schulze([A, B, C, D, E], WIKIPEDIA_45)
        assert result.strongest_paths.tolist() == [
            [0, 28, 28, 30, 24],
            [25, 0, 28, 33, 24],
            [25, 29, 0, 29, 24],
            [25, 28, 28, 0, 24],
            [25, 28, 28, 31, 0],
        ]
        assert result.winners == {E}
        assert result.order == (E, A, C, B, D)
        assert [entry.rank for entry in result.ranking] == [1, 2, 3, 4, 5]

    def test_wikipedia_weighted_groups_equal_individual_ballots(self) -> None:
        spec = {"ACBED": 5, "ADECB": 5, "BEDAC": 8, "CABED": 3}
        spec |= {"CAEBD": 7, "CBADE": 2, "DCEBA": 7, "EBADC": 8}
        weighted = [([LETTERS[ch] for ch in order], float(n)) for order, n in spec.items()]
        assert schulze([A, B, C, D, E], weighted).order == (E, A, C, B, D)
        np.testing.assert_array_equal(
            pairwise_matrix([A, B, C, D, E], weighted),
            pairwise_matrix([A, B, C, D, E], WIKIPEDIA_45),
        )

    def test_schulze_paper_30_voters(self) -> None:
        result = schulze([A, B, C, D], SCHULZE_30)
        assert result.pairwise.tolist() == [
            [0, 11, 20, 14],
            [19, 0, 9, 12],
            [10, 21, 0, 17],
            [16, 18, 13, 0],
        ]
        assert result.strongest_paths.tolist() == [
            [0, 20, 20, 17],
            [19, 0, 19, 17],
            [19, 21, 0, 17],
            [18, 18, 18, 0],
        ]
        assert result.winners == {D}
        assert result.order == (D, A, C, B)
        assert result.beats(A, C) and result.beats(C, B) and not result.beats(B, A)


class TestTiesAndEdges:
    # Hand-computed: links A>B 5, A>C 5, B>C 7, B>D 5, C>D 5, D>A 6; B and D are unbeaten.
    TIED_9 = groups((3, "ABCD"), (2, "DABC"), (2, "DBCA"), (2, "CBDA"))

    def test_two_unbeaten_candidates(self) -> None:
        result = schulze([A, B, C, D], self.TIED_9)
        assert result.winners == {B, D}
        assert result.order == (B, D, A, C)  # B and D tie at +1, smaller id first
        assert result.ranking[0] == RankedEntry(1, B, 1.0, tied=True)  # flagged: a tie-break

    def test_tiebreak_key_orders_tied_candidates(self) -> None:
        tiebreak = {A: (3,), B: (2,), C: (4,), D: (1,)}
        result = schulze([A, B, C, D], self.TIED_9, tiebreak=tiebreak)
        assert result.order == (D, B, A, C)

    def test_unranked_candidates_sit_below_and_tie(self) -> None:
        d = pairwise_matrix([1, 2, 3], [([2], 1.5)])
        assert d.tolist() == [[0, 0, 0], [1.5, 0, 1.5], [0, 0, 0]]

    def test_unknown_ids_are_ignored(self) -> None:
        d = pairwise_matrix([1, 2], [([99, 2, 1], 1.0), ([98], 3.0)])
        assert d.tolist() == [[0, 0], [1, 0]]

    def test_no_ballots_everyone_unbeaten_ordered_by_id(self) -> None:
        result = schulze([30, 10, 20], [])
        assert result.winners == {10, 20, 30}
        assert result.order == (10, 20, 30)
        assert result.pairwise.tolist() == [[0, 0, 0]] * 3

    def test_zero_weight_ballots_count_nothing(self) -> None:
        assert schulze([1, 2], [([2, 1], 0.0), ([1, 2], 1.0)]).order == (1, 2)

    def test_no_candidates(self) -> None:
        result = schulze([], [([1], 1.0)])
        assert result.ranking == () and result.winners == frozenset()

    @pytest.mark.parametrize(
        ("candidates", "ballots"),
        [
            ([1, 2], [([1, 1], 1.0)]),
            ([1, 2], [([1], -1.0)]),
            ([1, 2], [([1], float("nan"))]),
            ([1, 1], []),
        ],
    )
    def test_bad_input_is_refused(self, candidates: list[int], ballots: Ballots) -> None:
        with pytest.raises(ValueError):
            schulze(candidates, ballots)

    def test_result_matrices_are_read_only(self) -> None:
        result = schulze([A, B], [([A], 1.0)])
        with pytest.raises(ValueError):
            result.pairwise[0, 1] = 9

    def test_a_pairwise_tie_is_no_link(self) -> None:
        # A-B tie 1:1, A-C tie 1:1, B beats C 2:0: the only link is B -> C
        result = schulze([A, B, C], [([A, B], 1.0), ([B, C, A], 1.0)])
        assert result.pairwise.tolist() == [[0, 1, 1], [1, 0, 2], [1, 0, 0]]
        assert result.strongest_paths.tolist() == [[0, 0, 0], [0, 0, 2], [0, 0, 0]]
        assert result.winners == {A, B}
        assert result.order == (B, A, C)

    def test_strongest_paths_of_a_cycle(self) -> None:
        # A>B 3, B>C 2, C>A 1 (links only; reverse directions are 0)
        d = np.array([[0, 3, 0], [0, 0, 2], [1, 0, 0]], dtype=float)
        assert strongest_paths(d).tolist() == [[0, 3, 2], [1, 0, 2], [1, 1, 0]]


def naive_pairwise(candidates: Sequence[int], ballots: Ballots) -> list[list[float]]:
    """Definition-by-definition count, for comparison with the vectorised one."""
    d = [[0.0] * len(candidates) for _ in candidates]
    for ranking, weight in ballots:
        position = {c: i for i, c in enumerate(ranking)}
        for i, x in enumerate(candidates):
            for j, y in enumerate(candidates):
                px, py = position.get(x, len(ranking)), position.get(y, len(ranking))
                if px < py:
                    d[i][j] += weight
    return d


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[int], Ballots]:
    n = draw(st.integers(1, 6))
    candidates = draw(st.lists(st.integers(1, 50), min_size=n, max_size=n, unique=True))
    ballot = st.tuples(
        st.permutations(candidates).flatmap(lambda p: st.integers(0, len(p)).map(lambda k: p[:k])),
        st.integers(0, 8).map(lambda q: q / 4),
    )
    ballots = draw(st.lists(ballot, max_size=25))
    return candidates, [(list(r), w) for r, w in ballots]


def reference_paths(d: list[list[float]]) -> list[list[float]]:
    """Strongest paths straight from Schulze's pseudo-code (i, j, k distinct)."""
    n = len(d)
    p = [[d[i][j] if i != j and d[i][j] > d[j][i] else 0.0 for j in range(n)] for i in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            for k in range(n):
                if k not in (i, j):
                    p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    return p


class TestSchulzeProperties:
    @given(elections())
    def test_paths_match_reference(self, election: tuple[list[int], Ballots]) -> None:
        candidates, ballots = election
        d = naive_pairwise(candidates, ballots)
        assert schulze(candidates, ballots).strongest_paths.tolist() == reference_paths(d)

    @given(elections())
    def test_matrix_matches_definition(self, election: tuple[list[int], Ballots]) -> None:
        candidates, ballots = election
        assert pairwise_matrix(candidates, ballots).tolist() == naive_pairwise(candidates, ballots)

    @given(elections())
    def test_ranking_is_a_linear_extension_led_by_a_winner(
        self, election: tuple[list[int], Ballots]
    ) -> None:
        candidates, ballots = election
        result = schulze(candidates, ballots)
        assert sorted(result.order) == sorted(candidates)
        assert [entry.rank for entry in result.ranking] == list(range(1, len(candidates) + 1))
        assert result.order[0] in result.winners
        for i, x in enumerate(result.order):
            for y in result.order[:i]:
                assert not result.beats(x, y)

    @given(elections())
    def test_condorcet_winner_wins_when_there_is_one(
        self, election: tuple[list[int], Ballots]
    ) -> None:
        candidates, ballots = election
        d = naive_pairwise(candidates, ballots)
        n = len(candidates)
        for i in range(n):
            if all(d[i][j] > d[j][i] for j in range(n) if j != i):
                result = schulze(candidates, ballots)
                assert result.winners == {candidates[i]}
                assert result.order[0] == candidates[i]

    @settings(max_examples=50)
    @given(elections(), st.data())
    def test_a_made_condorcet_winner_wins(
        self, election: tuple[list[int], Ballots], data: st.DataObject
    ) -> None:
        candidates, ballots = election
        favourite = data.draw(st.sampled_from(candidates))
        # a bloc outweighing every other ballot puts the favourite first
        bloc = sum(w for _, w in ballots) + 1
        result = schulze(candidates, [*ballots, ([favourite], bloc)])
        assert result.winners == {favourite}
        assert result.order[0] == favourite

    @given(elections(), st.randoms())
    def test_ballot_order_does_not_matter(
        self, election: tuple[list[int], Ballots], rnd: random.Random
    ) -> None:
        candidates, ballots = election
        shuffled = list(ballots)
        rnd.shuffle(shuffled)
        assert schulze(candidates, shuffled) == schulze(candidates, ballots)
        np.testing.assert_array_equal(
            pairwise_matrix(candidates, shuffled), pairwise_matrix(candidates, ballots)
        )


@st.composite
def wide_elections(draw: st.DrawFn) -> tuple[list[int], Ballots]:
    """Up to 10 candidates, ballots of any length with unknown ids, many distinct weights."""
    n = draw(st.integers(1, 10))
    candidates = draw(st.lists(st.integers(1, 10**9), min_size=n, max_size=n, unique=True))
    pool = candidates + draw(st.lists(st.integers(1, 10**9), max_size=3))
    ballot = st.tuples(
        st.permutations(list(dict.fromkeys(pool))).flatmap(
            lambda p: st.integers(0, len(p)).map(lambda k: p[:k])
        ),
        st.integers(0, 4096).map(lambda q: q / 1024),
    )
    ballots = draw(st.lists(ballot, max_size=40))
    return candidates, [(list(r), w) for r, w in ballots]


STRATEGIES = {
    "pairs": {"_SCATTER_COST": 0},
    "positions": {"_SCATTER_COST": 10**9},
    "positions, weight bits": {"_SCATTER_COST": 10**9, "_MAX_WEIGHT_GROUPS": 0},
    "sorted id search": {"_LOOKUP_LIMIT": 0},
}


class TestPairwiseStrategies:
    """Each counting strategy of the vectorised matrix agrees with the definition."""

    @pytest.mark.parametrize("strategy", STRATEGIES)
    @settings(max_examples=150)
    @given(election=wide_elections())
    def test_matches_definition(self, strategy: str, election: tuple[list[int], Ballots]) -> None:
        from unittest import mock

        from brandhub.voting import pairwise

        candidates, ballots = election
        with mock.patch.multiple(pairwise, **STRATEGIES[strategy]):
            assert pairwise_matrix(candidates, ballots).tolist() == naive_pairwise(
                candidates, ballots
            )

    @pytest.mark.parametrize("strategy", STRATEGIES)
    def test_full_rankings_of_many_candidates(self, strategy: str) -> None:
        from unittest import mock

        from brandhub.voting import pairwise

        rnd = random.Random(7)
        candidates = list(range(100, 160))
        ballots = []
        for _ in range(40):
            order = list(candidates)
            rnd.shuffle(order)
            ballots.append((order, rnd.choice([1.0, 1.5, 2.0, 0.0])))
        with mock.patch.multiple(pairwise, **STRATEGIES[strategy]):
            assert pairwise_matrix(candidates, ballots).tolist() == naive_pairwise(
                candidates, ballots
            )
