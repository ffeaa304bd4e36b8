"""A real HTTP/WebSocket server around an app whose lifespan already runs, and small
clients of the two subscription transports (graphql-transport-ws and GraphQL over SSE)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import uvicorn
import websockets


@contextlib.asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn on a free port in this event loop; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws_ping_interval=None)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


class WsSubscription:
    """One graphql-transport-ws connection carrying one subscription."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls,
        url: str,
        query: str,
        variables: dict[str, Any],
        token: str | None = None,
        *,
        deflate: bool = True,
    ) -> AsyncIterator[WsSubscription]:
        ws_url = url.replace("http://", "ws://") + "/graphql"
        async with websockets.connect(
            ws_url,
            subprotocols=["graphql-transport-ws"],
            compression="deflate" if deflate else None,  # browsers offer permessage-deflate
        ) as ws:
            payload = {"authorization": f"Bearer {token}"} if token else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            await ws.send(
                json.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": query, "variables": variables},
                    }
                )
            )
            yield cls(ws)

    async def next(self, seconds: float = 10) -> dict[str, Any]:
        """The next pushed result (``data`` and maybe ``errors``)."""
        while True:
            message = json.loads(await asyncio.wait_for(self.socket.recv(), seconds))
            if message["type"] == "next":
                return message["payload"]
            if message["type"] in ("error", "complete"):
                raise AssertionError(f"subscription ended: {message}")


class SseSubscription:
    """One GraphQL-over-SSE request (distinct connections mode) carrying one subscription."""

    def __init__(self, lines: AsyncIterator[str], response: httpx.Response) -> None:
        self.lines, self.response = lines, response

    @classmethod
    @contextlib.asynccontextmanager
    async def open(
        cls, url: str, query: str, variables: dict[str, Any], token: str | None = None
    ) -> AsyncIterator[SseSubscription]:
        headers = {"accept": "text/event-stream"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        async with (
            httpx.AsyncClient(base_url=url, timeout=30) as http,
            http.stream(
                "POST", "/graphql", json={"query": query, "variables": variables}, headers=headers
            ) as response,
        ):
            yield cls(response.aiter_lines(), response)

    async def event(self, seconds: float = 10) -> tuple[str, str]:
        """The next event's name and data (comments and heartbeats skipped)."""
        name, data = "message", ""
        while True:
            line = await asyncio.wait_for(anext(self.lines), seconds)
            if line.startswith(":"):
                continue
            if line.startswith("event:"):
                name = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                data += line.partition(":")[2].strip()
            elif line == "" and (data or name != "message"):
                return name, data

    async def next(self, seconds: float = 10) -> dict[str, Any]:
        """The next pushed result."""
        name, data = await self.event(seconds)
        assert name == "next", (name, data)
        return json.loads(data)
