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
VotingMethodEnum = strawberry.enum(VotingMethod, name="VotingMethod")
WeightingEnum = strawberry.enum(WeightingPolicy, name="Weighting")
