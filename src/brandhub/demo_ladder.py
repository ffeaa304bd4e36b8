"""Demo: a ladder campaign in VOTING, its proposals at different stages, one in Ada's review."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from brandhub.auth.models import Member
from brandhub.community import campaigns, proposals
from brandhub.community.models import Brand, Campaign, Phase
from brandhub.db import Database
from brandhub.ladder import service as ladder
from brandhub.ladder.rules import Stage
from brandhub.partners.models import Partner

TITLE = "Soup of the month"
# Small stages so four demo members show every step: 2 supporters, then 3, then 4 (review).
STAGES = [Stage(2, 7), Stage(3, 7), Stage(4, None)]
# (author's email, title, main ingredient, allergens, supporters' emails)
LADDER_SOUPS = [
    (
        "cy@demo.brandhub",
        "Miso and greens",
        ("white miso", 3, "tbsp"),
        ["soybeans"],
        ["ada@demo.brandhub", "bo@demo.brandhub", "cy@demo.brandhub", "dee@demo.brandhub"],
    ),
    (
        "dee@demo.brandhub",
        "Tomato and basil",
        ("tomatoes", 1, "kg"),
        [],
        ["bo@demo.brandhub", "cy@demo.brandhub", "dee@demo.brandhub"],
    ),
    (
        "bo@demo.brandhub",
        "Beetroot borscht",
        ("beetroots", 4, "piece"),
        [],
        ["bo@demo.brandhub", "cy@demo.brandhub"],
    ),
    (
        "ada@demo.brandhub",
        "French onion",
        ("onions", 6, "piece"),
        ["cereals-containing-gluten"],
        [],
    ),
]

Vote = Callable[[Member, int, datetime], Awaitable[None]]


async def seed_ladder(
    db: Database,
    *,
    people: dict[str, Member],
    brand: Brand,
    partner: Partner,
    vote: Vote,
    now: datetime,
) -> None:
    """The ladder campaign, its proposals and their support (once)."""
    from brandhub.demo import recipe  # the demo's recipe shape, shared

    ada = people["ada@demo.brandhub"]
    start = now - timedelta(days=5)
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
            brief="Each soup that gathers enough support in time goes to Ada for review.",
            category="recipe",
            spec_template="recipe",
            custom_template=None,
            rules=campaigns.RulesInput(method="APPROVAL", votes_per_member=3),
            submissions_close_at=None,
            voting_closes_at=None,
            now=start,
            partner_ids=[partner.id],
        )
        assert campaign.id is not None
        await ladder.set_ladder(
            session, actor=ada, campaign_id=campaign.id, initial_days=14, stages=STAGES, now=start
        )
        await campaigns.move_phase(
            session, actor=ada, campaign_id=campaign.id, to=Phase.SUBMISSIONS, now=start
        )
        supporters = []
        for email, title, main, allergens, backers in LADDER_SOUPS:
            proposal = await proposals.submit_proposal(
                session,
                author=people[email],
                campaign_id=campaign.id,
                title=title,
                summary=f"{title}, as I make it at home.",
                spec=recipe(main, allergens),
                now=start,
            )
            supporters.append((proposal.id, backers))
        await campaigns.move_phase(
            session, actor=ada, campaign_id=campaign.id, to=Phase.VOTING, now=start
        )
    # One supporter a day, each climb checked after each support (as the app's job does).
    for hour, (proposal_id, backers) in enumerate(supporters):
        for day, email in enumerate(backers, start=1):
            at = start + timedelta(days=day, hours=hour)
            await vote(people[email], proposal_id, at)
            async with db.unit_of_work() as session:
                row = await campaigns.get_campaign(session, campaign.id)
                await ladder.advance(session, campaign=row, proposal_id=proposal_id, now=at)
