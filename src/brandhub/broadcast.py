"""Fan-out of live events to subscriptions: in-process, and across processes through Redis."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

log = logging.getLogger("brandhub.broadcast")

QUEUE_SIZE = 100
T = TypeVar("T")


class Broadcast:
    """Publish JSON messages on named channels; each subscriber gets its own bounded queue.

    With Redis, a message is published there and every process (this one included)
    delivers it from its Redis listener; without Redis it is delivered locally at once.
    A slow subscriber loses its oldest messages rather than slowing the publisher.
    """

    def __init__(self, redis: Any = None, namespace: str = "brandhub") -> None:
        self.redis = redis
        self.prefix = f"{namespace}:live:"
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
                await self.redis.publish(self.prefix + channel, json.dumps(message))
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
        await pubsub.psubscribe(self.prefix + "*")
        try:
            async for item in pubsub.listen():
                if item.get("type") != "pmessage":
                    continue
                channel = item["channel"]
                channel = channel.decode() if isinstance(channel, bytes) else channel
                self._deliver(channel.removeprefix(self.prefix), json.loads(item["data"]))
        finally:
            await pubsub.aclose()

    def subscribe(self, channel: str) -> Feed[dict[str, Any]]:
        """The messages published on ``channel`` from now on (registered at once)."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_SIZE)
        return Feed(self._subscribers, channel, queue, queue.get)

    def changes(self, channel: str) -> Feed[None]:
        """Wake once per burst of messages on ``channel`` (registered at once)."""
        flag = asyncio.Event()

        async def wait() -> None:
            await flag.wait()
            flag.clear()

        return Feed(self._watchers, channel, flag, wait)


class Feed(Generic[T]):
    """An async iterator over one channel; registered when created, removed by ``aclose``."""

    def __init__(
        self,
        registry: dict[str, set[Any]],
        channel: str,
        handle: Any,
        next_item: Callable[[], Awaitable[T]],
    ) -> None:
        self._registry, self._channel, self._handle = registry, channel, handle
        self._next = next_item
        registry[channel].add(handle)

    def __aiter__(self) -> Feed[T]:
        return self

    async def __anext__(self) -> T:
        return await self._next()

    async def aclose(self) -> None:
        """Stop receiving."""
        handles = self._registry.get(self._channel)
        if handles is not None:
            handles.discard(self._handle)
            if not handles:
                del self._registry[self._channel]
