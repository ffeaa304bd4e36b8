"""Ladder events: numbered per proposal, each also queued for the invited partners' webhooks."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.ladder.models import LadderEvent
from brandhub.partners import outbox
from brandhub.partners.events import global_id
from brandhub.partners.handoffs import invited_partners
from brandhub.voting import scoring

STARTED = "ladder.started"
STAGE_REACHED = "ladder.stage_reached"
DEADLINE_EXTENDED = "ladder.deadline_extended"
REVIEW_REQUESTED = "ladder.review_requested"
APPROVED = "ladder.approved"
DECLINED = "ladder.declined"
EXPIRED = "ladder.expired"


def event_row(
    *,
    proposal_id: int,
    campaign_id: int,
    sequence: int,
    type: str,
    stage: int,
    status: str,
    now: datetime,
    supporters: Fraction | None = None,
    deadline: datetime | None = None,
    actor_member_id: int | None = None,
    reason: str | None = None,
) -> LadderEvent:
    """A ladder event, not yet added to the session."""
    return LadderEvent(
        proposal_id=proposal_id,
        campaign_id=campaign_id,
        sequence=sequence,
        type=type,
        stage=stage,
        status=status,
        supporters=None if supporters is None else scoring.text(supporters),
        deadline=deadline,
        actor_member_id=actor_member_id,
        reason=reason,
        at=now,
    )


def webhook_body(event: LadderEvent, event_id: str) -> dict[str, object]:
    """The Standard Webhooks body of a ladder event (ids are GraphQL global ids)."""
    return {
        "type": event.type,
        "timestamp": event.at.isoformat(),
        "data": {
            "eventId": event_id,
            "campaignId": global_id("Campaign", event.campaign_id),
            "proposalId": global_id("Proposal", event.proposal_id),
            "sequence": event.sequence,
            "stage": event.stage,
            "status": event.status,
            "supporters": (
                None if event.supporters is None else float(scoring.parse(event.supporters))
            ),
            "deadline": event.deadline.isoformat() if event.deadline else None,
            "reason": event.reason,
        },
    }


async def record(session: AsyncSession, events: list[LadderEvent], now: datetime) -> None:
    """Store events and queue each one for every invited partner with a webhook URL."""
    if not events:
        return
    session.add_all(events)
    partners = await invited_partners(session, events[0].campaign_id)
    for event in events:
        for partner in partners:
            event_id = outbox.new_event_id()
            await outbox.write(
                session,
                partner=partner,
                event_id=event_id,
                handoff_id=None,
                sequence=event.sequence,
                type=event.type,
                body=webhook_body(event, event_id),
                now=now,
            )
    await session.flush()
