"""Fan-out of live events to subscriptions: in-process, and across processes through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

log = logging.getLogger("brandhub.broadcast")

CHANNEL_PREFIX = "brandhub:live:"
QUEUE_SIZE = 100


class Broadcast:
    """Publish JSON messages on named channels; each subscriber gets its own bounded queue.

    With Redis, a message is published there and every process (this one included)
    delivers it from its Redis listener; without Redis it is delivered locally at once.
    A slow subscriber loses its oldest messages rather than slowing the publisher.
    """

    def __init__(self, redis: Any = None) -> None:
        self.redis = redis
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._listener: asyncio.Task[None] | None = None
        self._watchers: dict[str, set[asyncio.Event]] = defaultdict(set)

    async def start(self) -> None:
        """Start relaying messages from Redis (no-op without Redis)."""
        if self.redis is not None:
            self._listener = asyncio.create_task(self._listen())

    async def stop(self) -> None:
        """Stop relaying."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Send a message to every subscriber of ``channel`` in every process."""
        if self.redis is not None:
            try:
                await self.redis.publish(CHANNEL_PREFIX + channel, json.dumps(message))
                return
            except Exception:  # Redis down: at least this process's subscribers hear it
                log.exception("publishing on %s through Redis failed", channel)
        self._deliver(channel, message)

    def _deliver(self, channel: str, message: dict[str, Any]) -> None:
        for flag in self._watchers.get(channel, ()):
            flag.set()
        for queue in list(self._subscribers.get(channel, ())):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message)

    async def _listen(self) -> None:
        pubsub = self.redis.pubsub()
        await pubsub.psubscribe(CHANNEL_PREFIX + "*")
        try:
            async for item in pubsub.listen():
                if item.get("type") != "pmessage":
                    continue
                channel = item["channel"]
                channel = channel.decode() if isinstance(channel, bytes) else channel
                self._deliver(channel.removeprefix(CHANNEL_PREFIX), json.loads(item["data"]))
        finally:
            await pubsub.aclose()

    async def subscribe(self, channel: str) -> AsyncIterator[dict[str, Any]]:
        """Yield the messages published on ``channel`` from now on."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        self._subscribers[channel].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers[channel].discard(queue)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def changes(self, channel: str) -> AsyncIterator[None]:
        """Yield once per burst of messages on ``channel`` (for "something changed" feeds)."""
        flag = asyncio.Event()
        self._watchers[channel].add(flag)
        try:
            while True:
                await flag.wait()
                flag.clear()
                yield None
        finally:
            self._watchers[channel].discard(flag)
            if not self._watchers[channel]:
                del self._watchers[channel]
