"""The ladder's rules, pure: validating stages, and what a number of supporters reaches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from brandhub.errors import DomainError, InvalidInput, ManyErrors

MAX_STAGES = 20
MAX_DAYS = 3650
MAX_SUPPORTERS = 100_000_000


@dataclass(frozen=True)
class Stage:
    """Reaching ``supporters`` extends the deadline by ``extension_days`` (None: the last
    stage, which sends the proposal to the owner's review)."""

    supporters: int
    extension_days: int | None


@dataclass(frozen=True)
class Ladder:
    initial_days: int
    stages: tuple[Stage, ...]

    @property
    def last(self) -> int:
        return len(self.stages)

    def to_json(self) -> list[dict[str, Any]]:
        return [
            {"supporters": s.supporters, "extensionDays": s.extension_days} for s in self.stages
        ]

    @classmethod
    def of(cls, initial_days: int, stages: Sequence[dict[str, Any]]) -> Ladder:
        """From the stored row."""
        return cls(
            initial_days, tuple(Stage(s["supporters"], s.get("extensionDays")) for s in stages)
        )


def check_ladder(initial_days: int, stages: Sequence[Stage], *, at: str = "ladder") -> Ladder:
    """Validate a ladder; every problem is reported with its field."""
    problems: list[DomainError] = []
    if not 1 <= initial_days <= MAX_DAYS:
        problems.append(
            InvalidInput(
                f"initialDays must be between 1 and {MAX_DAYS}.", field=[at, "initialDays"]
            )
        )
    if not 1 <= len(stages) <= MAX_STAGES:
        problems.append(
            InvalidInput(f"A ladder has 1 to {MAX_STAGES} stages.", field=[at, "stages"])
        )
    previous = 0
    for i, stage in enumerate(stages):
        last = i == len(stages) - 1
        where = [at, "stages", i]
        if not 1 <= stage.supporters <= MAX_SUPPORTERS:
            problems.append(
                InvalidInput(
                    f"supporters must be between 1 and {MAX_SUPPORTERS}.",
                    field=[*where, "supporters"],
                )
            )
        elif stage.supporters <= previous:
            problems.append(
                InvalidInput(
                    f"Each stage needs more supporters than the one before ({previous}).",
                    field=[*where, "supporters"],
                )
            )
        previous = max(previous, stage.supporters)
        if last and stage.extension_days is not None:
            problems.append(
                InvalidInput(
                    "The last stage sends the proposal to review; it extends no deadline.",
                    field=[*where, "extensionDays"],
                )
            )
        elif not last and (
            stage.extension_days is None or not 1 <= stage.extension_days <= MAX_DAYS
        ):
            problems.append(
                InvalidInput(
                    f"extensionDays must be between 1 and {MAX_DAYS}.",
                    field=[*where, "extensionDays"],
                )
            )
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    return Ladder(initial_days, tuple(stages))


def stage_reached(ladder: Ladder, supporters: Fraction) -> int:
    """How many stages ``supporters`` reaches (0: none yet)."""
    reached = 0
    for number, stage in enumerate(ladder.stages, start=1):
        if supporters >= stage.supporters:
            reached = number
    return reached


@dataclass(frozen=True)
class Crossing:
    """One stage reached: the deadline it leads to (None for the last stage: review)."""

    stage: int
    deadline_before: datetime
    deadline: datetime | None


def crossings(ladder: Ladder, *, stage: int, deadline: datetime, to: int) -> list[Crossing]:
    """The stages from ``stage`` + 1 to ``to``, each with the deadline it extends to."""
    found: list[Crossing] = []
    for number in range(stage + 1, to + 1):
        days = ladder.stages[number - 1].extension_days
        if days is None:
            found.append(Crossing(number, deadline, None))
        else:
            extended = deadline + timedelta(days=days)
            found.append(Crossing(number, deadline, extended))
            deadline = extended
    return found


def next_threshold(ladder: Ladder, stage: int) -> int | None:
    """Supporters needed for the next stage; None at the top."""
    return ladder.stages[stage].supporters if stage < ladder.last else None
