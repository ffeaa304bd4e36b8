"""The direct fan-out of live pushes to anonymous WebSocket subscribers (voting/fanout.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json

from brandhub.schema.relay import decode_id
from brandhub.voting.fanout import Group, Member, deliver
from brandhub.voting.live import Snapshot
from tests.api.live_server import SseSubscription, WsSubscription, serving
from tests.api.test_live_boards import BOARD, PRIVATE, scores, vote, voting_campaign


async def raw_next(sub: WsSubscription) -> dict:
    """The next ``next`` message as sent, whole."""
    while True:
        message = json.loads(await asyncio.wait_for(sub.socket.recv(), 10))
        if message["type"] == "next":
            return message


class TestHandOff:
    async def test_anonymous_sockets_leave_the_per_subscriber_path_signed_in_ones_do_not(
        self, app, state, gql, sign_up
    ):
        scene = await voting_campaign(gql, sign_up, members=2)
        pk = decode_id(scene["campaign"], "Campaign")
        async with serving(app) as url, contextlib.AsyncExitStack() as stack:
            # Two compress their pushes (permessage-deflate, per socket), one gets the frame
            # built once for every plain socket.
            anonymous = [
                await stack.enter_async_context(
                    WsSubscription.open(url, BOARD, {"c": scene["campaign"]}, deflate=deflate)
                )
                for deflate in (True, False, True)
            ]
            member = await stack.enter_async_context(
                WsSubscription.open(url, BOARD, {"c": scene["campaign"]}, scene["owner"])
            )
            for sub in [*anonymous, member]:
                assert scores(await sub.next()) == {"A": 0.0, "B": 0.0}
            feed = state.boards._feeds[pk]
            for _ in range(100):  # each hands off once its first push was sent
                if sum(len(g.members) for g in feed.groups.values()) == 3:
                    break
                await asyncio.sleep(0.01)
            [group] = feed.groups.values()
            assert len(group.members) == 3
            # Written straight to uvicorn's connections (not through each ASGI send, which
            # Starlette wraps: the server's own object is kept in the scope).
            assert all(m.socket.protocol is not None for m in group.members)
            assert len(feed.watchers) == 1  # the signed-in subscriber, one by one
            timed = app.state.metrics.registry.get_sample_value
            before = timed("brandhub_live_push_seconds_count")
            await vote(gql, scene["members"][0], scene["proposals"][0])
            pushed = [await raw_next(sub) for sub in anonymous]
            assert scores(await member.next()) == {"A": 1.0, "B": 0.0}
            for message in pushed:  # the protocol's own message, whole
                assert message.keys() == {"id", "type", "payload"}
                assert message["id"] == "1" and message["type"] == "next"
                assert scores(message["payload"]) == {"A": 1.0, "B": 0.0}
            await vote(gql, scene["members"][1], scene["proposals"][1])
            for sub in anonymous:
                assert scores(await sub.next()) == {"A": 1.0, "B": 1.0}
            assert timed("brandhub_live_push_seconds_count") > before  # pushes are timed
            for sub in anonymous:
                await sub.socket.close()
            for _ in range(100):
                if not feed.groups:
                    break
                await asyncio.sleep(0.01)
            assert not feed.groups  # leaving parts the group
        assert pk not in state.boards._feeds  # and the last one to leave stops the reader

    async def test_viewer_fields_asked_anonymously_are_refused_in_every_handed_off_push(
        self, app, gql, sign_up
    ):
        scene = await voting_campaign(gql, sign_up, members=1)
        async with (
            serving(app) as url,
            WsSubscription.open(url, PRIVATE, {"c": scene["campaign"]}) as anonymous,
        ):
            await anonymous.next()
            await vote(gql, scene["members"][0], scene["proposals"][0])
            pushed = await anonymous.next()
            assert pushed["data"] is None or all(
                e["proposal"]["campaign"]["viewerVotes"] in (None, [])
                for e in pushed["data"]["leaderboard"]
            )


class FakeConn:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send_text(self, data: bytes) -> None:
        self.sent.append(data)

    def data_to_send(self) -> list[bytes]:
        return []


class FakeTransport:
    def is_closing(self) -> bool:
        return False

    def write(self, data: bytes) -> None:
        pass


class FakeProtocol:
    """What the fan-out uses of uvicorn's sans-I/O WebSocket protocol."""

    def __init__(self) -> None:
        self.conn, self.transport = FakeConn(), FakeTransport()
        self.writable, self.close_sent = asyncio.Event(), False
        self.writable.set()

    async def send(self, message: dict) -> None:
        raise AssertionError("the fan-out writes frames directly")


