"""Shared live leaderboards: one read per change per campaign, whatever the audience.

Each process keeps, per campaign someone watches, one task that waits for "a vote committed
on campaign C" notifications (``Broadcast.changes``), lets a burst settle for a coalescing
window, reads the campaign's standings once, and hands the same immutable ``Snapshot`` to
every watcher of that campaign. Snapshots carry a strictly increasing version: a watcher
only ever moves forward, and a slow watcher skips straight to the newest snapshot rather
than queueing stale ones. Snapshots hold public data only (standings, tallies, proposal
rows); nothing about any viewer.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from brandhub.broadcast import Broadcast
from brandhub.community.models import Campaign, Proposal
from brandhub.db import Database
from brandhub.gcfreeze import Freezer
from brandhub.voting import reads
from brandhub.voting.fanout import Foreground, Group, Member, Render, deliver, fan_out

log = logging.getLogger("brandhub.live")

# Votes arriving within this many seconds are coalesced into one leaderboard push.
COALESCE_SECONDS = 0.05
# At most this many standings are kept per snapshot (the subscription's page limit).
KEEP = 100
RETRY_SECONDS = 1.0
# A push still being sent after this long no longer holds the next one back.
MAX_FANOUT_SECONDS = 2.0
# A push is published at least this many times its predecessor's fan-out time after it: the
# fan-out takes at most 1 / (1 + PACE) of the process, the rest is left to votes and reads.
PACE = 2


def channel(campaign_id: int) -> str:
    """The broadcast channel on which a campaign's committed vote changes are announced."""
    return f"leaderboard:{campaign_id}"


@dataclass(frozen=True)
class Snapshot:
    """A campaign's live TOP standings at one moment, shared by every watcher."""

    version: int
    campaign: Campaign
    board: reads.Board
    standings: list[reads.Standing]
    proposals: dict[int, Proposal] = field(default_factory=dict)
    # Pages built from it, by size, shared by anonymous subscribers (filled by the schema).
    pages: dict[int, Any] = field(default_factory=dict, compare=False)


async def read_snapshot(db: Database, campaign_id: int, version: int) -> Snapshot:
    """Read one campaign's standings and the rows they show, in one read session."""
    async with db.read() as session:
        campaign = await session.get(Campaign, campaign_id)
        if campaign is None:
            raise LookupError(f"campaign {campaign_id} is gone")
        board = await reads.board(session, campaign)
        standings = [
            reads.Standing(e.rank, e.proposal_id, board.tallies[e.proposal_id], e.score, e.tied)
            for e in board.entries[:KEEP]
        ]
        ids = [s.proposal_id for s in standings]
        rows = (await session.scalars(select(Proposal).where(Proposal.id.in_(ids)))).all()
    return Snapshot(version, campaign, board, standings, {row.id: row for row in rows})


class _Watcher:
    """One subscriber's mailbox: only the newest snapshot is kept."""

    def __init__(self, feed: _CampaignFeed | None = None) -> None:
        self.feed = feed
        self.latest: Snapshot | None = None
        self.delivered = 0
        self.ready = asyncio.Event()

    def offer(self, snapshot: Snapshot) -> None:
        if snapshot.version > max(self.delivered, self.latest.version if self.latest else 0):
            self.latest = snapshot
            self.ready.set()

    async def next(self) -> Snapshot:
        if self.feed is not None:  # asking again: everything handed out so far was sent
            self.feed.back(self)
        while True:
            await self.ready.wait()
            self.ready.clear()
            snapshot = self.latest
            if snapshot is not None and snapshot.version > self.delivered:
                self.delivered = snapshot.version
                return snapshot


