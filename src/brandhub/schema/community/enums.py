"""Community enums as GraphQL enums (the domain's own values)."""

import strawberry

from brandhub.community.models import LabelMode, Phase, ProposalStatus, Role
from brandhub.community.moderation import Action
from brandhub.voting.methods import VotingMethod
from brandhub.voting.weights import WeightingPolicy

LabelModeEnum = strawberry.enum(
    LabelMode, name="LabelMode", description="GREY: 'Brand — Powered by X'; WHITE: brand alone."
)
RoleEnum = strawberry.enum(Role, name="Role")
PhaseEnum = strawberry.enum(Phase, name="Phase")
ProposalStatusEnum = strawberry.enum(ProposalStatus, name="ProposalStatus")
ModerationActionEnum = strawberry.enum(Action, name="ModerationAction")
VotingMethodEnum = strawberry.enum(
    VotingMethod,
    name="VotingMethod",
    description="How votes count; scores are exact and equal ones are tied, broken thus. "
    "APPROVAL: Σ weight; ties: earlier first revision, then smaller id. "
    "SCORE: Bayesian mean (C·m + Σ weight·stars) / (C + Σ weight), C = scorePriorStrength; "
    "ties: more counted weight first (an unvoted proposal never wins a tie against a voted "
    "one), then earlier first revision, then smaller id. "
    "QUADRATIC: Σ weight·votes; ties: earlier first revision, then smaller id. "
    "RANKED: Schulze (winning votes), wins minus losses; ties: earlier first revision, then "
    "smaller id.",
)
WeightingEnum = strawberry.enum(
    WeightingPolicy,
    name="Weighting",
    description="PLEDGE weight follows the pledge: during VOTING, pledging or cancelling "
    "re-weights the member's current votes (a chained vote.reweighted event).",
)