class FakeWebSocket:
    def __init__(self, protocol: FakeProtocol) -> None:
        self._send = protocol.send


class TestSlowReaders:
    async def test_a_slow_reader_is_skipped_then_gets_only_the_newest_push(self):
        from brandhub.voting.fanout import Socket

        quick, slow = FakeProtocol(), FakeProtocol()
        slow.writable.clear()  # its transport paused writing: the client does not read

        async def render(snapshot: Snapshot) -> bytes:
            return b'{"data":{"v":%d}}' % snapshot.version

        group = Group(render)
        members = [Member(Socket(FakeWebSocket(p)), "7", 0) for p in (quick, slow)]
        group.members.update(members)
        for version in (1, 2, 3):
            snapshot = Snapshot(version, None, None, [])  # type: ignore[arg-type]
            await deliver(group, members, version, await group.body(snapshot))
        assert quick.conn.sent == [
            b'{"id":"7","type":"next","payload":{"data":{"v":%d}}}' % v for v in (1, 2, 3)
        ]
        assert slow.conn.sent == []
        slow.writable.set()  # it drained
        for _ in range(10):
            await asyncio.sleep(0)
        assert slow.conn.sent == [b'{"id":"7","type":"next","payload":{"data":{"v":3}}}']
        assert [m.delivered for m in members] == [3, 3]
        # Never backwards: an older push offered late is not written.
        await deliver(group, members, 2, b'{"data":{"v":2}}')
        assert len(quick.conn.sent) == 3 and len(slow.conn.sent) == 1


class TestPacingAfterAQuietSpell:
    async def test_a_push_after_a_quiet_spell_is_not_held_back_for_the_spell(self):
        from brandhub.broadcast import Broadcast
        from brandhub.voting.live import LiveBoards, _CampaignFeed

        boards = LiveBoards(None, Broadcast(), coalesce_seconds=0.01)  # type: ignore[arg-type]
        feed = _CampaignFeed.__new__(_CampaignFeed)
        feed.boards, feed.all_sent = boards, asyncio.Event()
        loop = asyncio.get_running_loop()
        # The last push reached everyone within 10 ms, 5 s ago; then nothing changed.
        feed.published_at, feed.sent_at = loop.time() - 5.0, loop.time() - 4.99
        feed.all_sent.set()
        began = loop.time()
        await feed._pace(began)
        assert loop.time() - began < 0.5

    async def test_time_a_fan_out_gave_way_to_requests_does_not_hold_the_next_push(self):
        from brandhub.broadcast import Broadcast
        from brandhub.voting.live import PACE, LiveBoards, _CampaignFeed

        boards = LiveBoards(None, Broadcast(), coalesce_seconds=0.01)  # type: ignore[arg-type]
        feed = _CampaignFeed.__new__(_CampaignFeed)
        feed.boards, feed.all_sent = boards, asyncio.Event()
        loop = asyncio.get_running_loop()
        # The last push took 0.4 s to reach everyone, 0.39 s of it waiting for votes.
        feed.published_at, feed.sent_at = loop.time() - 0.4, loop.time()
        feed.all_sent.set()
        for gave_way, least in ((0.39, 0.0), (0.0, 0.4 * PACE - 0.4 - 0.05)):
            feed.gave_way = gave_way
            began = loop.time()
            await feed._pace(began)
            took = loop.time() - began
            assert least <= took < least + 0.2
            feed.published_at, feed.sent_at = loop.time() - 0.4, loop.time()


