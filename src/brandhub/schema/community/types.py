"""GraphQL types of brands, campaigns, proposals, revisions, comments and moderation."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from brandhub.community import reads
from brandhub.community.models import (
    Brand,
    Campaign,
    Comment,
    Membership,
    ModerationAction,
    Phase,
    Proposal,
    ProposalStatus,
    Revision,
    Role,
)
from brandhub.community.permissions import MODERATORS
from brandhub.schema.auth.types import MemberType
from brandhub.schema.community.enums import (
    LabelModeEnum,
    ModerationActionEnum,
    PhaseEnum,
    ProposalStatusEnum,
    RoleEnum,
    VotingMethodEnum,
    WeightingEnum,
)
from brandhub.schema.context import Context
from brandhub.schema.errors import forbidden
from brandhub.schema.relay import (
    Connection,
    Node,
    NodeID,
    connection,
    nodes_by_pk,
    page,
    to_global_id,
)
from brandhub.schema.royalties.types import RoyaltyRulesType, RoyaltyStatementType
from brandhub.schema.voting.types import (
    BallotType,
    RankedProposalType,
    ResultsType,
    TallyType,
    VelocityFlagType,
    ViewerVoteType,
    VoterReceiptType,
    tally_of,
)
from brandhub.voting import reads as voting_reads
from brandhub.voting.methods import VotingMethod
from brandhub.voting.ranking import TIE_BREAK, RankOrder

if TYPE_CHECKING:
    from brandhub.schema.ladder.types import LadderType, ProposalLadderType
    from brandhub.schema.partners.types import DemandType, HandoffType, PledgeType
    from brandhub.schema.ratings.types import ProductRatingsType

ProposalOrder = strawberry.enum(
    RankOrder,
    name="ProposalOrder",
    description="TOP: score. HOT: score decayed by age (gravity 1.5). NEW: newest first.",
)


async def viewer_id(info: Info[Context, None]) -> int | None:
    """The signing-in member's id, if any (a bad token is an UNAUTHENTICATED error)."""
    principal = await info.context.principal()
    return principal.member.id if principal and principal.member else None


async def viewer_role(info: Info[Context, None], brand_id: int) -> Role | None:
    """The viewer's role in a brand, through the per-request loader."""
    member_id = await viewer_id(info)
    if member_id is None:
        return None
    role = await info.context.loaders.role.load((brand_id, member_id))
    return Role(role) if role else None


async def moderates(info: Info[Context, None], brand_id: int) -> bool:
    """True when the viewer is a moderator or owner of the brand."""
    return await viewer_role(info, brand_id) in MODERATORS


async def load_member(info: Info[Context, None], member_id: int) -> MemberType:
    row = await info.context.loaders.member.load(member_id)
    return MemberType.from_row(row)


