"""Demo, after the vote: Ada's autumn campaign, closed weeks ago, its winner made by SoupWorks.

Everything goes through the domain services with a clock placed in the past, so the product
page shows a shipped product with its ratings, Ada's brand statement and the author's ``/me``
statement show royalties, and the author's ``/m/<id>`` page shows reputation.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from brandhub.auth.models import Member
from brandhub.community import campaigns, proposals
from brandhub.community.models import Brand, Campaign, Phase
from brandhub.db import Database
from brandhub.partners import pledges, workflow
from brandhub.partners.handoffs import partner_handoff
from brandhub.partners.models import Handoff, HandoffStatus, Partner
from brandhub.partners.quotes import Quote, Tier
from brandhub.ratings import fulfilment
from brandhub.ratings import service as ratings
from brandhub.royalties import rules as royalty_rules
from brandhub.royalties import sales
from brandhub.settings import Settings
from brandhub.voting import closing

TITLE = "The autumn soup"
# Proposals of the past campaign: (author's email, title, main ingredient, allergens).
PAST_SOUPS = [
    ("cy@demo.brandhub", "Chestnut and mushroom", ("chestnuts", 300, "g"), []),
    ("bo@demo.brandhub", "Spiced lentil", ("red lentils", 1, "cup"), ["mustard"]),
]
# Who rates the shipped product: (email, stars, review). Bo and Dee pledged and were delivered.
REVIEWS = [
    ("bo@demo.brandhub", 5, "Earthy and rich; the jar did not last the weekend."),
    ("dee@demo.brandhub", 4, "Lovely with bread. A little more salt next batch?"),
]
# SoupWorks' weekly sales reports after shipping: (days after shipping, units, net revenue).
SALES = [(0, 420, Decimal("2730.00")), (7, 180, Decimal("1170.00"))]

Vote = Callable[[Member, int, datetime], Awaitable[None]]


async def seed_product(
    db: Database,
    settings: Settings,
    *,
    people: dict[str, Member],
    brand: Brand,
    partner: Partner,
    vote: Vote,
    now: datetime,
) -> None:
    """The past campaign, from its brief to the sales reports and reviews (once)."""
    from brandhub.demo import recipe  # the demo's recipe shape, shared

    ada = people["ada@demo.brandhub"]
    # Within the demo members' 30 days (a vote before its voter's account counts for nothing).
    start = now - timedelta(days=28)
    async with db.unit_of_work() as session:
        existing = await session.scalar(
            select(Campaign.id).where(Campaign.brand_id == brand.id, Campaign.title == TITLE)
        )
        if existing is not None:
            return
        campaign = await campaigns.create_campaign(
            session,
            actor=ada,
            brand_id=brand.id,
            title=TITLE,
            brief="Which soup should warm Ada Cooks' readers this autumn?",
            category="recipe",
            spec_template="recipe",
            custom_template=None,
            rules=campaigns.RulesInput(method="APPROVAL", votes_per_member=1, quorum=2),
            submissions_close_at=None,
            voting_closes_at=None,
            now=start,
            partner_ids=[partner.id],
        )
        assert campaign.id is not None
        await royalty_rules.set_rules(
            session,
            actor=ada,
            campaign_id=campaign.id,
            rules=royalty_rules.Percentages(brand=Decimal("10"), authors=Decimal("2")),
            now=start,
        )
        await campaigns.move_phase(
            session, actor=ada, campaign_id=campaign.id, to=Phase.SUBMISSIONS, now=start
        )
        ids = []
        for email, title, main, allergens in PAST_SOUPS:
            proposal = await proposals.submit_proposal(
                session,
                author=people[email],
                campaign_id=campaign.id,
                title=title,
                summary=f"{title}, as I make it at home.",
                spec=recipe(main, allergens),
                now=start + timedelta(days=1),
            )
            ids.append(proposal.id)
        await campaigns.move_phase(
            session,
            actor=ada,
            campaign_id=campaign.id,
            to=Phase.VOTING,
            now=start + timedelta(days=2),
        )
    winner, other = ids
    for email, proposal_id in [
        ("ada@demo.brandhub", winner),
        ("bo@demo.brandhub", winner),
        ("dee@demo.brandhub", winner),
        ("cy@demo.brandhub", other),
    ]:
        await vote(people[email], proposal_id, start + timedelta(days=3))
    at = start + timedelta(days=7)
    async with db.unit_of_work() as session:
        await closing.close_campaign(
            session, actor=ada, campaign_id=campaign.id, now=at, secret=settings.secret_key
        )
    async with db.unit_of_work() as session:
        handoff_id = await session.scalar(
            select(Handoff.id).where(
                Handoff.campaign_id == campaign.id, Handoff.partner_id == partner.id
            )
        )
        assert handoff_id is not None
        await workflow.acknowledge(session, partner=partner, handoff_id=handoff_id, now=at)
        quote = Quote(
            currency="EUR",
            tiers=(
                Tier(min_units=1, unit_price=Decimal("6.50")),
                Tier(min_units=50, unit_price=Decimal("5.90")),
                Tier(min_units=200, unit_price=Decimal("4.80")),
            ),
            moq=4,
            lead_time_days=14,
            valid_until=at + timedelta(days=30),
        )
        await workflow.submit_quote(
            session, partner=partner, handoff_id=handoff_id, quote=quote, now=at
        )
        await workflow.accept_quote(
            session, actor=ada, handoff_id=handoff_id, now=at + timedelta(days=1)
        )
    # Bo and Dee pledge enough together to reach the minimum order quantity.
    for email, units in [("bo@demo.brandhub", 3), ("dee@demo.brandhub", 2)]:
        async with db.unit_of_work() as session:
            await pledges.pledge(
                session,
                member=people[email],
                proposal_id=winner,
                units=units,
                now=at + timedelta(days=2),
                secret=settings.secret_key,
            )
    async with db.unit_of_work() as session:
        for status, day in [(HandoffStatus.IN_PRODUCTION, 3), (HandoffStatus.SHIPPED, 5)]:
            await workflow.update_production(
                session,
                partner=partner,
                handoff_id=handoff_id,
                status=status,
                note=None,
                now=at + timedelta(days=day),
            )
        await fulfilment.fulfil_pledges(
            session,
            partner=partner,
            handoff_id=handoff_id,
            pledge_ids=None,
            everyone=True,
            now=at + timedelta(days=6),
        )
    async with db.unit_of_work() as session:
        handoff = await partner_handoff(session, partner=partner, handoff_id=handoff_id)
        shipped = (at + timedelta(days=5)).date()
        for offset, units, revenue in SALES:
            first = shipped + timedelta(days=offset)
            last = first + timedelta(days=6)
            await sales.report_sales(
                session,
                partner=partner,
                handoff_id=handoff_id,
                idempotency_key=f"demo-week-{first.isoformat()}",
                sales=sales.Sales(
                    period_start=first,
                    period_end=last,
                    units=units,
                    net_revenue=revenue,
                    currency="EUR",
                ),
                now=at + timedelta(days=5 + offset + 8),
            )
        for email, stars, review in REVIEWS:
            await ratings.rate_product(
                session,
                member=people[email],
                handoff_id=handoff.id,
                stars=stars,
                review=review,
                now=at + timedelta(days=10),
            )
