"""Inputs of the voting mutations."""

import strawberry


@strawberry.input
class CastVoteInput:
    proposal_id: strawberry.ID
    value: int = strawberry.field(
        description="APPROVAL: 1. SCORE: 0–5. QUADRATIC: n votes (negative opposes), costing n²."
    )


@strawberry.input
class RetractVoteInput:
    proposal_id: strawberry.ID


@strawberry.input
class CastBallotInput:
    campaign_id: strawberry.ID
    ranking: list[strawberry.ID] = strawberry.field(
        description="Proposals in order of preference; an empty list withdraws the ballot."
    )
