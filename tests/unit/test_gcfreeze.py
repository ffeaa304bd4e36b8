"""gc.freeze() after live subscribers are handed off (brandhub.gcfreeze), with a fake gc."""

from __future__ import annotations

import asyncio

from brandhub.broadcast import Broadcast
from brandhub.gcfreeze import Freezer
from brandhub.voting.fanout import EventStream, Member
from brandhub.voting.live import LiveBoards, Watch, _CampaignFeed, _Watcher


class FakeGc:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def collect(self, generation: int = 2) -> int:
        self.calls.append(("collect", str(generation)))
        return 0

    def freeze(self) -> None:
        self.calls.append(("freeze",))

    def unfreeze(self) -> None:
        self.calls.append(("unfreeze",))


async def test_hand_offs_share_one_freeze_after_young_garbage_is_collected():
    fake = FakeGc()
    freezer = Freezer(delay=0.01, collector=fake)
    for _ in range(3):
        freezer.join()
    assert fake.calls == []  # not at once: hand-offs arriving meanwhile share the freeze
    await asyncio.sleep(0.05)
    assert fake.calls == [("collect", "1"), ("freeze",)]
    await asyncio.sleep(0.05)
    assert freezer.freezes == 1  # nothing new: no second freeze


async def test_enough_departures_unfreeze_and_collect_fully_once():
    fake = FakeGc()
    freezer = Freezer(delay=0.01, minimum=2, collector=fake)
    for _ in range(5):
        freezer.join()
    await asyncio.sleep(0.05)
    fake.calls.clear()
    freezer.leave()
    freezer.leave()
    await asyncio.sleep(0.05)
    assert fake.calls == []  # 2 left, 3 still here: their frozen garbage may wait
    freezer.leave()
    await asyncio.sleep(0.05)
    assert fake.calls == [("unfreeze",), ("collect", "2"), ("freeze",)]
    assert (freezer.members, freezer.left, freezer.full_passes) == (2, 0, 1)


async def test_an_audience_that_keeps_arriving_gets_a_full_pass_every_max_freezes():
    fake = FakeGc()
    freezer = Freezer(delay=0.001, collector=fake, max_freezes=3)
    for _ in range(7):
        freezer.join()
        await asyncio.sleep(0.01)
    full = [("unfreeze",), ("collect", "2"), ("freeze",)]
    young = [("collect", "1"), ("freeze",)]
    assert fake.calls == young * 3 + full + young * 2 + full
    assert (freezer.freezes, freezer.full_passes, freezer.left) == (7, 2, 0)


async def test_a_handed_off_subscriber_is_frozen_and_its_departure_counted_once():
    fake = FakeGc()
    boards = LiveBoards(None, Broadcast(), freezer=Freezer(delay=0.01, collector=fake))  # type: ignore[arg-type]
    feed = _CampaignFeed.__new__(_CampaignFeed)
    feed.boards, feed.campaign_id, feed.latest = boards, 1, None
    feed.watchers, feed.sending, feed.all_sent = set(), set(), asyncio.Event()
    feed.groups, feed.timed = {}, False
    feed.task = asyncio.get_running_loop().create_future()  # the feed runs until cancelled
    boards._feeds[1] = feed
    watcher = _Watcher(feed)
    feed.watchers.add(watcher)
    watch = Watch(boards, feed, watcher)

    async def render(snapshot: object) -> bytes:
        return b"{}"

    stream = EventStream.__new__(EventStream)
    handed = asyncio.ensure_future(watch.hand_off("key", lambda: render, Member(stream, None, 0)))
    await asyncio.sleep(0.05)
    assert fake.calls == [("collect", "1"), ("freeze",)]
    assert boards.freezer is not None and boards.freezer.members == 1
    feed.task.cancel()
    await asyncio.gather(handed, return_exceptions=True)
    await watch.aclose()
    await watch.aclose()  # closed twice: left once
    assert boards.freezer.members == 0 and boards.freezer.left == 1
