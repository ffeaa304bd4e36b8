"""Service-level factories for voting tests: many members fast, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from brandhub.auth import service as auth
from brandhub.auth.models import Member
from brandhub.community import brands, campaigns, proposals
from brandhub.community.models import LabelMode, Phase
from brandhub.state import AppState
from tests.factories import RECIPE_SPEC


@dataclass
class World:
    """A brand with an owner and members, and a campaign in VOTING with proposals."""

    owner: Member
    members: list[Member]
    tokens: list[str]
    campaign_id: int
    proposal_ids: list[int] = field(default_factory=list)


async def build_world(
    state: AppState, *, members: int, proposals: int, now: datetime, **rules: object
) -> World:
    """Create everything in one unit of work; members' accounts are a month old."""
    born = now - timedelta(days=30)
    async with state.db.unit_of_work() as session:
        owner, _ = await auth.sign_up(
            session,
            passwords=state.passwords,
            email="owner@example.com",
            password="correct horse battery",
            display_name="Owner",
            now=born,
            ttl=timedelta(days=90),
        )
        brand = await brands.create_brand(
            session,
            owner=owner,
            slug="soup-club",
            name="Soup Club",
            tagline="",
            label_mode=LabelMode.GREY,
            now=now,
        )
        people, tokens = [], []
        for i in range(members):
            member, token = await auth.sign_up(
                session,
                passwords=state.passwords,
                email=f"m{i}@example.com",
                password="correct horse battery",
                display_name=f"M{i}",
                now=born,
                ttl=timedelta(days=90),
            )
            await brands.join_brand(session, member=member, brand_id=brand.id, now=now)
            people.append(member)
            tokens.append(token)
        campaign = await campaigns.create_campaign(
            session,
            actor=owner,
            brand_id=brand.id,
            title="Soups",
            brief="",
            category="recipe",
            spec_template="recipe",
            custom_template=None,
            rules=campaigns.RulesInput(**rules),
            submissions_close_at=None,
            voting_closes_at=None,
            now=now,
        )
        await campaigns.move_phase(
            session, actor=owner, campaign_id=campaign.id, to=Phase.SUBMISSIONS, now=now
        )
        ids = []
        for i in range(proposals):
            proposal = await proposals_module_submit(session, people[0], campaign.id, i, now)
            ids.append(proposal)
        await campaigns.move_phase(
            session, actor=owner, campaign_id=campaign.id, to=Phase.VOTING, now=now
        )
    return World(owner, people, tokens, campaign.id, ids)


async def proposals_module_submit(
    session, author: Member, campaign_id: int, i: int, now: datetime
) -> int:
    proposal = await proposals.submit_proposal(
        session,
        author=author,
        campaign_id=campaign_id,
        title=f"Soup {i}",
        summary="",
        spec=RECIPE_SPEC,
        now=now,
    )
    return proposal.id
