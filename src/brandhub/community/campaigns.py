"""Campaigns: creation with validated voting rules and template, and phase changes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community import specs
from brandhub.community.brands import check_text, get_brand
from brandhub.community.models import Campaign, Phase, Role
from brandhub.community.permissions import require_role
from brandhub.community.phases import check_transition
from brandhub.errors import DomainError, InvalidInput, ManyErrors, NotFound
from brandhub.partners.handoffs import invite_partners
from brandhub.voting.methods import DEFAULT_PRIOR_STRENGTH, VotingMethod, VotingRules
from brandhub.voting.weights import WeightingPolicy

CUSTOM_TEMPLATE = "custom"


@dataclass(frozen=True)
class RulesInput:
    """Voting rules as a brand owner gives them."""

    method: VotingMethod
    weighting: WeightingPolicy = WeightingPolicy.EQUAL
    votes_per_member: int | None = None
    credits_per_member: int | None = None
    quorum: int = 0
    support_threshold: float | None = None
    min_account_age_hours: int = 0
    max_voter_share: float | None = None
    score_prior_strength: float | None = None


def _range(
    value: float | None, low: float, high: float, field: str, label: str
) -> DomainError | None:
    if value is not None and not low <= value <= high:
        return InvalidInput(
            f"{label} must be between {low:g} and {high:g}.", field=["voting", field]
        )
    return None


def check_rules(rules: RulesInput) -> VotingRules:
    """Validate rules for their method; every problem is reported with its field."""
    method = VotingMethod(rules.method)
    problems = [
        p
        for p in (
            _range(rules.votes_per_member, 1, 1000, "votesPerMember", "votesPerMember"),
            _range(rules.credits_per_member, 1, 1_000_000, "creditsPerMember", "creditsPerMember"),
            _range(rules.quorum, 0, 10_000_000, "quorum", "quorum"),
            _range(rules.support_threshold, 1, 1e9, "supportThreshold", "supportThreshold"),
            _range(
                rules.min_account_age_hours, 0, 8760, "minAccountAgeHours", "minAccountAgeHours"
            ),
        )
        if p
    ]
    if rules.max_voter_share is not None and not 0 < rules.max_voter_share <= 1:
        problems.append(
            InvalidInput(
                "maxVoterShare must be above 0 and at most 1.", field=["voting", "maxVoterShare"]
            )
        )
    if rules.credits_per_member is not None and method is not VotingMethod.QUADRATIC:
        problems.append(
            InvalidInput(
                "creditsPerMember applies to QUADRATIC voting only.",
                field=["voting", "creditsPerMember"],
            )
        )
    if method is VotingMethod.QUADRATIC and rules.credits_per_member is None:
        problems.append(
            InvalidInput(
                "QUADRATIC voting needs creditsPerMember.", field=["voting", "creditsPerMember"]
            )
        )
    if rules.votes_per_member is not None and method is not VotingMethod.APPROVAL:
        problems.append(
            InvalidInput(
                "votesPerMember applies to APPROVAL voting only.",
                field=["voting", "votesPerMember"],
            )
        )
    if rules.max_voter_share is not None and method is VotingMethod.RANKED:
        problems.append(
            InvalidInput(
                "maxVoterShare does not apply to RANKED voting: a ballot's weight is not a "
                "share of any one proposal's score.",
                field=["voting", "maxVoterShare"],
            )
        )
    if rules.score_prior_strength is not None and method is not VotingMethod.SCORE:
        problems.append(
            InvalidInput(
                "scorePriorStrength applies to SCORE voting only.",
                field=["voting", "scorePriorStrength"],
            )
        )
    elif rules.score_prior_strength is not None and not (
        0 <= rules.score_prior_strength <= 1_000_000
    ):
        problems.append(
            InvalidInput(
                "scorePriorStrength must be between 0 and 1000000.",
                field=["voting", "scorePriorStrength"],
            )
        )
    if rules.support_threshold is not None and method is VotingMethod.RANKED:
        problems.append(
            InvalidInput(
                "supportThreshold does not apply to RANKED voting.",
                field=["voting", "supportThreshold"],
            )
        )
    if problems:
        raise problems[0] if len(problems) == 1 else ManyErrors(problems)
    return VotingRules(
        method=method,
        weighting=WeightingPolicy(rules.weighting),
        votes_per_member=rules.votes_per_member,
        credits_per_member=rules.credits_per_member,
        quorum=rules.quorum,
        support_threshold=rules.support_threshold,
        min_account_age_hours=rules.min_account_age_hours,
        max_voter_share=rules.max_voter_share,
        score_prior_strength=(
            DEFAULT_PRIOR_STRENGTH
            if rules.score_prior_strength is None
            else rules.score_prior_strength
        ),
    )


def rules_of(campaign: Campaign) -> VotingRules:
    """The stored rules of a campaign as the voting core's value."""
    return VotingRules(
        method=VotingMethod(campaign.method),
        weighting=WeightingPolicy(campaign.weighting),
        votes_per_member=campaign.votes_per_member,
        credits_per_member=campaign.credits_per_member,
        quorum=campaign.quorum,
        support_threshold=campaign.support_threshold,
        min_account_age_hours=campaign.min_account_age_hours,
        max_voter_share=campaign.max_voter_share,
        score_prior_strength=campaign.score_prior_strength,
    )


