"""Inputs of the community mutations."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from brandhub.community.models import LabelMode
from brandhub.schema.community.enums import (
    LabelModeEnum,
    ModerationActionEnum,
    RoleEnum,
    VotingMethodEnum,
    WeightingEnum,
)
from brandhub.schema.ladder.inputs import LadderInput
from brandhub.schema.royalties.inputs import RoyaltyRulesInput
from brandhub.voting.weights import WeightingPolicy


@strawberry.input
class CreateBrandInput:
    slug: str
    name: str
    tagline: str = ""
    label_mode: LabelModeEnum = LabelMode.GREY  # type: ignore[valid-type]


@strawberry.input
class JoinBrandInput:
    brand_id: strawberry.ID


@strawberry.input
class SetMemberRoleInput:
    brand_id: strawberry.ID
    member_id: strawberry.ID
    role: RoleEnum  # type: ignore[valid-type]


@strawberry.input(
    description="How a campaign votes. Ties are decided by a fixed rule, never by rounding: "
    "see RankedProposal.tied."
)
class VotingRulesInput:
    method: VotingMethodEnum  # type: ignore[valid-type]
    weighting: WeightingEnum = WeightingPolicy.EQUAL  # type: ignore[valid-type]
    votes_per_member: int | None = None
    credits_per_member: int | None = None
    quorum: int = 0
    support_threshold: float | None = None
    min_account_age_hours: int = 0
    max_voter_share: float | None = strawberry.field(
        default=None,
        description="No voter's weight may exceed this share of a proposal's score "
        "(0 < share <= 1; water-filling, exact). APPROVAL, SCORE and QUADRATIC only: refused "
        "for RANKED.",
    )
    score_prior_strength: float | None = strawberry.field(
        default=None,
        description="SCORE only: C, the number of weight-1 votes at the campaign's mean every "
        "proposal starts with (Bayesian mean (C·m + Σw·v) / (C + Σw)); default 5, 0 to 1000000.",
    )


@strawberry.input
class CreateCampaignInput:
    brand_id: strawberry.ID
    title: str
    category: str
    spec_template: str = strawberry.field(description="recipe, apparel, generic or custom.")
    voting: VotingRulesInput
    brief: str = ""
    custom_template: JSON | None = strawberry.field(
        default=None, description="A JSON Schema (draft 2020-12) when specTemplate is custom."
    )
    submissions_close_at: datetime | None = None
    voting_closes_at: datetime | None = None
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Partners invited to receive the winning spec (one or several)."
    )
    royalties: RoyaltyRulesInput | None = strawberry.field(
        default=None, description="Royalty rules (changeable until voting opens)."
    )
    ladder: LadderInput | None = strawberry.field(
        default=None, description="Run as a support ladder (APPROVAL, no votingClosesAt)."
    )


@strawberry.input
class CampaignIdInput:
    campaign_id: strawberry.ID


@strawberry.input
class SubmitProposalInput:
    campaign_id: strawberry.ID
    title: str
    spec: JSON
    summary: str = ""


@strawberry.input
class ReviseProposalInput:
    proposal_id: strawberry.ID
    spec: JSON
    note: str = ""
    title: str | None = None
    summary: str | None = None


@strawberry.input
class ProposalIdInput:
    proposal_id: strawberry.ID


@strawberry.input
class AddCommentInput:
    proposal_id: strawberry.ID
    body: str


@strawberry.input
class ModerateInput:
    target_id: strawberry.ID = strawberry.field(description="A Proposal, Comment or Rating id.")
    action: ModerationActionEnum  # type: ignore[valid-type]
    reason: str
