"""Demo data for a first look (``brandhub serve --demo``): a brand, a campaign, votes."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from brandhub.auth import service as auth
from brandhub.auth.models import Member
from brandhub.auth.passwords import Passwords
from brandhub.columns import utcnow
from brandhub.community import brands, campaigns, proposals
from brandhub.community.models import LabelMode, Phase
from brandhub.db import Database
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


async def seed(settings: Settings) -> None:
    """Create the demo once (idempotent): Ada's brand, a soup campaign in VOTING, votes, a partner."""
    db = Database(settings)
    try:
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
            async with db.unit_of_work() as session:
                await voting.cast_vote(
                    session,
                    voter=voter,
                    proposal_id=proposal_id,
                    value=1,
                    now=now,
                    secret=settings.secret_key,
                )
        # The partner's API key is not logged (logs are kept and shipped; keys must not be):
        # the operator issues one with `brandhub partner issue-key soupworks`.
        log.info(
            "demo: brand ada-cooks, campaign in VOTING; sign in as %s with password %s; "
            "partner soupworks is invited (brandhub partner issue-key soupworks gives its key)",
            PEOPLE[0][0],
            DEMO_PASSWORD,
        )
    finally:
        await db.dispose()
