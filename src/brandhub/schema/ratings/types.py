"""GraphQL types of ratings, rating summaries and reputation."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from brandhub.community.models import Proposal
from brandhub.db import Database
from brandhub.partners.models import Handoff
from brandhub.ratings import outcomes, reads, reputation, scores
from brandhub.ratings.models import ProductRating
from brandhub.ratings.service import buyer_status, shipped_handoff, shipped_handoffs
from brandhub.schema.auth.types import MemberType
from brandhub.schema.community.types import load_member, moderates, visible_proposal
from brandhub.schema.context import Context
from brandhub.schema.relay import Connection, Node, NodeID, connection, nodes_by_pk, page

ReputationKindEnum = strawberry.enum(
    reputation.OutcomeKind,
    name="ReputationKind",
    description="PRODUCTION: your proposals that reached production; RATINGS: buyers' ratings "
    "of your products; FORK_WINS: others' forks of your work that won; MODERATION: your "
    "content hidden by moderators.",
)


@strawberry.type(name="Rating", description="A verified buyer's stars and plain-text review.")
class RatingType(Node):
    pk: NodeID[int]
    stars: int = strawberry.field(description="1 to 5.")
    hidden: bool = strawberry.field(
        description="Review hidden by a moderator: its text is withheld, its stars still count."
    )
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[ProductRating]

    @classmethod
    def from_row(cls, row: ProductRating) -> RatingType:
        assert row.id is not None
        return cls(
            pk=row.id,
            stars=row.stars,
            hidden=row.hidden,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[RatingType | None]:
        """Ratings by id, when their proposal is visible."""

        async def fetch(pk: int) -> RatingType | None:
            async with info.context.db.read() as session:
                row = await session.get(ProductRating, pk)
            if row is None or await visible_proposal(info, row.proposal_id) is None:
                return None
            return cls.from_row(row)

        return await nodes_by_pk(node_ids, fetch)

    @strawberry.field(
        description="Plain text (never HTML); null when hidden, except for moderators."
    )
    async def review(self, info: Info[Context, None]) -> str | None:
        if not self.row.hidden:
            return self.row.review
        proposal = await info.context.loaders.proposal.load(self.row.proposal_id)
        campaign = await info.context.loaders.campaign.load(proposal.campaign_id)
        return self.row.review if await moderates(info, campaign.brand_id) else None

    @strawberry.field(description="The verified buyer.")
    async def author(self, info: Info[Context, None]) -> MemberType:
        return await load_member(info, self.row.member_id)


@strawberry.type(
    name="ProductRatings",
    description="A shipped product's ratings. bayesianAverage = (C·m + Σ stars) / (C + count) "
    "with prior mean m = 3 and strength C = 5.",
)
class ProductRatingsType:
    count: int
    average: float | None = strawberry.field(description="The plain mean; null without ratings.")
    bayesian_average: float
    distribution: list[int] = strawberry.field(
        description="Ratings per star, 1★ first (5 numbers)."
    )
    prior_mean: float
    prior_strength: int
    handoff_pk: strawberry.Private[int]
    proposal: strawberry.Private[Proposal]

    @strawberry.field(description="The viewer's own rating of this product.")
    async def viewer_rating(self, info: Info[Context, None]) -> RatingType | None:
        member_id = await _viewer_member_id(info)
        if member_id is None:
            return None
        async with info.context.db.read() as session:
            row = await reads.rating_of(session, handoff_id=self.handoff_pk, member_id=member_id)
        return RatingType.from_row(row) if row else None

    @strawberry.field(description="True when the viewer's pledge was fulfilled: they may rate.")
    async def viewer_can_rate(self, info: Info[Context, None]) -> bool:
        member_id = await _viewer_member_id(info)
        if member_id is None:
            return False
        assert self.proposal.id is not None
        async with info.context.db.read() as session:
            status = await buyer_status(session, proposal_id=self.proposal.id, member_id=member_id)
        return status == "FULFILLED"

    @strawberry.field(description="Ratings, latest first; hidden reviews only for moderators.")
    async def reviews(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> Connection[RatingType]:
        p = page(first, after)
        campaign = await info.context.loaders.campaign.load(self.proposal.campaign_id)
        include_hidden = await moderates(info, campaign.brand_id)
        async with info.context.db.read() as session:
            rows = await reads.reviews(
                session,
                self.handoff_pk,
                include_hidden=include_hidden,
                offset=p.offset,
                limit=p.limit,
            )
        return connection(rows, p, RatingType.from_row)


@strawberry.type(name="PartnerRating", description="A partner's ratings across its products.")
class PartnerRatingType:
    count: int
    average: float | None
    bayesian_average: float = strawberry.field(description="Same prior as ProductRatings.")
    distribution: list[int]
    products: int = strawberry.field(description="Products with at least one rating.")


@strawberry.type(name="ReputationComponent", description="One kind of outcome of a member's work.")
class ReputationComponentType:
    kind: ReputationKindEnum  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many such outcomes.")
    points: float = strawberry.field(description="Their points today, after decay.")


@strawberry.type(
    name="Reputation",
    description="Reputation from outcomes: each outcome's points halve every halfLifeDays; the "
    "score is their sum clamped to [0, cap], rounded.",
)
class ReputationType:
    score: int
    raw: float = strawberry.field(description="The unclamped sum of the components.")
    cap: int
    half_life_days: float
    components: list[ReputationComponentType]


async def _viewer_member_id(info: Info[Context, None]) -> int | None:
    principal = await info.context.principal() if info.context.credential else None
    return principal.member.id if principal and principal.member else None


def _summary_fields(summary: scores.RatingSummary) -> dict:
    return {
        "count": summary.count,
        "average": summary.average,
        "bayesian_average": summary.bayesian_average,
        "distribution": list(summary.distribution),
    }


async def product_ratings(
    info: Info[Context, None], proposal: Proposal, *, fresh: bool = False
) -> ProductRatingsType | None:
    """A proposal's product ratings; null until its product shipped. Read through the
    request's DataLoaders (a board lists many proposals), or ``fresh`` after a change."""
    assert proposal.id is not None
    if fresh:
        async with info.context.db.read() as session:
            handoff = await shipped_handoff(session, proposal.id)
            summary = await reads.summary(session, handoff_id=handoff.id) if handoff else None
    else:
        loaders = info.context.loaders
        handoff = await loaders.get("shipped_handoff", _shipped_loader).load(proposal.id)
        summary = None
        if handoff is not None:
            summary = await loaders.get("product_rating", _product_summary_loader).load(handoff.id)
    if handoff is None or summary is None:
        return None
    assert handoff.id is not None
    return ProductRatingsType(
        **_summary_fields(summary),
        prior_mean=scores.PRIOR_MEAN,
        prior_strength=scores.PRIOR_STRENGTH,
        handoff_pk=handoff.id,
        proposal=proposal,
    )


