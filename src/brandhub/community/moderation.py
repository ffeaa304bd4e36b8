"""Comments and moderation: hiding and restoring proposals and comments, with a reason."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.auth.models import Member
from brandhub.community.brands import check_text
from brandhub.community.models import (
    Comment,
    ModerationAction,
    Proposal,
    ProposalStatus,
)
from brandhub.community.permissions import MODERATORS, require_member, require_role
from brandhub.community.proposals import get_proposal
from brandhub.errors import InvalidInput, NotFound

MAX_COMMENT_LENGTH = 5000


class Action(StrEnum):
    HIDE = "HIDE"
    RESTORE = "RESTORE"


class TargetType(StrEnum):
    PROPOSAL = "PROPOSAL"
    COMMENT = "COMMENT"


async def add_comment(
    session: AsyncSession, *, author: Member, proposal_id: int, body: str, now: datetime
) -> Comment:
    """Comment on a visible proposal (brand members); the text is stored exactly as given."""
    assert author.id is not None
    proposal, campaign = await get_proposal(session, proposal_id)
    await require_member(session, brand_id=campaign.brand_id, member_id=author.id, doing="comment")
    if proposal.status == ProposalStatus.HIDDEN:
        raise NotFound("No such proposal.", field=["proposalId"])
    if not body.strip():
        raise InvalidInput("A comment must not be empty.", field=["body"])
    if len(body) > MAX_COMMENT_LENGTH:
        raise InvalidInput(
            f"A comment must be at most {MAX_COMMENT_LENGTH} characters.", field=["body"]
        )
    assert proposal.id is not None
    comment = Comment(proposal_id=proposal.id, author_id=author.id, body=body, created_at=now)
    session.add(comment)
    await session.flush()
    return comment


async def _hide_or_restore_proposal(proposal: Proposal, action: Action, now: datetime) -> None:
    if action is Action.HIDE:
        if proposal.status == ProposalStatus.HIDDEN:
            raise InvalidInput("This proposal is already hidden.", field=["targetId"])
        proposal.status_before_hidden = proposal.status
        proposal.status = ProposalStatus.HIDDEN
    else:
        if proposal.status != ProposalStatus.HIDDEN:
            raise InvalidInput("This proposal is not hidden.", field=["targetId"])
        proposal.status = proposal.status_before_hidden or ProposalStatus.ACTIVE
        proposal.status_before_hidden = None
    proposal.updated_at = now


async def moderate(
    session: AsyncSession,
    *,
    actor: Member,
    target_type: TargetType,
    target_id: int,
    action: Action,
    reason: str,
    now: datetime,
) -> Proposal | Comment:
    """Hide or restore a proposal or a comment (brand moderators and owners), logged with a reason."""
    assert actor.id is not None
    reason = check_text(reason, field="reason", label="Reason", max_length=1000)
    comment: Comment | None = None
    if target_type is TargetType.COMMENT:
        comment = await session.scalar(
            select(Comment).where(Comment.id == target_id).with_for_update()
        )
        if comment is None:
            raise NotFound("No such comment.", field=["targetId"])
        proposal, campaign = await get_proposal(session, comment.proposal_id)
    else:
        proposal, campaign = await get_proposal(session, target_id, lock=True)
    await require_role(
        session, brand_id=campaign.brand_id, member_id=actor.id, roles=MODERATORS, doing="moderate"
    )
    if comment is not None:
        if comment.hidden == (action is Action.HIDE):
            state = "hidden" if comment.hidden else "visible"
            raise InvalidInput(f"This comment is already {state}.", field=["targetId"])
        comment.hidden = action is Action.HIDE
    else:
        await _hide_or_restore_proposal(proposal, action, now)
    session.add(
        ModerationAction(
            brand_id=campaign.brand_id,
            moderator_id=actor.id,
            target_type=target_type,
            target_id=target_id,
            action=action,
            reason=reason,
            at=now,
        )
    )
    await session.flush()
    # A hide (or a restore undoing one) is an outcome of the author's reputation.
    from brandhub.ratings.outcomes import recompute

    author_id = comment.author_id if comment is not None else proposal.author_id
    await recompute(session, [author_id], now=now)
    return comment if comment is not None else proposal
