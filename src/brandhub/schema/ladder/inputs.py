"""Inputs of the ladder's mutations."""

from __future__ import annotations

import strawberry

from brandhub.ladder.rules import Stage


@strawberry.input(description="One stage: its supporters, and the days it adds to the deadline.")
class LadderStageInput:
    supporters: int
    extension_days: int | None = strawberry.field(
        default=None, description="Required on every stage but the last (which sends to review)."
    )


@strawberry.input(description="A support ladder: initial days, then stages of rising supporters.")
class LadderInput:
    initial_days: int
    stages: list[LadderStageInput]

    def to_stages(self) -> list[Stage]:
        return [Stage(s.supporters, s.extension_days) for s in self.stages]


@strawberry.input
class SetCampaignLadderInput:
    campaign_id: strawberry.ID
    ladder: LadderInput


@strawberry.input
class LadderProposalInput:
    proposal_id: strawberry.ID


@strawberry.input
class DeclineLadderProposalInput:
    proposal_id: strawberry.ID
    reason: str