@strawberry.type(name="Brand", description="A host brand: a social brand or a community.")
class BrandType(Node):
    pk: NodeID[int]
    slug: str
    name: str
    tagline: str
    label_mode: LabelModeEnum  # type: ignore[valid-type]
    member_count: int
    created_at: datetime
    accent_color: str | None = strawberry.field(
        description="The brand's accent colour (#rrggbb) for its pages and widget."
    )
    logo_url: str | None = strawberry.field(description="An https URL of the brand's logo.")
    owner_id: strawberry.Private[int]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[BrandType | None]:
        """Brands by id: every brand is public."""
        return await nodes_by_pk(node_ids, lambda pk: visible_brand(info, pk))

    @classmethod
    def from_row(cls, row: Brand) -> BrandType:
        assert row.id is not None
        return cls(
            pk=row.id,
            slug=row.slug,
            name=row.name,
            tagline=row.tagline,
            label_mode=row.label_mode,
            member_count=row.member_count,
            created_at=row.created_at,
            accent_color=row.accent_color,
            logo_url=row.logo_url,
            owner_id=row.owner_id,
        )

    @strawberry.field(
        description="Royalties owed to the brand, by booking date (both ends included); "
        "only for its owners (FORBIDDEN otherwise)."
    )
    async def royalty_statement(
        self,
        info: Info[Context, None],
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
    ) -> RoyaltyStatementType:
        from brandhub.schema.royalties.views import brand_statement

        return await brand_statement(info, self.pk, start, end)

    @strawberry.field
    async def owner(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.owner_id)

    @strawberry.field(description="The viewer's role in this brand; null when not a member.")
    async def viewer_role(self, info: Info[Context, None]) -> RoleEnum | None:  # type: ignore[valid-type]
        return await viewer_role(info, self.pk)

    @strawberry.field(description="Campaigns, newest first; drafts only for moderators.")
    async def campaigns(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[CampaignType]:
        p = page(first, after)
        include_drafts = await moderates(info, self.pk)
        async with info.context.db.read() as session:
            rows = await reads.campaigns_of(
                session, self.pk, include_drafts=include_drafts, offset=p.offset, limit=p.limit
            )
        return connection(rows, p, CampaignType.from_row)

    @strawberry.field(
        description="Origins (scheme://host[:port]) whose pages may embed the brand's widget "
        "and call the API from the browser; owners only."
    )
    async def embed_origins(self, info: Info[Context, None]) -> list[str]:
        from brandhub.schema.community.embedding import embed_origins

        return await embed_origins(info, self.pk)

    @strawberry.field(description="Hide and restore actions; moderators and owners only.")
    async def moderation_log(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[ModerationEntryType]:
        if not await moderates(info, self.pk):
            raise forbidden("Only the brand's moderators and owners can read its moderation log.")
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.moderation_log(session, self.pk, offset=p.offset, limit=p.limit)
        return connection(rows, p, ModerationEntryType.from_row)

    @strawberry.field(
        description="Who belongs to the brand and with what role (owners first); moderators "
        "and owners only."
    )
    async def members(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[MembershipType]:
        if not await moderates(info, self.pk):
            raise forbidden("Only the brand's moderators and owners can list its members.")
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.members_of(session, self.pk, offset=p.offset, limit=p.limit)
        return connection(rows, p, MembershipType.from_row)


@strawberry.type(name="Membership")
class MembershipType:
    role: RoleEnum  # type: ignore[valid-type]
    joined_at: datetime
    brand_id: strawberry.Private[int]
    member_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Membership) -> MembershipType:
        return cls(
            role=row.role, joined_at=row.joined_at, brand_id=row.brand_id, member_id=row.member_id
        )

    @strawberry.field
    async def brand(self, info: Info[Context, None]) -> BrandType:
        return BrandType.from_row(await info.context.loaders.brand.load(self.brand_id))

    @strawberry.field
    async def member(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.member_id)


@strawberry.type(name="VotingRules")
class VotingRulesType:
    method: VotingMethodEnum  # type: ignore[valid-type]
    weighting: WeightingEnum  # type: ignore[valid-type]
    votes_per_member: int | None
    credits_per_member: int | None
    quorum: int
    support_threshold: float | None
    min_account_age_hours: int
    max_voter_share: float | None
    score_prior_strength: float = strawberry.field(
        description="SCORE: the prior's strength C (votes of weight 1 at the campaign's mean)."
    )
    tie_break: str = strawberry.field(
        description="How equal exact scores are ordered, for this campaign's method."
    )


@strawberry.type(name="Campaign", description="A round of proposals and votes run by a brand.")
class CampaignType(Node):
    pk: NodeID[int]
    title: str
    brief: str
    category: str
    spec_template: str = strawberry.field(description="recipe, apparel, generic or custom.")
    spec_schema: JSON = strawberry.field(description="The JSON Schema proposals' specs follow.")
    voting: VotingRulesType
    phase: PhaseEnum  # type: ignore[valid-type]
    submissions_close_at: datetime | None
    voting_closes_at: datetime | None
    created_at: datetime
    brand_id: strawberry.Private[int]
    row: strawberry.Private[Campaign]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[CampaignType | None]:
        """Campaigns by id, as ``campaign(id:)`` shows them."""
        return await nodes_by_pk(node_ids, lambda pk: visible_campaign(info, pk))

    @classmethod
    def from_row(cls, row: Campaign) -> CampaignType:
        assert row.id is not None
        return cls(
            pk=row.id,
            title=row.title,
            brief=row.brief,
            category=row.category,
            spec_template=row.spec_template,
            spec_schema=row.spec_schema,
            voting=VotingRulesType(
                method=row.method,
                weighting=row.weighting,
                votes_per_member=row.votes_per_member,
                credits_per_member=row.credits_per_member,
                quorum=row.quorum,
                support_threshold=row.support_threshold,
                min_account_age_hours=row.min_account_age_hours,
                max_voter_share=row.max_voter_share,
                score_prior_strength=row.score_prior_strength,
                tie_break=TIE_BREAK[VotingMethod(row.method)],
            ),
            phase=row.phase,
            submissions_close_at=row.submissions_close_at,
            voting_closes_at=row.voting_closes_at,
            created_at=row.created_at,
            brand_id=row.brand_id,
            row=row,
        )

    @strawberry.field
    async def brand(self, info: Info[Context, None]) -> BrandType:
        return BrandType.from_row(await info.context.loaders.brand.load(self.brand_id))

    @strawberry.field(
        description="Proposals. NEW lists every one (hidden ones only for moderators); "
        "TOP and HOT rank those taking part in the vote, from the live tallies."
    )
    async def proposals(
        self,
        info: Info[Context, None],
        order_by: ProposalOrder = RankOrder.NEW,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[ProposalType]:
        p = page(first, after)
        if order_by is RankOrder.NEW:
            include_hidden = await moderates(info, self.brand_id)
            async with info.context.db.read() as session:
                rows = await reads.newest_proposals(
                    session, self.pk, include_hidden=include_hidden, offset=p.offset, limit=p.limit
                )
            return connection(rows, p, ProposalType.from_row)
        async with info.context.db.read() as session:
            standings = await voting_reads.standings(
                session, self.row, order=RankOrder(order_by), now=info.context.now()
            )
        window = standings[p.offset : p.offset + p.limit + 1]
        loaded = await info.context.loaders.proposal.load_many([s.proposal_id for s in window])
        return connection([r for r in loaded if r is not None], p, ProposalType.from_row)

    @strawberry.field(description="The live top of the vote (TOP order), from incremental tallies.")
    async def leaderboard(
        self, info: Info[Context, None], first: int = 10
    ) -> list[RankedProposalType]:
        from brandhub.schema.voting.views import leaderboard

        return await leaderboard(info, self.pk, first)

    @strawberry.field(description="Distinct voters counted so far, toward the quorum.")
    async def voters(self, info: Info[Context, None]) -> int:
        from brandhub.schema.voting.views import campaign_voters

        return await campaign_voters(info, self.pk)

    @strawberry.field(description="Royalty rules, set by the owner before voting opens.")
    async def royalty_rules(self, info: Info[Context, None]) -> RoyaltyRulesType | None:
        from brandhub.schema.royalties.views import campaign_rules

        return await campaign_rules(info, self.pk)

    @strawberry.field(description="The stored result; null until the campaign closes.")
    async def results(self, info: Info[Context, None]) -> ResultsType | None:
        from brandhub.schema.voting.views import results

        return await results(info, self.pk)

    @strawberry.field(description="The viewer's own votes in this campaign.")
    async def viewer_votes(self, info: Info[Context, None]) -> list[ViewerVoteType]:
        from brandhub.schema.voting.views import viewer_votes

        return await viewer_votes(info, self.pk)

    @strawberry.field(
        description="The viewer's receipt: their pseudonym and chain head; once the campaign "
        "is CLOSED, its RFC 9162 inclusion proof in the signed seal (docs/audit-format.md). "
        "Null for anyone who has not voted here, or nobody signed in."
    )
    async def viewer_receipt(self, info: Info[Context, None]) -> VoterReceiptType | None:
        from brandhub.schema.voting.views import viewer_receipt

        return await viewer_receipt(info, self.pk)

    @strawberry.field(description="The viewer's ranked ballot (RANKED campaigns).")
    async def viewer_ballot(self, info: Info[Context, None]) -> BallotType | None:
        from brandhub.schema.voting.views import viewer_ballot

        return await viewer_ballot(info, self.pk)

    @strawberry.field(
        description="Supports (APPROVAL) or credits (QUADRATIC) the viewer has left; "
        "null when the method has no budget or nobody is signed in."
    )
    async def viewer_remaining_budget(self, info: Info[Context, None]) -> int | None:
        from brandhub.schema.voting.views import viewer_remaining_budget

        return await viewer_remaining_budget(info, self.row)

    @strawberry.field(description="Bursts of votes from new accounts; moderators only.")
    async def velocity_flags(self, info: Info[Context, None]) -> list[VelocityFlagType]:
        from brandhub.schema.voting.views import velocity_flags

        return await velocity_flags(info, self.pk, self.brand_id)

    @strawberry.field(
        description='GREY label: the accepted partner\'s "Powered by" label; '
        "null in WHITE label or before a quote is accepted."
    )
    async def powered_by(self, info: Info[Context, None]) -> str | None:
        from brandhub.schema.partners.views import campaign_powered_by

        return await campaign_powered_by(info, self.row)

    @strawberry.field(description="The support ladder, when the campaign runs as one.")
    async def ladder(
        self, info: Info[Context, None]
    ) -> Annotated[LadderType, strawberry.lazy("brandhub.schema.ladder.types")] | None:
        from brandhub.schema.ladder.views import campaign_ladder

        return await campaign_ladder(info, self.pk)

    @strawberry.field(description="Partner handoffs: all for brand owners, its own for a partner.")
    async def handoffs(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[HandoffType, strawberry.lazy("brandhub.schema.partners.types")]]:
        from brandhub.schema.partners.views import campaign_handoffs

        return await campaign_handoffs(info, self.pk, self.brand_id, first, after)


@strawberry.type(name="Revision", description="One numbered version of a proposal's spec.")
class RevisionType:
    number: int
    note: str
    spec: JSON
    spec_digest: str
    at: datetime
    author_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Revision) -> RevisionType:
        return cls(
            number=row.number,
            note=row.note,
            spec=row.spec,
            spec_digest=row.spec_digest,
            at=row.at,
            author_id=row.author_id,
        )

    @strawberry.field
    async def author(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.author_id)


@strawberry.type(name="Comment", description="Plain text; clients must not render it as HTML.")
class CommentType(Node):
    pk: NodeID[int]
    body: str
    hidden: bool
    created_at: datetime
    author_id: strawberry.Private[int]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[CommentType | None]:
        """Comments by id, as ``Proposal.comments`` shows them."""
        return await nodes_by_pk(node_ids, lambda pk: visible_comment(info, pk))

    @classmethod
    def from_row(cls, row: Comment) -> CommentType:
        assert row.id is not None
        return cls(
            pk=row.id,
            body=row.body,
            hidden=row.hidden,
            created_at=row.created_at,
            author_id=row.author_id,
        )

    @strawberry.field
    async def author(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.author_id)


@strawberry.type(name="Proposal", description="A product idea with a structured spec.")
class ProposalType(Node):
    pk: NodeID[int]
    title: str
    summary: str
    spec: JSON
    spec_digest: str = strawberry.field(
        description="SHA-256 (hex) of the RFC 8785 canonical JSON of the spec."
    )
    status: ProposalStatusEnum  # type: ignore[valid-type]
    revision: int = strawberry.field(description="Number of the latest revision.")
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[Proposal]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[ProposalType | None]:
        """Proposals by id, as ``proposal(id:)`` shows them."""
        return await nodes_by_pk(node_ids, lambda pk: visible_proposal(info, pk))

    @classmethod
    def from_row(cls, row: Proposal) -> ProposalType:
        assert row.id is not None
        return cls(
            pk=row.id,
            title=row.title,
            summary=row.summary,
            spec=row.spec,
            spec_digest=row.spec_digest,
            status=row.status,
            revision=row.revision,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field
    async def author(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.row.author_id)

    @strawberry.field(description="Everyone credited: the author, then the authors forked from.")
    async def credits(self, info: Info[Context, None]) -> list[MemberType]:
        rows = await info.context.loaders.member.load_many(self.row.credit_ids)
        return [MemberType.from_row(r) for r in rows if r is not None]

    @strawberry.field
    async def campaign(self, info: Info[Context, None]) -> CampaignType:
        return CampaignType.from_row(await info.context.loaders.campaign.load(self.row.campaign_id))

    @strawberry.field(description="The proposal this one was forked from, if visible.")
    async def forked_from(self, info: Info[Context, None]) -> ProposalType | None:
        if self.row.forked_from_id is None:
            return None
        return await visible_proposal(info, self.row.forked_from_id)

    @strawberry.field
    async def latest_revision(self, info: Info[Context, None]) -> RevisionType:
        row = await info.context.loaders.latest_revision.load(self.pk)
        return RevisionType.from_row(row)

    @strawberry.field(description="Its climb, in a ladder campaign once voting opened.")
    async def ladder(
        self, info: Info[Context, None]
    ) -> Annotated[ProposalLadderType, strawberry.lazy("brandhub.schema.ladder.types")] | None:
        from brandhub.schema.ladder.views import proposal_ladder

        campaign = await info.context.loaders.campaign.load(self.row.campaign_id)
        return await proposal_ladder(info, campaign, self.pk)

    @strawberry.field(description="Live totals, kept incrementally as votes are cast.")
    async def tally(self, info: Info[Context, None]) -> TallyType:
        return await tally_of(info, self.pk)

    @strawberry.field(description="Units pledged on this proposal by everyone (group buying).")
    async def pledged_units(self, info: Info[Context, None]) -> int:
        from brandhub.schema.partners.views import proposal_pledged_units

        return await proposal_pledged_units(info, self.pk)

    @strawberry.field(
        description="Group buying: units pledged, priced by the accepted quote once a partner's "
        "quote for this proposal is accepted."
    )
    async def demand(
        self, info: Info[Context, None]
    ) -> Annotated[DemandType, strawberry.lazy("brandhub.schema.partners.types")]:
        from brandhub.schema.partners.views import proposal_demand

        return await proposal_demand(info, self.row)

    @strawberry.field(description="The viewer's active pledges on this proposal.")
    async def viewer_pledges(
        self, info: Info[Context, None]
    ) -> list[Annotated[PledgeType, strawberry.lazy("brandhub.schema.partners.types")]]:
        from brandhub.schema.partners.views import viewer_pledges

        return await viewer_pledges(info, self.pk)

    @strawberry.field(description="Verified buyers' ratings, once the product has shipped.")
    async def ratings(
        self, info: Info[Context, None]
    ) -> Annotated[ProductRatingsType, strawberry.lazy("brandhub.schema.ratings.types")] | None:
        from brandhub.schema.ratings.types import product_ratings

        return await product_ratings(info, self.row)

    @strawberry.field(description="Every revision, oldest first.")
    async def revisions(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RevisionType]:
        p = page(first, after)
        async with info.context.db.read() as session:
            rows = await reads.revisions_of(session, self.pk, offset=p.offset, limit=p.limit)
        return connection(rows, p, RevisionType.from_row)

    @strawberry.field(description="Comments, oldest first; hidden ones only for moderators.")
    async def comments(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[CommentType]:
        p = page(first, after)
        campaign = await info.context.loaders.campaign.load(self.row.campaign_id)
        include_hidden = await moderates(info, campaign.brand_id)
        async with info.context.db.read() as session:
            rows = await reads.comments_of(
                session, self.pk, include_hidden=include_hidden, offset=p.offset, limit=p.limit
            )
        return connection(rows, p, CommentType.from_row)


@strawberry.type(name="ModerationEntry", description="A hide or restore, with its reason.")
class ModerationEntryType:
    action: ModerationActionEnum  # type: ignore[valid-type]
    target_type: str
    reason: str
    at: datetime
    target_pk: strawberry.Private[int]
    moderator_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: ModerationAction) -> ModerationEntryType:
        return cls(
            action=row.action,
            target_type=row.target_type,
            reason=row.reason,
            at=row.at,
            target_pk=row.target_id,
            moderator_id=row.moderator_id,
        )

    @strawberry.field(description="Global id of the proposal, comment or rating acted on.")
    def target_id(self) -> strawberry.ID:
        type_name = self.target_type.capitalize()  # PROPOSAL, COMMENT or RATING
        return strawberry.ID(to_global_id(type_name, self.target_pk))

    @strawberry.field
    async def moderator(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.moderator_id)


async def visible_campaign(info: Info[Context, None], pk: int) -> CampaignType | None:
    """A campaign if the viewer may see it (drafts: moderators and owners only)."""
    row = await info.context.loaders.campaign.load(pk)
    if row is None:
        return None
    if row.phase == Phase.DRAFT and not await moderates(info, row.brand_id):
        return None
    return CampaignType.from_row(row)


async def visible_proposal(info: Info[Context, None], pk: int) -> ProposalType | None:
    """A proposal unless hidden from this viewer."""
    row = await info.context.loaders.proposal.load(pk)
    if row is None:
        return None
    if row.status == ProposalStatus.HIDDEN:
        campaign = await info.context.loaders.campaign.load(row.campaign_id)
        if not await moderates(info, campaign.brand_id):
            return None
    return ProposalType.from_row(row)


async def visible_brand(info: Info[Context, None], pk: int) -> BrandType | None:
    """A brand (every brand is public)."""
    row = await info.context.loaders.brand.load(pk)
    return BrandType.from_row(row) if row else None


async def visible_comment(info: Info[Context, None], pk: int) -> CommentType | None:
    """A comment if its proposal is visible and it is not hidden from this viewer."""
    row = await info.context.loaders.comment.load(pk)
    if row is None:
        return None
    proposal = await visible_proposal(info, row.proposal_id)
    if proposal is None:
        return None
    if row.hidden:
        campaign = await info.context.loaders.campaign.load(proposal.row.campaign_id)
        if not await moderates(info, campaign.brand_id):
            return None
    return CommentType.from_row(row)
