"""The campaign phase machine: DRAFT → SUBMISSIONS → VOTING → CLOSED, nothing else."""

from __future__ import annotations

from brandhub.community.errors import InvalidPhase
from brandhub.community.models import Phase

NEXT: dict[Phase, Phase] = {
    Phase.DRAFT: Phase.SUBMISSIONS,
    Phase.SUBMISSIONS: Phase.VOTING,
    Phase.VOTING: Phase.CLOSED,
}


def check_transition(current: Phase | str, target: Phase) -> None:
    """Raise ``InvalidPhase`` unless ``target`` is the phase that follows ``current``."""
    current = Phase(current)
    if NEXT.get(current) is not target:
        raise InvalidPhase(
            f"A campaign in {current.value} cannot move to {target.value}"
            + (
                f"; its next phase is {NEXT[current].value}."
                if current in NEXT
                else "; it is over."
            )
        )


def require_phase(current: Phase | str, *allowed: Phase, doing: str) -> None:
    """Raise ``InvalidPhase`` unless the campaign is in one of ``allowed``."""
    if Phase(current) not in allowed:
        names = " or ".join(p.value for p in allowed)
        raise InvalidPhase(f"You can {doing} only while the campaign is in {names}.")
