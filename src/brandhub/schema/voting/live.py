"""The live leaderboard: announcements after commit, and the ``leaderboard`` subscription.

Every subscriber of a campaign in a process is served from one shared snapshot per change
(``brandhub.voting.live``): the standings and the proposal rows they show are primed into
the subscriber's own loaders, so pushing to N subscribers costs one database read, not N.
Viewer-specific fields resolve with the subscriber's own context, never from the snapshot.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from functools import partial

import strawberry
from strawberry.types import Info

from brandhub.schema.context import Context
from brandhub.schema.errors import PublicError
from brandhub.schema.live_fanout import handoff, renderer
from brandhub.schema.loaders import Loaders
from brandhub.schema.relay import MAX_PAGE_SIZE, decode_id
from brandhub.schema.shared_events import SharedPage
from brandhub.schema.voting.types import RankedProposalType
from brandhub.state import AppState
from brandhub.voting import reads
from brandhub.voting.live import Snapshot, channel
from brandhub.voting.ranking import RankOrder

__all__ = ["VotingSubscription", "announce", "channel"]


async def announce(state: AppState, *, campaign_id: int) -> None:
    """Tell subscribers (in every process) that a campaign's standings changed."""
    await state.broadcast.publish(channel(campaign_id), {"campaign": campaign_id})


async def top(info: Info[Context, None], campaign_id: int, first: int) -> list[RankedProposalType]:
    """The first ``first`` standings of a campaign under TOP (a query's own read)."""
    row = await info.context.loaders.campaign.load(campaign_id)
    async with info.context.db.read() as session:
        standings = await reads.standings(session, row, order=RankOrder.TOP, now=info.context.now())
    return [
        RankedProposalType.of(s.rank, s.proposal_id, s.score, s.tied, s.tally)
        for s in standings[:first]
    ]


def page_of(info: Info[Context, None], snapshot: Snapshot, first: int) -> list[RankedProposalType]:
    """The first ``first`` standings of a shared snapshot, its rows primed into this
    subscriber's loaders (so resolving them reads nothing more). Anonymous subscribers get
    one shared page per snapshot and size (executed once per document: SharedEventExecutor)."""
    if info.context.anonymous:
        shared = snapshot.pages.get(first)
        if shared is None:
            shared = snapshot.pages[first] = SharedPage(ranked(info, snapshot, first))
        return shared
    return ranked(info, snapshot, first)


def ranked(info: Info[Context, None], snapshot: Snapshot, first: int) -> list[RankedProposalType]:
    """The page's entries, with the snapshot primed into this subscriber's loaders."""
    loaders = info.context.loaders
    campaign_id = snapshot.campaign.id
    loaders.campaign.prime(campaign_id, snapshot.campaign, force=True)
    loaders.board.prime(campaign_id, snapshot.board, force=True)
    page = snapshot.standings[:first]
    loaders.tally.prime_many({s.proposal_id: s.tally for s in page}, force=True)
    loaders.proposal.prime_many(snapshot.proposals, force=True)
    return [RankedProposalType.of(s.rank, s.proposal_id, s.score, s.tied, s.tally) for s in page]


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
        boards = info.context.state.boards
        assert boards is not None, "the app's lifespan creates the live boards"
        watch = await boards.watch(pk)
        try:
            async for snapshot in watch:
                yield page_of(info, snapshot, first)
                # Sent through the normal path: an anonymous subscriber's next pushes (over
                # a WebSocket or SSE) are written by the feed's direct fan-out (fanout.py).
                handed = handoff(info)
                if handed is not None:
                    # What the first push loaded is not kept for the subscription's lifetime
                    # (a group's renderer primes its loaders from each snapshot).
                    info.context.loaders = Loaders(info.context.db)
                    await handed.member.socket.ready()
                    await watch.hand_off(
                        handed.key,
                        partial(renderer, info, handed, partial(page_of, info, first=first)),
                        handed.member,
                    )
                    return
        finally:
            await watch.aclose()
