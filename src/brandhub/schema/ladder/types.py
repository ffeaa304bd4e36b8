"""The ladder as GraphQL shows it: a campaign's stages, a proposal's climb and its events."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from brandhub.ladder.models import LadderEvent, LadderStatus
from brandhub.ladder.rules import Ladder
from brandhub.schema.context import Context
from brandhub.voting import scoring

if TYPE_CHECKING:
    from brandhub.schema.community.types import ProposalType

LadderStatusEnum = strawberry.enum(
    LadderStatus,
    name="LadderStatus",
    description="CLIMBING toward the next stage; REVIEW at the last stage, awaiting the owner; "
    "APPROVED (handed off), DECLINED (with a reason) or EXPIRED (missed its deadline).",
)


@strawberry.type(name="LadderStage", description="Reaching a number of supporters.")
class LadderStageType:
    number: int
    supporters: int = strawberry.field(description="Supporters (weighted, as counted) needed.")
    extension_days: int | None = strawberry.field(
        description="Days added to the deadline on reaching it; null for the last stage, "
        "which sends the proposal to the owner's review."
    )


@strawberry.type(
    name="Ladder", description="A campaign run as a support ladder instead of a voting window."
)
class LadderType:
    initial_days: int = strawberry.field(description="Days each proposal has at the start.")
    stages: list[LadderStageType]
    campaign_pk: strawberry.Private[int]

    @classmethod
    def of(cls, ladder: Ladder, campaign_id: int) -> LadderType:
        return cls(
            initial_days=ladder.initial_days,
            stages=[
                LadderStageType(number=i, supporters=s.supporters, extension_days=s.extension_days)
                for i, s in enumerate(ladder.stages, start=1)
            ],
            campaign_pk=campaign_id,
        )

    @strawberry.field(description="Proposals that reached the last stage, awaiting review.")
    async def review_queue(
        self, info: Info[Context, None]
    ) -> list[Annotated[ProposalType, strawberry.lazy("brandhub.schema.community.types")]]:
        from brandhub.schema.ladder.views import review_queue

        return await review_queue(info, self.campaign_pk)


@strawberry.type(name="LadderEvent", description="A step of a proposal's climb.")
class LadderEventType:
    sequence: int
    type: str = strawberry.field(
        description="ladder.started, ladder.stage_reached, ladder.deadline_extended, "
        "ladder.review_requested, ladder.approved, ladder.declined or ladder.expired."
    )
    stage: int
    status: LadderStatusEnum  # type: ignore[valid-type]
    supporters: float | None = strawberry.field(
        description="The counted support that reached the stage (stage events)."
    )
    deadline: datetime | None
    reason: str | None = strawberry.field(description="Why the owner declined.")
    at: datetime

    @classmethod
    def from_row(cls, row: LadderEvent) -> LadderEventType:
        return cls(
            sequence=row.sequence,
            type=row.type,
            stage=row.stage,
            status=row.status,
            supporters=None if row.supporters is None else float(scoring.parse(row.supporters)),
            deadline=row.deadline,
            reason=row.reason,
            at=row.at,
        )


@strawberry.type(name="ProposalLadder", description="Where a proposal stands on its ladder.")
class ProposalLadderType:
    stage: int = strawberry.field(description="Stages reached (0: none yet).")
    last_stage: int = strawberry.field(description="The number of stages; reaching it: review.")
    supporters: float = strawberry.field(
        description="Counted support now: Σ weight, as the leaderboard counts it (pending "
        "voters count 0, maxVoterShare applies)."
    )
    next_threshold: int | None = strawberry.field(
        description="Supporters needed for the next stage; null at the top."
    )
    deadline: datetime = strawberry.field(description="When the climb expires if not extended.")
    status: LadderStatusEnum  # type: ignore[valid-type]
    started_at: datetime
    reviewed_at: datetime | None
    decline_reason: str | None
    proposal_pk: strawberry.Private[int]

    @strawberry.field(description="Its climb so far, oldest first.")
    async def events(self, info: Info[Context, None]) -> list[LadderEventType]:
        from brandhub.schema.ladder.views import ladder_events

        return await ladder_events(info, self.proposal_pk)