class _CampaignFeed:
    """The one reader of a campaign in this process, and its watchers."""

    gave_way = 0.0

    def __init__(self, boards: LiveBoards, campaign_id: int) -> None:
        self.boards, self.campaign_id = boards, campaign_id
        self.watchers: set[_Watcher] = set()
        # Handed-off anonymous WebSocket subscribers, by (document, variables): fanout.py.
        self.groups: dict[Any, Group] = {}
        self.latest: Snapshot | None = None
        # Watchers (and direct fan-outs) still sending the last push, and when it was published.
        self.sending: set[object] = set()
        self.all_sent = asyncio.Event()
        self.published_at = self.sent_at = 0.0
        # Seconds the last push's direct fan-out waited for requests (not its own work).
        self.gave_way = 0.0
        self.timed = False
        self.fanning: set[asyncio.Task[None]] = set()
        self.task = asyncio.create_task(self._run(), name=f"live-board-{campaign_id}")

    def publish(self, snapshot: Snapshot) -> None:
        self.latest = snapshot
        self.gave_way = 0.0
        self.published_at = asyncio.get_running_loop().time()
        self.sending = set(self.watchers)
        self.all_sent.clear()
        for watcher in list(self.watchers):
            watcher.offer(snapshot)
        if any(group.members for group in self.groups.values()):
            token = object()
            self.sending.add(token)
            task = asyncio.create_task(self._fan_out(snapshot, token))
            self.fanning.add(task)
            task.add_done_callback(self.fanning.discard)
        self.timed = bool(self.sending)
        if not self.sending:
            self._all_sent()

    async def _fan_out(self, snapshot: Snapshot, token: object) -> None:
        try:
            gave = await fan_out(
                self.groups.values(), snapshot, lambda: self.latest, self.boards.foreground
            )
            if self.latest is snapshot:
                self.gave_way = gave
        finally:
            self.back(token)

    def join(self, key: Any, make_render: Callable[[], Render], member: Member) -> Group:
        """Hand a subscriber over to the direct fan-out of its (document, variables) group
        (the first one's ``make_render`` makes the group's renderer)."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(make_render())
        group.members.add(member)
        return group

    def part(self, key: Any, member: Member) -> None:
        group = self.groups.get(key)
        if group is not None:
            group.members.discard(member)
            if not group.members:
                del self.groups[key]

    @property
    def idle(self) -> bool:
        """Nobody watches any more."""
        return not self.watchers and not self.groups

    def back(self, watcher: object) -> None:
        """A watcher finished sending what it was given (or left)."""
        self.sending.discard(watcher)
        if not self.sending:
            self._all_sent()

    def _all_sent(self) -> None:
        if not self.all_sent.is_set():
            self.sent_at = asyncio.get_running_loop().time()
            self.all_sent.set()
            if self.timed and self.boards.on_sent is not None:  # a push that had an audience
                self.boards.on_sent(self.sent_at - self.published_at)
            self.timed = False

    async def _pace(self, changed_at: float) -> None:
        """Wait out the coalescing window, and give the process as much time for other work
        (votes) as the last fan-out took: with a large audience, pushes come less often
        rather than starving the requests that cause them."""
        loop = asyncio.get_running_loop()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.all_sent.wait(), MAX_FANOUT_SECONDS)
        # How long the last push took to reach everyone (not: how long ago it was published,
        # which would hold a push after a quiet spell back for as long as the spell lasted).
        # Time the fan-out spent waiting for requests (it gave way to them) was already
        # theirs: it does not hold the next push back again.
        sent_at = self.sent_at if self.all_sent.is_set() else loop.time()
        fanout = max(0.0, sent_at - self.published_at - self.gave_way)
        earliest = max(changed_at + self.boards.coalesce_seconds, self.published_at + PACE * fanout)
        await asyncio.sleep(max(0.0, earliest - loop.time()))

    async def _read(self) -> Snapshot:
        while True:
            try:
                return await self.boards.read(self.campaign_id)
            except LookupError:
                raise
            except Exception:  # database down: watchers keep their last board meanwhile
                log.warning("reading campaign %s's board failed", self.campaign_id, exc_info=True)
                await asyncio.sleep(RETRY_SECONDS)

    async def _run(self) -> None:
        changes = self.boards.broadcast.changes(channel(self.campaign_id))
        try:
            # Registered before the first read: a vote committed meanwhile triggers another.
            waiting = asyncio.ensure_future(anext(changes))
            try:
                self.publish(await self._read())
                while True:
                    await waiting
                    await self._pace(asyncio.get_running_loop().time())
                    waiting = asyncio.ensure_future(anext(changes))
                    self.publish(await self._read())
            finally:
                waiting.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await waiting
        finally:
            await changes.aclose()


class LiveBoards:
    """Per process: one shared reader per watched campaign, snapshots fanned out to watchers."""

    def __init__(
        self,
        db: Database,
        broadcast: Broadcast,
        coalesce_seconds: float = COALESCE_SECONDS,
        on_read: Callable[[], None] | None = None,
        on_sent: Callable[[float], None] | None = None,
        foreground: Foreground | None = None,
        freezer: Freezer | None = None,
    ) -> None:
        self.db, self.broadcast = db, broadcast
        # gc.freeze() once handed-off subscribers settle (gcfreeze.py); the app passes one.
        self.freezer = freezer
        # Requests being answered, to which fan-outs give way (counted by the app).
        self.foreground = foreground or Foreground()
        self.on_read, self.on_sent = on_read, on_sent
        self.coalesce_seconds = coalesce_seconds
        self.reads = 0
        self._versions = itertools.count(1)
        self._feeds: dict[int, _CampaignFeed] = {}

    async def read(self, campaign_id: int) -> Snapshot:
        """Read a fresh snapshot (counted: the benchmark reports reads per second)."""
        self.reads += 1
        if self.on_read is not None:
            self.on_read()
        version = next(self._versions)
        return await read_snapshot(self.db, campaign_id, version)

    def watchers(self, campaign_id: int) -> int:
        """How many subscribers watch a campaign in this process."""
        feed = self._feeds.get(campaign_id)
        return len(feed.watchers) if feed else 0

    async def watch(self, campaign_id: int) -> Watch:
        """Snapshots of a campaign from now on: the current one first, then one per change."""
        feed = self._feeds.get(campaign_id)
        if feed is None or feed.task.done():
            feed = self._feeds[campaign_id] = _CampaignFeed(self, campaign_id)
        watcher = _Watcher(feed)
        feed.watchers.add(watcher)
        if feed.latest is not None:
            watcher.offer(feed.latest)
        return Watch(self, feed, watcher)

    def _leave(
        self, feed: _CampaignFeed, watcher: _Watcher, member: tuple[Any, Member] | None = None
    ) -> None:
        feed.watchers.discard(watcher)
        feed.back(watcher)
        if member is not None:
            feed.part(*member)
            if self.freezer is not None:
                self.freezer.leave()
        if feed.idle and self._feeds.get(feed.campaign_id) is feed:
            del self._feeds[feed.campaign_id]
            feed.task.cancel()

    async def stop(self) -> None:
        """Stop every reader (at shutdown)."""
        if self.freezer is not None:
            self.freezer.stop()
        feeds, self._feeds = list(self._feeds.values()), {}
        for feed in feeds:
            feed.task.cancel()
        for feed in feeds:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await feed.task


class Watch:
    """One subscriber's view of a campaign's snapshots; ``aclose`` leaves."""

    def __init__(self, boards: LiveBoards, feed: _CampaignFeed, watcher: _Watcher) -> None:
        self._boards, self._feed, self._watcher = boards, feed, watcher
        self._member: tuple[Any, Member] | None = None

    def __aiter__(self) -> Watch:
        return self

    async def __anext__(self) -> Snapshot:
        next_snapshot = asyncio.ensure_future(self._watcher.next())
        try:
            await asyncio.wait(
                {next_snapshot, self._feed.task}, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not next_snapshot.done():  # the feed ended, or this subscriber left meanwhile
                next_snapshot.cancel()
        if next_snapshot.done() and not next_snapshot.cancelled():
            return next_snapshot.result()
        if not self._feed.task.cancelled() and self._feed.task.exception() is not None:
            raise self._feed.task.exception()  # type: ignore[misc]
        raise StopAsyncIteration

    async def hand_off(self, key: Any, make_render: Callable[[], Render], member: Member) -> None:
        """From now on this subscriber's pushes are written by the feed's direct fan-out
        (``fanout.py``), shared with every subscriber of the same ``key``; returns when the
        feed ends (raising what ended it)."""
        feed, watcher = self._feed, self._watcher
        member.delivered = watcher.delivered
        group = feed.join(key, make_render, member)
        self._member = (key, member)
        if self._boards.freezer is not None:
            self._boards.freezer.join()
        feed.watchers.discard(watcher)  # no longer pushed to, nor waited for, one by one
        feed.back(watcher)
        latest = feed.latest
        if latest is not None and latest.version > member.delivered:  # published meanwhile
            await deliver(group, [member], latest.version, await group.body(latest))
        await asyncio.wait({feed.task})
        if not feed.task.cancelled() and feed.task.exception() is not None:
            raise feed.task.exception()  # type: ignore[misc]

    async def aclose(self) -> None:
        """Stop watching (the reader stops with its last watcher)."""
        member, self._member = self._member, None  # left once, even if closed twice
        self._boards._leave(self._feed, self._watcher, member)
