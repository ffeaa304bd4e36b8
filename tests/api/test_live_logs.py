"""Client mistakes on the new paths (SSE, GET, persisted queries, subscriptions) are logged at
INFO without a traceback; only server faults are errors."""

from __future__ import annotations

import json
import logging

import pytest

from tests.api.live_server import SseSubscription, WsSubscription, serving

BOARD = "subscription($c: ID!) { leaderboard(campaignId: $c) { rank } }"


def loud(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """Records a client mistake must never produce."""
    return [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


class TestClientMistakesStayQuiet:
    async def test_sse_with_a_bad_token_or_an_unknown_campaign(self, app, caplog):
        caplog.set_level(logging.DEBUG)
        async with serving(app) as url:
            async with SseSubscription.open(url, BOARD, {"c": "nope"}, token="bhs_nobody") as sse:
                name, data = await sse.event()
            assert name == "next" and "NOT_FOUND" in data
            async with SseSubscription.open(url, "subscription { nosuch }", {}) as sse:
                name, data = await sse.event()
            assert "GRAPHQL_VALIDATION_FAILED" in data
        assert not loud(caplog), [r.getMessage() for r in loud(caplog)]
        assert "client error" in caplog.text

    async def test_websocket_with_an_unknown_field(self, app, caplog):
        caplog.set_level(logging.DEBUG)
        async with (
            serving(app) as url,
            WsSubscription.open(url, "subscription { nosuch }", {}, token="bhs_nobody") as ws,
        ):
            message = json.loads(await ws.socket.recv())
            assert message["type"] == "error"
        assert not loud(caplog), [r.getMessage() for r in loud(caplog)]

    async def test_get_mutation_and_unknown_persisted_hash(self, client, caplog):
        caplog.set_level(logging.DEBUG)
        refused = await client.get("/graphql", params={"query": "mutation { signOut { ok } }"})
        assert refused.status_code == 400
        unknown = json.dumps({"persistedQuery": {"version": 1, "sha256Hash": "ab" * 32}})
        missing = await client.get("/graphql", params={"extensions": unknown})
        assert missing.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        mismatch = await client.post(
            "/graphql",
            json={"query": "{ viewer { __typename } }", "extensions": json.loads(unknown)},
        )
        assert mismatch.status_code == 400
        assert not loud(caplog), [r.getMessage() for r in loud(caplog)]
