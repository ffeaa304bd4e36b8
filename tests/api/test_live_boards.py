"""The shared live leaderboard: one read per change per campaign, whatever the audience."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from brandhub.app import create_app
from brandhub.schema.relay import decode_id
from brandhub.voting.live import Snapshot, _Watcher
from tests.api.live_server import SseSubscription, WsSubscription, serving
from tests.conftest import make_settings, wipe
from tests.factories import (
    ERRORS,
    CountStatements,
    move_phase,
    ok,
    open_campaign,
    submit_proposal,
)

BOARD = """subscription($c: ID!) { leaderboard(campaignId: $c, first: 5) {
  rank score proposal { id title } tally { voters } } }"""
PRIVATE = """subscription($c: ID!) { leaderboard(campaignId: $c, first: 5) {
  score proposal { title campaign { viewerRemainingBudget viewerVotes { value } } } } }"""
VOTE = f"""mutation($p: ID!, $v: Int!) {{ castVote(input: {{proposalId: $p, value: $v}}) {{
  vote {{ value }} {ERRORS} }} }}"""


async def voting_campaign(gql, sign_up, *, members: int = 1, titles=("A", "B"), **rules: Any):
    """A campaign in VOTING with proposals ``titles``; returns the scene."""
    scene = await open_campaign(gql, sign_up, members=members, **rules)
    scene["proposals"] = [
        await submit_proposal(gql, token=scene["owner"], campaign_id=scene["campaign"], title=t)
        for t in titles
    ]
    await move_phase(
        gql, token=scene["owner"], campaign_id=scene["campaign"], mutation="openVoting"
    )
    return scene


async def vote(gql, token: str, proposal: str, value: int = 1) -> None:
    await ok(gql, VOTE, {"p": proposal, "v": value}, token=token, field="castVote")


def scores(result: dict) -> dict[str, float]:
    assert "errors" not in result, result
    return {e["proposal"]["title"]: e["score"] for e in result["data"]["leaderboard"]}


class TestSharedSnapshots:
    async def test_subscribers_of_two_campaigns_see_only_their_own(self, app, gql, sign_up):
        first = await voting_campaign(gql, sign_up, titles=("A1", "A2"))
        owner2 = await sign_up("owner2@example.com", "Owner 2")
        from tests.factories import create_brand, create_campaign

        brand2 = await create_brand(gql, token=owner2, slug="tea-club")
        campaign2 = await create_campaign(gql, token=owner2, brand_id=brand2)
        await move_phase(gql, token=owner2, campaign_id=campaign2, mutation="openSubmissions")
        b1 = await submit_proposal(gql, token=owner2, campaign_id=campaign2, title="B1")
        await move_phase(gql, token=owner2, campaign_id=campaign2, mutation="openVoting")
        async with (
            serving(app) as url,
            WsSubscription.open(url, BOARD, {"c": first["campaign"]}) as one,
            WsSubscription.open(url, BOARD, {"c": campaign2}) as two,
        ):
            assert set(scores(await one.next())) == {"A1", "A2"}
            assert scores(await two.next()) == {"B1": 0.0}
            await vote(gql, first["members"][0], first["proposals"][1])
            assert scores(await one.next()) == {"A2": 1.0, "A1": 0.0}
            await vote(gql, owner2, b1)
            # The second campaign's next push is its own vote, never the first campaign's.
            assert scores(await two.next()) == {"B1": 1.0}

    async def test_updates_arrive_in_commit_order_and_end_on_the_last(self, app, gql, sign_up):
        scene = await voting_campaign(gql, sign_up, members=8, titles=("A",))
        async with serving(app) as url, contextlib.AsyncExitStack() as stack:
            subs = [
                await stack.enter_async_context(
                    WsSubscription.open(url, BOARD, {"c": scene["campaign"]})
                )
                for _ in range(3)
            ]
            for sub in subs:
                assert scores(await sub.next()) == {"A": 0.0}
            for token in scene["members"]:
                await vote(gql, token, scene["proposals"][0])
            for sub in subs:
                seen = [0.0]
                while seen[-1] < 8:
                    seen.append(scores(await sub.next())["A"])
                # Coalesced, but never backwards: a stale snapshot never overtakes.
                assert seen == sorted(seen) and seen[-1] == 8.0

    def test_a_watcher_never_goes_back_to_an_older_snapshot(self):
        watcher = _Watcher()
        newer = Snapshot(5, None, None, [])  # type: ignore[arg-type]
        older = Snapshot(4, None, None, [])  # type: ignore[arg-type]
        watcher.offer(newer)
        watcher.offer(older)
        assert watcher.latest is newer

    async def test_a_viewers_private_fields_never_reach_another_viewer(self, app, gql, sign_up):
        scene = await voting_campaign(
            gql, sign_up, members=2, voting={"method": "APPROVAL", "votesPerMember": 3}
        )
        voter, watcher = scene["members"]
        async with (
            serving(app) as url,
            WsSubscription.open(url, PRIVATE, {"c": scene["campaign"]}, voter) as mine,
            WsSubscription.open(url, PRIVATE, {"c": scene["campaign"]}, watcher) as theirs,
            WsSubscription.open(url, PRIVATE, {"c": scene["campaign"]}) as anonymous,
        ):
            for sub in (mine, theirs, anonymous):
                await sub.next()
            await vote(gql, voter, scene["proposals"][0])
            own = (await mine.next())["data"]["leaderboard"][0]["proposal"]["campaign"]
            other = (await theirs.next())["data"]["leaderboard"][0]["proposal"]["campaign"]
            nobody = await anonymous.next()
            assert own["viewerVotes"] == [{"value": 1}] and own["viewerRemainingBudget"] == 2
            assert other["viewerVotes"] == [] and other["viewerRemainingBudget"] == 3
            assert nobody["data"] is None or all(
                e["proposal"]["campaign"]["viewerVotes"] in (None, [])
                for e in nobody["data"]["leaderboard"]
            )

    async def test_database_work_per_change_does_not_grow_with_the_audience(
        self, app, state, gql, sign_up
    ):
        scene = await voting_campaign(gql, sign_up, members=4)
        campaign = scene["campaign"]

        async def statements_for_one_vote(subs: list[WsSubscription], token: str) -> int:
            with CountStatements(state) as counted:
                await vote(gql, token, scene["proposals"][0])
                after_vote = counted.count
                for sub in subs:
                    await sub.next()
                await asyncio.sleep(0.2)  # anything late is counted too
                return counted.count - after_vote

        async with serving(app) as url, contextlib.AsyncExitStack() as stack:
            subs = [
                await stack.enter_async_context(WsSubscription.open(url, BOARD, {"c": campaign}))
            ]
            await subs[0].next()
            # Each size measured twice, the least kept: a periodic job's statement may fall
            # into one window on a loaded machine; one read per subscriber would be in both.
            one = min([await statements_for_one_vote(subs, m) for m in scene["members"][:2]])
            reads_before = state.boards.reads
            for _ in range(24):
                sub = await stack.enter_async_context(
                    WsSubscription.open(url, BOARD, {"c": campaign})
                )
                await sub.next()
                subs.append(sub)
            # Joining an audience that is already watched costs no board read.
            assert state.boards.reads == reads_before
            many = min([await statements_for_one_vote(subs, m) for m in scene["members"][2:]])
        assert one > 0 and many == one, (one, many)

    async def test_anonymous_subscribers_share_one_execution_per_push(
        self, app, state, gql, sign_up
    ):
        scene = await voting_campaign(gql, sign_up)
        pk = decode_id(scene["campaign"], "Campaign")
        async with serving(app) as url, contextlib.AsyncExitStack() as stack:
            anonymous = [
                await stack.enter_async_context(
                    WsSubscription.open(url, BOARD, {"c": scene["campaign"]})
                )
                for _ in range(4)
            ]
            member = await stack.enter_async_context(
                WsSubscription.open(url, BOARD, {"c": scene["campaign"]}, scene["owner"])
            )
            for sub in [*anonymous, member]:
                await sub.next()
            await vote(gql, scene["members"][0], scene["proposals"][0])
            pushed = [scores(await sub.next()) for sub in [*anonymous, member]]
            assert pushed == [{"A": 1.0, "B": 0.0}] * 5
            snapshot = state.boards._feeds[pk].latest
            [page] = snapshot.pages.values()
            assert len(page.results) == 1  # one execution for the four anonymous readers


class TestTransports:
    async def test_the_same_board_reaches_websocket_and_sse_subscribers(self, app, gql, sign_up):
        scene = await voting_campaign(gql, sign_up)
        variables = {"c": scene["campaign"]}
        async with (
            serving(app) as url,
            WsSubscription.open(url, BOARD, variables) as ws,
            SseSubscription.open(url, BOARD, variables) as sse,
        ):
            assert sse.response.headers["content-type"].startswith("text/event-stream")
            assert scores(await ws.next()) == scores(await sse.next()) == {"A": 0.0, "B": 0.0}
            await vote(gql, scene["members"][0], scene["proposals"][1])
            assert scores(await ws.next()) == scores(await sse.next()) == {"B": 1.0, "A": 0.0}

    async def test_sse_over_get_as_a_browsers_event_source_asks(self, app, gql, sign_up):
        scene = await voting_campaign(gql, sign_up)
        params = {"query": BOARD, "variables": json.dumps({"c": scene["campaign"]})}
        headers = {"accept": "text/event-stream"}
        async with (
            serving(app) as url,
            httpx.AsyncClient(base_url=url, timeout=30) as http,
            http.stream("GET", "/graphql", params=params, headers=headers) as response,
        ):
            assert response.headers["content-type"].startswith("text/event-stream")
            sse = SseSubscription(response.aiter_lines(), response)
            assert scores(await sse.next()) == {"A": 0.0, "B": 0.0}
            await vote(gql, scene["members"][0], scene["proposals"][1])
            assert scores(await sse.next()) == {"B": 1.0, "A": 0.0}

    async def test_a_client_accepting_json_too_gets_plain_json(self, client):
        # urql lists text/event-stream beside JSON in every request's Accept.
        accept = "application/graphql-response+json, application/json, text/event-stream"
        response = await client.post(
            "/graphql", json={"query": "{ viewer { __typename } }"}, headers={"accept": accept}
        )
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"data": {"viewer": None}}

    async def test_sse_refuses_an_unknown_campaign_with_a_coded_error(self, app):
        async with serving(app) as url, SseSubscription.open(url, BOARD, {"c": "nope"}) as sse:
            name, data = await sse.event()
            assert name == "next" and "NOT_FOUND" in data
            assert (await sse.event())[0] == "complete"


class TestAcrossProcesses:
    async def test_a_vote_taken_by_one_process_reaches_subscribers_of_another(
        self, database_url, redis_url
    ):
        settings = make_settings(database_url, redis_url=redis_url)
        first, second = create_app(settings), create_app(settings)
        try:
            async with (
                LifespanManager(first, startup_timeout=60, shutdown_timeout=60),
                LifespanManager(second, startup_timeout=60, shutdown_timeout=60),
            ):
                import httpx

                transport = httpx.ASGITransport(app=first)
                async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:

                    async def gql(query, variables=None, *, token=None):
                        headers = {"authorization": f"Bearer {token}"} if token else {}
                        response = await http.post(
                            "/graphql",
                            json={"query": query, "variables": variables or {}},
                            headers=headers,
                        )
                        return response.json()

                    from tests.conftest import SIGN_UP

                    async def sign_up(email, name):
                        body = await gql(
                            SIGN_UP,
                            {
                                "input": {
                                    "email": email,
                                    "password": "correct horse battery",
                                    "displayName": name,
                                }
                            },
                        )
                        return body["data"]["signUp"]["token"]

                    scene = await voting_campaign(gql, sign_up)
                    async with (
                        serving(second) as url,
                        WsSubscription.open(url, BOARD, {"c": scene["campaign"]}) as sub,
                    ):
                        assert scores(await sub.next()) == {"A": 0.0, "B": 0.0}
                        await asyncio.sleep(0.3)  # the second process's Redis listener is live
                        await vote(gql, scene["members"][0], scene["proposals"][0])
                        assert scores(await sub.next()) == {"A": 1.0, "B": 0.0}
        finally:
            await wipe(database_url)


def test_a_shared_result_is_encoded_once_and_spliced_into_each_message():
    from brandhub.app import GraphQLApp
    from brandhub.schema import build_schema

    view = GraphQLApp(build_schema(), max_json_depth=10, public_cache_seconds=5)
    shared = {"leaderboard": [{"rank": 1}]}
    first = view.encode_json({"id": "a", "type": "next", "payload": {"data": shared}})
    second = view.encode_json({"id": 'b"', "type": "next", "payload": {"data": shared}})
    assert json.loads(first) == {"id": "a", "type": "next", "payload": {"data": shared}}
    assert json.loads(second)["id"] == 'b"' and json.loads(second)["payload"]["data"] == shared
    assert list(view.shared_json._texts) == [id(shared)]


class TestPacing:
    """The next push waits for the audience to take the last one (bookkeeping, no clock)."""

    async def test_a_push_counts_as_sent_once_every_watcher_came_back_or_left(self):
        from brandhub.broadcast import Broadcast
        from brandhub.voting.live import LiveBoards, _CampaignFeed

        boards = LiveBoards(None, Broadcast())  # type: ignore[arg-type]
        feed = _CampaignFeed.__new__(_CampaignFeed)
        feed.boards, feed.campaign_id, feed.latest = boards, 1, None
        feed.watchers, feed.sending, feed.all_sent = set(), set(), asyncio.Event()
        feed.groups = {}
        slow, quick, leaving = _Watcher(feed), _Watcher(feed), _Watcher(feed)
        feed.watchers |= {slow, quick, leaving}
        feed.publish(Snapshot(1, None, None, []))  # type: ignore[arg-type]
        assert not feed.all_sent.is_set()
        assert (await quick.next()).version == 1
        waiting = asyncio.ensure_future(quick.next())  # asks again: its push was sent
        await asyncio.sleep(0)
        boards._leave(feed, leaving)
        assert not feed.all_sent.is_set()  # the slow one is still sending
        assert (await slow.next()).version == 1
        again = asyncio.ensure_future(slow.next())
        await asyncio.sleep(0)
        assert feed.all_sent.is_set()
        for task in (waiting, again):
            task.cancel()
