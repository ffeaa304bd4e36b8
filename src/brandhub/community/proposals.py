"""Proposals: submission with a validated spec, numbered revisions, forks, withdrawal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community import specs
from brandhub.community.brands import check_text
from brandhub.community.campaigns import get_campaign
from brandhub.community.errors import InvalidSpec
from brandhub.community.models import Campaign, Phase, Proposal, ProposalStatus, Revision
from brandhub.community.permissions import MODERATORS, require_member, role_in
from brandhub.community.phases import require_phase
from brandhub.errors import Forbidden, InvalidInput, ManyErrors, NotFound


def check_spec(campaign: Campaign, spec: Any) -> dict[str, Any]:
    """Validate a spec against the campaign's template; every violation names its path."""
    problems = specs.validate_spec(campaign.spec_schema, spec)
    if problems:
        errors = [InvalidSpec(p.message, field=["spec", *p.path]) for p in problems]
        raise errors[0] if len(errors) == 1 else ManyErrors(errors)
    return spec


def _revision(proposal: Proposal, *, author_id: int, note: str, now: datetime) -> Revision:
    assert proposal.id is not None
    return Revision(
        proposal_id=proposal.id,
        number=proposal.revision,
        author_id=author_id,
        spec=proposal.spec,
        spec_digest=proposal.spec_digest,
        note=note,
        at=now,
    )


async def can_see_hidden(session: AsyncSession, *, brand_id: int, viewer_id: int | None) -> bool:
    """Moderators and owners see hidden proposals and comments; nobody else does."""
    if viewer_id is None:
        return False
    return await role_in(session, brand_id=brand_id, member_id=viewer_id) in MODERATORS


async def get_proposal(
    session: AsyncSession, proposal_id: int, *, lock: bool = False
) -> tuple[Proposal, Campaign]:
    """A proposal and its campaign, or ``NotFound``."""
    query = select(Proposal).where(Proposal.id == proposal_id)
    proposal = await session.scalar(query.with_for_update() if lock else query)
    if proposal is None:
        raise NotFound("No such proposal.", field=["proposalId"])
    return proposal, await get_campaign(session, proposal.campaign_id, share=True)


async def _create(
    session: AsyncSession,
    *,
    campaign: Campaign,
    author: Member,
    title: str,
    summary: str,
    spec: dict[str, Any],
    forked_from: Proposal | None,
    note: str,
    now: datetime,
) -> Proposal:
    assert author.id is not None and campaign.id is not None
    credits = [author.id]
    if forked_from is not None:
        credits += [c for c in forked_from.credit_ids if c != author.id]
    proposal = Proposal(
        campaign_id=campaign.id,
        author_id=author.id,
        forked_from_id=forked_from.id if forked_from else None,
        credit_ids=credits,
        title=title,
        summary=summary,
        spec=spec,
        spec_digest=specs.spec_digest(spec),
        revision=1,
        status=ProposalStatus.ACTIVE,
        created_at=now,
        updated_at=now,
    )
    session.add(proposal)
    await session.flush()
    session.add(_revision(proposal, author_id=author.id, note=note, now=now))
    await session.flush()
    return proposal


async def submit_proposal(
    session: AsyncSession,
    *,
    author: Member,
    campaign_id: int,
    title: str,
    summary: str,
    spec: Any,
    now: datetime,
) -> Proposal:
    """Submit a proposal (brand members, during SUBMISSIONS)."""
    assert author.id is not None
    campaign = await get_campaign(session, campaign_id, share=True)
    await require_member(
        session, brand_id=campaign.brand_id, member_id=author.id, doing="submit proposals"
    )
    require_phase(campaign.phase, Phase.SUBMISSIONS, doing="submit proposals")
    title = check_text(title, field="title", label="Title", max_length=200)
    summary = check_text(summary, field="summary", label="Summary", max_length=5000, required=False)
    return await _create(
        session,
        campaign=campaign,
        author=author,
        title=title,
        summary=summary,
        spec=check_spec(campaign, spec),
        forked_from=None,
        note="",
        now=now,
    )


async def revise_proposal(
    session: AsyncSession,
    *,
    actor: Member,
    proposal_id: int,
    spec: Any,
    note: str,
    title: str | None,
    summary: str | None,
    now: datetime,
) -> Proposal:
    """Record a new numbered revision (the author only, until voting opens)."""
    proposal, campaign = await get_proposal(session, proposal_id, lock=True)
    if proposal.author_id != actor.id:
        raise Forbidden("Only the proposal's author may revise it.")
    require_phase(campaign.phase, Phase.SUBMISSIONS, doing="revise proposals")
    if proposal.status not in (ProposalStatus.ACTIVE, ProposalStatus.SHORTLISTED):
        raise InvalidInput(f"A {proposal.status.lower()} proposal cannot be revised.")
    note = check_text(note, field="note", label="Note", max_length=1000, required=False)
    if title is not None:
        proposal.title = check_text(title, field="title", label="Title", max_length=200)
    if summary is not None:
        proposal.summary = check_text(
            summary, field="summary", label="Summary", max_length=5000, required=False
        )
    proposal.spec = check_spec(campaign, spec)
    proposal.spec_digest = specs.spec_digest(proposal.spec)
    proposal.revision += 1
    proposal.updated_at = now
    assert actor.id is not None
    session.add(_revision(proposal, author_id=actor.id, note=note, now=now))
    await session.flush()
    return proposal


async def fork_proposal(
    session: AsyncSession, *, actor: Member, proposal_id: int, now: datetime
) -> Proposal:
    """Start a new proposal from another's latest spec, credited to both authors."""
    assert actor.id is not None
    original, campaign = await get_proposal(session, proposal_id)
    await require_member(
        session, brand_id=campaign.brand_id, member_id=actor.id, doing="fork proposals"
    )
    require_phase(campaign.phase, Phase.SUBMISSIONS, doing="fork proposals")
    if original.status in (ProposalStatus.HIDDEN, ProposalStatus.WITHDRAWN):
        raise NotFound("No such proposal.", field=["proposalId"])
    return await _create(
        session,
        campaign=campaign,
        author=actor,
        title=original.title,
        summary=original.summary,
        spec=original.spec,
        forked_from=original,
        note=f"forked from revision {original.revision}",
        now=now,
    )


async def withdraw_proposal(
    session: AsyncSession, *, actor: Member, proposal_id: int, now: datetime
) -> Proposal:
    """Withdraw one's own proposal before the campaign closes."""
    proposal, campaign = await get_proposal(session, proposal_id, lock=True)
    if proposal.author_id != actor.id:
        raise Forbidden("Only the proposal's author may withdraw it.")
    require_phase(campaign.phase, Phase.SUBMISSIONS, Phase.VOTING, doing="withdraw proposals")
    if proposal.status in (ProposalStatus.WITHDRAWN, ProposalStatus.HIDDEN):
        raise InvalidInput(f"This proposal is already {proposal.status.lower()}.")
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = now
    await session.flush()
    return proposal
