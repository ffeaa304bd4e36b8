"""The handoff status machine, as a table: every allowed move, and every other one refused."""

from __future__ import annotations

import itertools

import pytest

from brandhub.partners.errors import InvalidTransition
from brandhub.partners.models import HandoffStatus as S
from brandhub.partners.transitions import ActorType as A
from brandhub.partners.transitions import allowed, check_transition

EXPECTED = {
    (S.RECEIVED, S.ACKNOWLEDGED, A.PARTNER),
    (S.ACKNOWLEDGED, S.QUOTED, A.PARTNER),
    (S.QUOTED, S.QUOTED, A.PARTNER),
    (S.QUOTED, S.ACCEPTED, A.OWNER),
    (S.ACCEPTED, S.IN_PRODUCTION, A.PARTNER),
    (S.IN_PRODUCTION, S.SHIPPED, A.PARTNER),
    (S.RECEIVED, S.DECLINED, A.PARTNER),
    (S.ACKNOWLEDGED, S.DECLINED, A.PARTNER),
    (S.QUOTED, S.DECLINED, A.PARTNER),
    (S.RECEIVED, S.CANCELLED, A.OWNER),
    (S.ACKNOWLEDGED, S.CANCELLED, A.OWNER),
    (S.QUOTED, S.CANCELLED, A.OWNER),
    (S.ACCEPTED, S.CANCELLED, A.OWNER),
    (S.IN_PRODUCTION, S.CANCELLED, A.OWNER),
    (S.RECEIVED, S.NOT_SELECTED, A.SYSTEM),
    (S.ACKNOWLEDGED, S.NOT_SELECTED, A.SYSTEM),
    (S.QUOTED, S.NOT_SELECTED, A.SYSTEM),
}


@pytest.mark.parametrize(("current", "target", "actor"), sorted(EXPECTED))
def test_allowed_moves(current, target, actor):
    assert allowed(current, target, actor)
    assert check_transition(current, target, actor) is target


def test_every_other_move_is_an_invalid_transition():
    refused = 0
    for current, target, actor in itertools.product(S, S, A):
        if (current, target, actor) in EXPECTED:
            continue
        refused += 1
        assert not allowed(current, target, actor)
        with pytest.raises(InvalidTransition) as caught:
            check_transition(current, target, actor)
        assert caught.value.code == "INVALID_TRANSITION"
    assert refused == len(S) ** 2 * len(A) - len(EXPECTED)


@pytest.mark.parametrize("final", [S.SHIPPED, S.DECLINED, S.CANCELLED, S.NOT_SELECTED])
def test_final_statuses_go_nowhere(final):
    for target, actor in itertools.product(S, A):
        assert not allowed(final, target, actor)


def test_messages_say_why():
    with pytest.raises(InvalidTransition, match="only the owner may"):
        check_transition(S.QUOTED, S.ACCEPTED, A.PARTNER)
    with pytest.raises(InvalidTransition, match="SHIPPED and final"):
        check_transition(S.SHIPPED, S.CANCELLED, A.OWNER)
    with pytest.raises(InvalidTransition, match="RECEIVED cannot move to QUOTED"):
        check_transition("RECEIVED", "QUOTED", A.PARTNER)