def resolve_template(name: str, custom: Any | None) -> dict[str, Any]:
    """The JSON Schema a campaign's proposals must follow."""
    if name == CUSTOM_TEMPLATE:
        if custom is None:
            raise InvalidInput("A custom template needs customTemplate.", field=["customTemplate"])
        problems = specs.validate_custom_template(custom)
        if problems:
            raise ManyErrors(
                [InvalidInput(p.message, field=["customTemplate", *p.path]) for p in problems]
            )
        return custom
    if custom is not None:
        raise InvalidInput(
            'customTemplate is only read when specTemplate is "custom".', field=["customTemplate"]
        )
    try:
        return specs.get_template(name)
    except specs.UnknownTemplateError as exc:
        known = ", ".join([*specs.BUILTIN_TEMPLATES, CUSTOM_TEMPLATE])
        raise InvalidInput(
            f"Unknown template {name!r}; use one of {known}.", field=["specTemplate"]
        ) from exc


async def create_campaign(
    session: AsyncSession,
    *,
    actor: Member,
    brand_id: int,
    title: str,
    brief: str,
    category: str,
    spec_template: str,
    custom_template: Any | None,
    rules: RulesInput,
    submissions_close_at: datetime | None,
    voting_closes_at: datetime | None,
    now: datetime,
    partner_ids: Sequence[int] = (),
) -> Campaign:
    """Create a campaign in DRAFT (brand owners only)."""
    assert actor.id is not None
    await get_brand(session, brand_id)
    await require_role(
        session,
        brand_id=brand_id,
        member_id=actor.id,
        roles=(Role.OWNER,),
        doing="create campaigns",
    )
    title = check_text(title, field="title", label="Title", max_length=200)
    brief = check_text(brief, field="brief", label="Brief", max_length=10000, required=False)
    category = check_text(category, field="category", label="Category", max_length=60).lower()
    checked = check_rules(rules)
    schema = resolve_template(spec_template, custom_template)
    for field, at in (
        ("submissionsCloseAt", submissions_close_at),
        ("votingClosesAt", voting_closes_at),
    ):
        if at is not None and at <= now:
            raise InvalidInput(f"{field} must be in the future.", field=[field])
    if submissions_close_at and voting_closes_at and voting_closes_at <= submissions_close_at:
        raise InvalidInput(
            "votingClosesAt must come after submissionsCloseAt.", field=["votingClosesAt"]
        )
    campaign = Campaign(
        brand_id=brand_id,
        created_by_id=actor.id,
        title=title,
        brief=brief,
        category=category,
        spec_template=spec_template,
        spec_schema=schema,
        method=checked.method.value,
        weighting=checked.weighting.value,
        votes_per_member=checked.votes_per_member,
        credits_per_member=checked.credits_per_member,
        quorum=checked.quorum,
        support_threshold=checked.support_threshold,
        min_account_age_hours=checked.min_account_age_hours,
        max_voter_share=checked.max_voter_share,
        score_prior_strength=checked.score_prior_strength,
        submissions_close_at=submissions_close_at,
        voting_closes_at=voting_closes_at,
        phase=Phase.DRAFT,
        created_at=now,
        phase_changed_at=now,
    )
    session.add(campaign)
    await session.flush()
    if partner_ids:
        assert campaign.id is not None
        await invite_partners(
            session, campaign_id=campaign.id, category=category, partner_ids=partner_ids
        )
    return campaign


async def get_campaign(
    session: AsyncSession, campaign_id: int, *, lock: bool = False, share: bool = False
) -> Campaign:
    """A campaign by id, or ``NotFound``.

    ``lock`` takes it FOR UPDATE (a phase change); ``share`` FOR KEY SHARE, for work that
    depends on the phase: it waits for a phase change in flight and then sees the new phase,
    and a phase change waits for it.
    """
    query = select(Campaign).where(Campaign.id == campaign_id)
    if lock:
        query = query.with_for_update()
    elif share:
        query = query.with_for_update(key_share=True)
    campaign = await session.scalar(query)
    if campaign is None:
        raise NotFound("No such campaign.", field=["campaignId"])
    return campaign


async def move_phase(
    session: AsyncSession, *, actor: Member | None, campaign_id: int, to: Phase, now: datetime
) -> Campaign:
    """Move a campaign to its next phase; ``actor`` None is the scheduler."""
    campaign = await get_campaign(session, campaign_id, lock=True)
    if actor is not None:
        assert actor.id is not None
        await require_role(
            session,
            brand_id=campaign.brand_id,
            member_id=actor.id,
            roles=(Role.OWNER,),
            doing="change a campaign's phase",
        )
    check_transition(campaign.phase, to)
    campaign.phase = to
    campaign.phase_changed_at = now
    await session.flush()
    if to is Phase.VOTING:
        from brandhub.ladder.service import open_ladder  # the ladder builds on campaigns

        await open_ladder(session, campaign, now)
    return campaign


async def due_phase_changes(session: AsyncSession, *, now: datetime) -> list[tuple[int, Phase]]:
    """Campaigns whose scheduled time has passed, with the phase they should move to."""
    rows = await session.execute(
        select(Campaign.id, Campaign.phase).where(
            or_(
                (Campaign.phase == Phase.SUBMISSIONS) & (Campaign.submissions_close_at <= now),
                (Campaign.phase == Phase.VOTING) & (Campaign.voting_closes_at <= now),
            )
        )
    )
    return [
        (cid, Phase.VOTING if phase == Phase.SUBMISSIONS else Phase.CLOSED) for cid, phase in rows
    ]
