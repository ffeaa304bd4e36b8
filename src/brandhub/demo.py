"""Demo data for a first look (``brandhub serve --demo``): a brand, its campaigns, votes.

The winter soup campaign is in VOTING; the autumn one is closed, made, sold and rated
(``demo_product``); a ladder campaign has proposals climbing (``demo_ladder``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from brandhub.auth import service as auth
from brandhub.auth.models import Member
from brandhub.auth.passwords import Passwords
from brandhub.columns import utcnow
from brandhub.community import brands, campaigns, proposals
from brandhub.community.models import Brand, LabelMode, Phase
from brandhub.db import Database
from brandhub.demo_ladder import seed_ladder
from brandhub.demo_product import seed_product
from brandhub.partners.models import Partner
from brandhub.partners.registration import register_partner
from brandhub.settings import Settings
from brandhub.voting import service as voting

log = logging.getLogger("brandhub.demo")

DEMO_PASSWORD = "demo-password-123"
PEOPLE = [
    ("ada@demo.brandhub", "Ada Lovelace"),
    ("bo@demo.brandhub", "Bo"),
    ("cy@demo.brandhub", "Cy"),
]
# Joined later: a fourth member, so the ladder's last stage (4 supporters) is reachable.
LATER = [("dee@demo.brandhub", "Dee")]
# Title, the main ingredient in the author's own units, allergens.
SOUPS = [
    ("Roasted garlic soup", ("garlic", 12, "clove"), ["celery"]),
    ("Pumpkin and ginger", ("pumpkin", 2, "lb"), []),
    ("Leek and potato", ("leeks", 1, "bunch"), ["milk"]),
]


def recipe(main: tuple[str, float, str], allergens: list[str]) -> dict:
    """A small valid recipe spec, in kitchen units (partners also see it in g and ml)."""
    name, quantity, unit = main
    return {
        "servings": 4,
        "ingredients": [
            {"name": name, "quantity": quantity, "unit": unit},
            {"name": "vegetable stock", "quantity": 1, "unit": "l"},
            {"name": "cream", "quantity": 20, "unit": "cl"},
        ],
        "steps": ["Roast or sweat the vegetables.", "Simmer in the stock.", "Blend smooth."],
        "allergens": sorted({*allergens, "milk"}),
    }


async def vote(
    db: Database, settings: Settings, voter: Member, proposal_id: int, now: datetime
) -> None:
    """Support a proposal (APPROVAL, value 1): the demo's only way to cast a vote."""
    async with db.unit_of_work() as session:
        await voting.cast_vote(
            session,
            voter=voter,
            proposal_id=proposal_id,
            value=1,
            now=now,
            secret=settings.secret_key,
        )


async def seed(settings: Settings) -> None:
    """Create the demo once (idempotent): each part is added if it is missing."""
    db = Database(settings)
    try:
        await seed_voting(db, settings)
        now = utcnow()
        people = await seed_later_members(db, settings, now=now)
        async with db.read() as session:
            brand = await session.scalar(select(Brand).where(Brand.slug == "ada-cooks"))
            partner = await session.scalar(select(Partner).where(Partner.slug == "soupworks"))
        assert brand is not None and partner is not None

        async def support(voter: Member, proposal_id: int, at: datetime) -> None:
            await vote(db, settings, voter, proposal_id, at)

        await seed_product(
            db, settings, people=people, brand=brand, partner=partner, vote=support, now=now
        )
        await seed_ladder(db, people=people, brand=brand, partner=partner, vote=support, now=now)
        # The partner's API key is not logged (logs are kept and shipped; keys must not be):
        # the operator issues one with `brandhub partner issue-key soupworks`.
        log.info(
            "demo: brand ada-cooks (a campaign in VOTING, a shipped product, a ladder); "
            "sign in as %s (owner), bo@, cy@ or dee@demo.brandhub with password %s; "
            "partner soupworks is invited (brandhub partner issue-key soupworks gives its key)",
            PEOPLE[0][0],
            DEMO_PASSWORD,
        )
    finally:
        await db.dispose()


async def seed_later_members(
    db: Database, settings: Settings, *, now: datetime
) -> dict[str, Member]:
    """Sign up and join the members added after the first demo; every demo member by email."""
    async with db.unit_of_work() as session:
        brand = await session.scalar(select(Brand).where(Brand.slug == "ada-cooks"))
        assert brand is not None and brand.id is not None
        for email, name in LATER:
            if await session.scalar(select(Member.id).where(Member.email_key == email)):
                continue
            member, _ = await auth.sign_up(
                session,
                passwords=Passwords(settings),
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                now=now - timedelta(days=30),
                ttl=settings.token_ttl,
            )
            await brands.join_brand(session, member=member, brand_id=brand.id, now=now)
        emails = [email for email, _ in PEOPLE + LATER]
        members = (await session.scalars(select(Member).where(Member.email_key.in_(emails)))).all()
        return {m.email_key: m for m in members}


async def seed_voting(db: Database, settings: Settings) -> None:
    """The first demo: Ada's brand, the winter soup campaign in VOTING, votes, a partner."""
    async with db.unit_of_work() as session:
        if await session.scalar(select(Member.id).where(Member.email_key == PEOPLE[0][0])):
            return
        now = utcnow()
        passwords = Passwords(settings)
        people = []
        for email, name in PEOPLE:
            member, _ = await auth.sign_up(
                session,
                passwords=passwords,
                email=email,
                password=DEMO_PASSWORD,
                display_name=name,
                now=now - timedelta(days=30),
                ttl=settings.token_ttl,
            )
            people.append(member)
        ada = people[0]
        partner, _, _ = await register_partner(
            session,
            admin=None,
            slug="soupworks",
            name="SoupWorks Ltd",
            powered_by_label="SoupWorks",
            categories=["recipe"],
            webhook_url=None,
            allow_private=settings.webhook_allow_private,
            now=now,
        )
        brand = await brands.create_brand(
            session,
            owner=ada,
            slug="ada-cooks",
            name="Ada Cooks",
            tagline="Soups my readers invent",
            label_mode=LabelMode.GREY,
            now=now,
        )
        for member in people[1:]:
            await brands.join_brand(session, member=member, brand_id=brand.id, now=now)
        campaign = await campaigns.create_campaign(
            session,
            actor=ada,
            brand_id=brand.id,
            title="The winter soup",
            brief="Which soup should Ada Cooks put in a jar this winter?",
            category="recipe",
            spec_template="recipe",
            custom_template=None,
            rules=campaigns.RulesInput(method="APPROVAL", votes_per_member=2, quorum=2),
            submissions_close_at=None,
            voting_closes_at=now + timedelta(days=14),
            now=now,
            partner_ids=[partner.id],
        )
        await campaigns.move_phase(
            session, actor=ada, campaign_id=campaign.id, to=Phase.SUBMISSIONS, now=now
        )
        ids = []
        for (title, main, allergens), author in zip(SOUPS, people, strict=True):
            proposal = await proposals.submit_proposal(
                session,
                author=author,
                campaign_id=campaign.id,
                title=title,
                summary=f"{title}, as I make it at home.",
                spec=recipe(main, allergens),
                now=now,
            )
            ids.append(proposal.id)
        await campaigns.move_phase(
            session, actor=ada, campaign_id=campaign.id, to=Phase.VOTING, now=now
        )
    for voter, proposal_id in [(people[1], ids[0]), (people[2], ids[0]), (people[2], ids[1])]:
        await vote(db, settings, voter, proposal_id, now)
