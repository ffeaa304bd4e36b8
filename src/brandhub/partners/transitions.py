"""The handoff status machine as a table: who may move a handoff from which status to which.

RECEIVED → ACKNOWLEDGED → QUOTED → ACCEPTED → IN_PRODUCTION → SHIPPED; the partner may revise
its quote (QUOTED → QUOTED) and decline before acceptance; the brand owner accepts a quote and
may cancel until SHIPPED; when the owner accepts one partner's quote, the system closes the
other open handoffs of the campaign as NOT_SELECTED. Anything else is INVALID_TRANSITION. Pure.
"""

from __future__ import annotations

from enum import StrEnum

from brandhub.partners.errors import InvalidTransition
from brandhub.partners.models import HandoffStatus as S


class ActorType(StrEnum):
    PARTNER = "PARTNER"
    OWNER = "OWNER"
    SYSTEM = "SYSTEM"


TRANSITIONS: dict[tuple[S, S], ActorType] = {
    (S.RECEIVED, S.ACKNOWLEDGED): ActorType.PARTNER,
    (S.ACKNOWLEDGED, S.QUOTED): ActorType.PARTNER,
    (S.QUOTED, S.QUOTED): ActorType.PARTNER,
    (S.QUOTED, S.ACCEPTED): ActorType.OWNER,
    (S.ACCEPTED, S.IN_PRODUCTION): ActorType.PARTNER,
    (S.IN_PRODUCTION, S.SHIPPED): ActorType.PARTNER,
    **{(s, S.DECLINED): ActorType.PARTNER for s in (S.RECEIVED, S.ACKNOWLEDGED, S.QUOTED)},
    **{
        (s, S.CANCELLED): ActorType.OWNER
        for s in (S.RECEIVED, S.ACKNOWLEDGED, S.QUOTED, S.ACCEPTED, S.IN_PRODUCTION)
    },
    **{(s, S.NOT_SELECTED): ActorType.SYSTEM for s in (S.RECEIVED, S.ACKNOWLEDGED, S.QUOTED)},
}

FINAL = frozenset({S.SHIPPED, S.DECLINED, S.CANCELLED, S.NOT_SELECTED})
OPEN_FOR_SELECTION = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.QUOTED})
PLEDGEABLE = frozenset({S.ACCEPTED, S.IN_PRODUCTION})


def allowed(current: S | str, target: S | str, actor: ActorType) -> bool:
    """True when ``actor`` may move a handoff from ``current`` to ``target``."""
    return TRANSITIONS.get((S(current), S(target))) is actor


def check_transition(current: S | str, target: S | str, actor: ActorType) -> S:
    """Return ``target`` as a status, or raise ``InvalidTransition`` explaining why not."""
    current, target = S(current), S(target)
    who = TRANSITIONS.get((current, target))
    if who is actor:
        return target
    if who is None:
        reason = (
            f"it is {current.value} and final"
            if current in FINAL
            else f"{current.value} cannot move to {target.value}"
        )
    else:
        reason = f"only the {who.value.lower()} may move it to {target.value}"
    raise InvalidTransition(f"This handoff cannot become {target.value}: {reason}.")