async def partner_rating(info: Info[Context, None], partner_pk: int) -> PartnerRatingType:
    """A partner's rating across every product it shipped."""
    summary, products = await info.context.loaders.get(
        "partner_rating", _partner_summary_loader
    ).load(partner_pk)
    return PartnerRatingType(**_summary_fields(summary), products=products)


def _shipped_loader(db: Database) -> DataLoader[int, Handoff | None]:
    async def load(proposal_ids: Sequence[int]) -> list[Handoff | None]:
        async with db.read() as session:
            found = await shipped_handoffs(session, proposal_ids)
        return [found.get(pid) for pid in proposal_ids]

    return DataLoader(load_fn=load)


def _product_summary_loader(db: Database) -> DataLoader[int, scores.RatingSummary]:
    async def load(handoff_ids: Sequence[int]) -> list[scores.RatingSummary]:
        async with db.read() as session:
            found = await reads.summaries(session, handoff_ids=handoff_ids)
        return [found[h] for h in handoff_ids]

    return DataLoader(load_fn=load)


def _partner_summary_loader(db: Database) -> DataLoader[int, tuple[scores.RatingSummary, int]]:
    async def load(partner_ids: Sequence[int]) -> list[tuple[scores.RatingSummary, int]]:
        async with db.read() as session:
            found = await reads.summaries(session, partner_ids=partner_ids)
            products = await reads.rated_products_of(session, partner_ids)
        return [(found[p], products.get(p, 0)) for p in partner_ids]

    return DataLoader(load_fn=load)


async def member_reputation(info: Info[Context, None], member_pk: int) -> ReputationType:
    """A member's reputation and its breakdown, computed now from their outcomes."""
    async with info.context.db.read() as session:
        found = await outcomes.outcomes_of(session, [member_pk])
    computed = reputation.reputation(found[member_pk], info.context.now())
    return ReputationType(
        score=computed.score,
        raw=computed.raw,
        cap=reputation.CAP,
        half_life_days=reputation.HALF_LIFE_DAYS,
        components=[
            ReputationComponentType(kind=c.kind, count=c.count, points=c.points)
            for c in computed.components
        ],
    )