class TestGivingWayToRequests:
    async def test_a_fan_out_turn_waits_while_requests_are_being_answered(self):
        from brandhub.voting.fanout import Foreground

        foreground = Foreground()
        foreground.enter()
        waiting = asyncio.create_task(foreground.give_way(5))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # a request is being answered
        foreground.leave()
        await asyncio.wait_for(waiting, 1)
        foreground.enter()  # under constant load it waits at most ``longest``
        loop = asyncio.get_running_loop()
        began = loop.time()
        await foreground.give_way(0.05)
        assert 0.04 <= loop.time() - began < 1

    async def test_the_app_counts_requests_until_their_response_starts(self, app, gql, sign_up):
        scene = await voting_campaign(gql, sign_up, members=1)
        await vote(gql, scene["members"][0], scene["proposals"][0])
        assert app.foreground.count == 0  # every answered request left
        async with (
            serving(app) as url,
            SseSubscription.open(url, BOARD, {"c": scene["campaign"]}) as stream,
        ):
            assert scores(await stream.next()) == {"A": 1.0, "B": 0.0}
            assert app.foreground.count == 0  # a stream that started is background work


class TestSseHandOff:
    async def test_anonymous_sse_streams_join_the_direct_fan_out_in_commit_order(
        self, app, state, gql, sign_up
    ):
        from brandhub.voting.fanout import EventStream

        scene = await voting_campaign(gql, sign_up, members=6)
        pk = decode_id(scene["campaign"], "Campaign")
        variables = {"c": scene["campaign"]}
        async with serving(app) as url, contextlib.AsyncExitStack() as stack:
            streams = [
                await stack.enter_async_context(SseSubscription.open(url, BOARD, variables))
                for _ in range(2)
            ]
            socket = await stack.enter_async_context(WsSubscription.open(url, BOARD, variables))
            member = await stack.enter_async_context(
                SseSubscription.open(url, BOARD, variables, scene["owner"])
            )
            for sub in [*streams, socket, member]:
                assert scores(await sub.next()) == {"A": 0.0, "B": 0.0}
            feed = state.boards._feeds[pk]
            for _ in range(100):
                if sum(len(g.members) for g in feed.groups.values()) == 3:
                    break
                await asyncio.sleep(0.01)
            handed = [m for g in feed.groups.values() for m in g.members]
            assert len(handed) == 3  # two anonymous streams and the socket
            assert sum(isinstance(m.socket, EventStream) for m in handed) == 2
            assert len(feed.watchers) == 1  # the signed-in stream, one by one
            for token in scene["members"]:
                await vote(gql, token, scene["proposals"][0])
            for sub in [*streams, socket, member]:
                seen = [0.0]
                while seen[-1] < 6:
                    seen.append(scores(await sub.next())["A"])
                # Coalesced, but never backwards: a stale push never overtakes a newer one.
                assert seen == sorted(seen) and seen[-1] == 6.0
        assert pk not in state.boards._feeds  # every stream left when its client went

    async def test_an_anonymous_stream_never_gets_a_viewers_private_fields(self, app, gql, sign_up):
        scene = await voting_campaign(
            gql, sign_up, members=2, voting={"method": "APPROVAL", "votesPerMember": 3}
        )
        voter = scene["members"][0]
        variables = {"c": scene["campaign"]}
        async with (
            serving(app) as url,
            SseSubscription.open(url, PRIVATE, variables, voter) as mine,
            SseSubscription.open(url, PRIVATE, variables) as anonymous,
        ):
            await mine.next()
            await anonymous.next()
            await vote(gql, voter, scene["proposals"][0])
            own = (await mine.next())["data"]["leaderboard"][0]["proposal"]["campaign"]
            assert own["viewerVotes"] == [{"value": 1}] and own["viewerRemainingBudget"] == 2
            for _ in range(2):  # the push after the vote, and one more through the fan-out
                nobody = await anonymous.next()
                assert nobody["data"] is None or all(
                    e["proposal"]["campaign"]["viewerVotes"] in (None, [])
                    for e in nobody["data"]["leaderboard"]
                )
                if _ == 0:
                    await vote(gql, scene["members"][1], scene["proposals"][0])
