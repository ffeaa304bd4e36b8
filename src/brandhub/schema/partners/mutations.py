"""Handoff and pledge mutations: authenticate, one unit of work, call the service, map."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.partners import pledges, quotes, workflow
from brandhub.partners.models import HandoffStatus
from brandhub.schema.context import Context
from brandhub.schema.partners.inputs import (
    CancelHandoffInput,
    CancelPledgeInput,
    DeclineHandoffInput,
    HandoffIdInput,
    PledgeInput,
    SubmitQuoteInput,
    UpdateProductionStatusInput,
)
from brandhub.schema.partners.payloads import HandoffPayload, PledgePayload, perform_live
from brandhub.schema.partners.types import HandoffType, PledgeType
from brandhub.schema.relay import require_pk
from brandhub.schema.voting.live import announce


def _handoff_pk(handoff_id: strawberry.ID) -> int:
    return require_pk(handoff_id, "Handoff", "handoffId")


async def _handoff_payload(info: Info[Context, None], work) -> HandoffPayload:
    row, errors = await perform_live(info, work)
    return HandoffPayload(handoff=HandoffType.from_row(row) if row else None, errors=errors)


async def _pledge_payload(info: Info[Context, None], work) -> PledgePayload:
    row, errors = await perform_live(info, work)
    if row is not None:  # PLEDGE weighting: the pledge may have re-weighted votes
        await announce(info.context.state, campaign_id=row.campaign_id)
    return PledgePayload(pledge=PledgeType.from_row(row) if row else None, errors=errors)


@strawberry.type
class PartnerMutation:
    @strawberry.mutation(description="Partner: confirm a handoff was received.")
    async def acknowledge_handoff(
        self, info: Info[Context, None], input: HandoffIdInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.acknowledge(
                session,
                partner=await info.context.partner(session),
                handoff_id=_handoff_pk(input.handoff_id),
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Partner: quote (or revise the quote) for a handoff.")
    async def submit_quote(
        self, info: Info[Context, None], input: SubmitQuoteInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.submit_quote(
                session,
                partner=await info.context.partner(session),
                handoff_id=_handoff_pk(input.handoff_id),
                quote=quotes.Quote(
                    currency=input.currency,
                    tiers=tuple(quotes.Tier(t.min_units, t.unit_price) for t in input.tiers),
                    moq=input.moq,
                    lead_time_days=input.lead_time_days,
                    valid_until=input.valid_until,
                ),
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Partner: decline a handoff (before acceptance).")
    async def decline_handoff(
        self, info: Info[Context, None], input: DeclineHandoffInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.decline(
                session,
                partner=await info.context.partner(session),
                handoff_id=_handoff_pk(input.handoff_id),
                reason=input.reason,
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Partner: IN_PRODUCTION (once the moq is reached), SHIPPED.")
    async def update_production_status(
        self, info: Info[Context, None], input: UpdateProductionStatusInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.update_production(
                session,
                partner=await info.context.partner(session),
                handoff_id=_handoff_pk(input.handoff_id),
                status=HandoffStatus(input.status.value),
                note=input.note,
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Brand owner: accept a quote; other partners NOT_SELECTED.")
    async def accept_quote(
        self, info: Info[Context, None], input: HandoffIdInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.accept_quote(
                session,
                actor=await info.context.member(session),
                handoff_id=_handoff_pk(input.handoff_id),
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Brand owner: cancel a handoff before it ships.")
    async def cancel_handoff(
        self, info: Info[Context, None], input: CancelHandoffInput
    ) -> HandoffPayload:
        async def work(session):
            return await workflow.cancel(
                session,
                actor=await info.context.member(session),
                handoff_id=_handoff_pk(input.handoff_id),
                reason=input.reason,
                now=info.context.now(),
            )

        return await _handoff_payload(info, work)

    @strawberry.mutation(description="Pledge to buy units of a proposal's product (brand members).")
    async def pledge(self, info: Info[Context, None], input: PledgeInput) -> PledgePayload:
        async def work(session):
            return await pledges.pledge(
                session,
                member=await info.context.member(session),
                proposal_id=require_pk(input.proposal_id, "Proposal", "proposalId"),
                units=input.units,
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        return await _pledge_payload(info, work)

    @strawberry.mutation(
        description="Cancel your pledge (refused with LOCKED once the moq is reached)."
    )
    async def cancel_pledge(
        self, info: Info[Context, None], input: CancelPledgeInput
    ) -> PledgePayload:
        async def work(session):
            return await pledges.cancel_pledge(
                session,
                member=await info.context.member(session),
                pledge_id=require_pk(input.pledge_id, "Pledge", "pledgeId"),
                now=info.context.now(),
                secret=info.context.state.settings.secret_key,
            )

        return await _pledge_payload(info, work)
