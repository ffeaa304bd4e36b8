"""A real ``brandhub serve`` process sent SIGTERM closes its subscriptions properly."""

from __future__ import annotations

import asyncio
import signal
import time
from pathlib import Path

import httpx
import pytest
import websockets

from tests.api.live_server import SseSubscription, WsSubscription
from tests.api.test_live_boards import BOARD, voting_campaign
from tests.conftest import SIGN_UP
from tests.serve import serve


@pytest.fixture
def served(tmp_path: Path):
    """``brandhub serve`` on a fresh SQLite file; yields (url, process, log path)."""
    with serve(tmp_path, "db.sqlite", env={"BRANDHUB_LOG_LEVEL": "INFO"}) as running:
        yield running


async def test_sigterm_closes_sockets_with_1001_and_ends_sse_streams(served):
    url, process, log = served
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:

        async def gql(query, variables=None, *, token=None):
            headers = {"authorization": f"Bearer {token}"} if token else {}
            body = {"query": query, "variables": variables or {}}
            return (await http.post("/graphql", json=body, headers=headers)).json()

        async def sign_up(email, name):
            values = {"email": email, "password": "correct horse battery", "displayName": name}
            return (await gql(SIGN_UP, {"input": values}))["data"]["signUp"]["token"]

        scene = await voting_campaign(gql, sign_up)
    variables = {"c": scene["campaign"]}
    async with (
        WsSubscription.open(url, BOARD, variables) as ws,
        SseSubscription.open(url, BOARD, variables) as sse,
    ):
        await ws.next()
        await sse.next()
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.socket.recv(), 10)
        assert closed.value.rcvd is not None, "no close frame (1006)"
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (1001, "going away")
        # The SSE response ends properly (no "complete": the client is to reconnect).
        with pytest.raises(StopAsyncIteration):
            await sse.event()
    # uvicorn re-raises the signal it caught once it has shut down: death by SIGTERM is its
    # normal ending, as a process manager expects.
    assert await asyncio.to_thread(process.wait, 10) in (0, -signal.SIGTERM)
    assert time.monotonic() - started < 10
    assert "Traceback" not in log.read_text(), log.read_text()
