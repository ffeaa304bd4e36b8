"""Community mutations: authenticate, one unit of work, call the service, map the result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from brandhub.community import brands, campaigns, moderation, proposals
from brandhub.community.models import Comment, Phase
from brandhub.errors import NotFound
from brandhub.ladder.service import configure as configure_ladder
from brandhub.ratings import service as rating_service
from brandhub.ratings.models import ProductRating
from brandhub.royalties import rules as royalty_rules
from brandhub.schema.community.inputs import (
    AddCommentInput,
    CampaignIdInput,
    CreateBrandInput,
    CreateCampaignInput,
    JoinBrandInput,
    ModerateInput,
    ProposalIdInput,
    ReviseProposalInput,
    SetMemberRoleInput,
    SubmitProposalInput,
)
from brandhub.schema.community.types import (
    BrandType,
    CampaignType,
    CommentType,
    MembershipType,
    ProposalType,
)
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError
from brandhub.schema.partners.ids import partner_pks
from brandhub.schema.payloads import perform
from brandhub.schema.relay import from_global_id, require_pk

if TYPE_CHECKING:
    from brandhub.schema.ratings.types import RatingType


@strawberry.type
class BrandPayload:
    brand: BrandType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class MembershipPayload:
    membership: MembershipType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CampaignPayload:
    campaign: CampaignType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ProposalPayload:
    proposal: ProposalType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CommentPayload:
    comment: CommentType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ModeratePayload:
    proposal: ProposalType | None = None
    comment: CommentType | None = None
    rating: Annotated[RatingType, strawberry.lazy("brandhub.schema.ratings.types")] | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


def _membership(row) -> MembershipType:
    return MembershipType(
        role=row.role, joined_at=row.joined_at, brand_id=row.brand_id, member_id=row.member_id
    )


async def _proposal_payload(info: Info[Context, None], work) -> ProposalPayload:
    row, errors = await perform(info, work)
    return ProposalPayload(proposal=ProposalType.from_row(row) if row else None, errors=errors)


async def _phase(info: Info[Context, None], input: CampaignIdInput, to: Phase) -> CampaignPayload:
    async def work(session):
        return await campaigns.move_phase(
            session,
            actor=await info.context.member(session),
            campaign_id=require_pk(input.campaign_id, "Campaign", "campaignId"),
            to=to,
            now=info.context.now(),
        )

    row, errors = await perform(info, work)
    return CampaignPayload(campaign=CampaignType.from_row(row) if row else None, errors=errors)


@strawberry.type
class CommunityMutation:
    @strawberry.mutation(description="Create a brand; you become its owner.")
    async def create_brand(
        self, info: Info[Context, None], input: CreateBrandInput
    ) -> BrandPayload:
        async def work(session):
            return await brands.create_brand(
                session,
                owner=await info.context.member(session),
                slug=input.slug,
                name=input.name,
                tagline=input.tagline,
                label_mode=input.label_mode,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return BrandPayload(brand=BrandType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Join a brand as a member.")
    async def join_brand(
        self, info: Info[Context, None], input: JoinBrandInput
    ) -> MembershipPayload:
        async def work(session):
            return await brands.join_brand(
                session,
                member=await info.context.member(session),
                brand_id=require_pk(input.brand_id, "Brand", "brandId"),
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return MembershipPayload(membership=_membership(row) if row else None, errors=errors)

    @strawberry.mutation(description="Change a member's role (owners only).")
    async def set_member_role(
        self, info: Info[Context, None], input: SetMemberRoleInput
    ) -> MembershipPayload:
        async def work(session):
            return await brands.set_member_role(
                session,
                actor=await info.context.member(session),
                brand_id=require_pk(input.brand_id, "Brand", "brandId"),
                member_id=require_pk(input.member_id, "Member", "memberId"),
                role=input.role,
            )

        row, errors = await perform(info, work)
        return MembershipPayload(membership=_membership(row) if row else None, errors=errors)

    @strawberry.mutation(description="Create a campaign in DRAFT (brand owners only).")
    async def create_campaign(
        self, info: Info[Context, None], input: CreateCampaignInput
    ) -> CampaignPayload:
        async def work(session):
            v = input.voting
            campaign = await campaigns.create_campaign(
                session,
                actor=await info.context.member(session),
                brand_id=require_pk(input.brand_id, "Brand", "brandId"),
                title=input.title,
                brief=input.brief,
                category=input.category,
                spec_template=input.spec_template,
                custom_template=input.custom_template,
                rules=campaigns.RulesInput(
                    method=v.method,
                    weighting=v.weighting,
                    votes_per_member=v.votes_per_member,
                    credits_per_member=v.credits_per_member,
                    quorum=v.quorum,
                    support_threshold=v.support_threshold,
                    min_account_age_hours=v.min_account_age_hours,
                    max_voter_share=v.max_voter_share,
                    score_prior_strength=v.score_prior_strength,
                ),
                submissions_close_at=input.submissions_close_at,
                voting_closes_at=input.voting_closes_at,
                now=info.context.now(),
                partner_ids=partner_pks(input.partner_ids),
            )
            if input.royalties is not None:
                await royalty_rules.put_rules(
                    session,
                    campaign=campaign,
                    rules=royalty_rules.Percentages(
                        brand=input.royalties.brand_percent,
                        authors=input.royalties.authors_percent,
                    ),
                    now=info.context.now(),
                    field=["royalties"],
                )
            if input.ladder is not None:
                await configure_ladder(
                    session,
                    campaign=campaign,
                    initial_days=input.ladder.initial_days,
                    stages=input.ladder.to_stages(),
                    now=info.context.now(),
                )
            return campaign

        row, errors = await perform(info, work)
        return CampaignPayload(campaign=CampaignType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="DRAFT → SUBMISSIONS (brand owners).")
    async def open_submissions(
        self, info: Info[Context, None], input: CampaignIdInput
    ) -> CampaignPayload:
        return await _phase(info, input, Phase.SUBMISSIONS)

    @strawberry.mutation(description="SUBMISSIONS → VOTING (brand owners); specs freeze.")
    async def open_voting(
        self, info: Info[Context, None], input: CampaignIdInput
    ) -> CampaignPayload:
        return await _phase(info, input, Phase.VOTING)

    @strawberry.mutation(description="Submit a proposal (brand members, during SUBMISSIONS).")
    async def submit_proposal(
        self, info: Info[Context, None], input: SubmitProposalInput
    ) -> ProposalPayload:
        async def work(session):
            return await proposals.submit_proposal(
                session,
                author=await info.context.member(session),
                campaign_id=require_pk(input.campaign_id, "Campaign", "campaignId"),
                title=input.title,
                summary=input.summary,
                spec=input.spec,
                now=info.context.now(),
            )

        return await _proposal_payload(info, work)

    @strawberry.mutation(description="Record a new revision of your proposal's spec.")
    async def revise_proposal(
        self, info: Info[Context, None], input: ReviseProposalInput
    ) -> ProposalPayload:
        async def work(session):
            return await proposals.revise_proposal(
                session,
                actor=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                spec=input.spec,
                note=input.note,
                title=input.title,
                summary=input.summary,
                now=info.context.now(),
            )

        return await _proposal_payload(info, work)

    @strawberry.mutation(description="Start a new proposal from another's latest spec.")
    async def fork_proposal(
        self, info: Info[Context, None], input: ProposalIdInput
    ) -> ProposalPayload:
        async def work(session):
            return await proposals.fork_proposal(
                session,
                actor=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                now=info.context.now(),
            )

        return await _proposal_payload(info, work)

    @strawberry.mutation(description="Withdraw your own proposal.")
    async def withdraw_proposal(
        self, info: Info[Context, None], input: ProposalIdInput
    ) -> ProposalPayload:
        async def work(session):
            return await proposals.withdraw_proposal(
                session,
                actor=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                now=info.context.now(),
            )

        return await _proposal_payload(info, work)

    @strawberry.mutation(description="Comment on a proposal (brand members; plain text).")
    async def add_comment(
        self, info: Info[Context, None], input: AddCommentInput
    ) -> CommentPayload:
        async def work(session):
            return await moderation.add_comment(
                session,
                author=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                body=input.body,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        return CommentPayload(comment=CommentType.from_row(row) if row else None, errors=errors)

    @strawberry.mutation(description="Hide or restore a proposal or comment (moderators).")
    async def moderate(self, info: Info[Context, None], input: ModerateInput) -> ModeratePayload:
        async def work(session):
            decoded = from_global_id(input.target_id)
            if decoded is None or decoded[0] not in ("Proposal", "Comment", "Rating"):
                raise NotFound("No such proposal, comment or rating.", field=["targetId"])
            if decoded[0] == "Rating":
                return await rating_service.moderate_rating(
                    session,
                    actor=await info.context.member(session),
                    rating_id=decoded[1],
                    hide=input.action == moderation.Action.HIDE,
                    reason=input.reason,
                    now=info.context.now(),
                )
            return await moderation.moderate(
                session,
                actor=await info.context.member(session),
                target_type=moderation.TargetType(decoded[0].upper()),
                target_id=decoded[1],
                action=input.action,
                reason=input.reason,
                now=info.context.now(),
            )

        row, errors = await perform(info, work)
        if isinstance(row, ProductRating):
            from brandhub.schema.ratings.types import RatingType

            return ModeratePayload(rating=RatingType.from_row(row), errors=errors)
        if isinstance(row, Comment):
            return ModeratePayload(comment=CommentType.from_row(row), errors=errors)
        return ModeratePayload(proposal=ProposalType.from_row(row) if row else None, errors=errors)
