"""The live leaderboard: announcements after commit, and the ``leaderboard`` subscription."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from brandhub.schema.context import Context
from brandhub.schema.errors import PublicError
from brandhub.schema.relay import MAX_PAGE_SIZE, decode_id
from brandhub.schema.voting.types import RankedProposalType
from brandhub.state import AppState
from brandhub.voting import reads
from brandhub.voting.ranking import RankOrder

# Votes arriving within this many seconds are coalesced into one leaderboard push.
COALESCE_SECONDS = 0.05


def channel(campaign_id: int) -> str:
    return f"leaderboard:{campaign_id}"


async def announce(state: AppState, *, campaign_id: int) -> None:
    """Tell subscribers (in every process) that a campaign's standings changed."""
    await state.broadcast.publish(channel(campaign_id), {"campaign": campaign_id})


async def top(info: Info[Context, None], campaign_id: int, first: int) -> list[RankedProposalType]:
    """The first ``first`` standings of a campaign under TOP."""
    row = await info.context.loaders.campaign.load(campaign_id)
    async with info.context.db.read() as session:
        standings = await reads.standings(session, row, order=RankOrder.TOP, now=info.context.now())
    return [
        RankedProposalType.of(s.rank, s.proposal_id, s.score, s.tied, s.tally)
        for s in standings[:first]
    ]


@strawberry.type
class VotingSubscription:
    @strawberry.subscription(description="The top of a campaign's leaderboard, pushed on change.")
    async def leaderboard(
        self, info: Info[Context, None], campaign_id: strawberry.ID, first: int = 10
    ) -> AsyncGenerator[list[RankedProposalType], None]:
        from brandhub.schema.community.types import visible_campaign

        pk = decode_id(campaign_id, "Campaign")
        if pk is None or await visible_campaign(info, pk) is None:
            raise PublicError("No such campaign.", "NOT_FOUND")
        first = max(1, min(first, MAX_PAGE_SIZE))
        changes = info.context.state.broadcast.changes(channel(pk))
        waiting = asyncio.ensure_future(anext(changes))
        try:
            yield await top(info, pk, first)
            while True:
                await waiting
                # Votes landing meanwhile set the flag again and are covered by the next read.
                await asyncio.sleep(COALESCE_SECONDS)
                waiting = asyncio.ensure_future(anext(changes))
                info.context.loaders.campaign.clear(pk)
                yield await top(info, pk, first)
        finally:
            waiting.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await waiting
            await changes.aclose()
