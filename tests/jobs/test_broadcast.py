"""Live events reach subscribers in this process and, through Redis, in other processes."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from brandhub.broadcast import Broadcast
from tests.conftest import REDIS_NAMESPACE


async def next_message(stream, seconds: float = 5.0):
    return await asyncio.wait_for(anext(stream), seconds)


async def test_in_process_subscribers_get_messages():
    broadcast = Broadcast()
    stream = broadcast.subscribe("c1")
    waiting = asyncio.ensure_future(next_message(stream))
    await asyncio.sleep(0)
    await broadcast.publish("c1", {"n": 1})
    await broadcast.publish("other", {"n": 2})
    assert await waiting == {"n": 1}
    await stream.aclose()


async def test_messages_cross_processes_through_redis(redis_url):
    publisher_redis, listener_redis = Redis.from_url(redis_url), Redis.from_url(redis_url)
    publisher = Broadcast(publisher_redis, REDIS_NAMESPACE)
    listener = Broadcast(listener_redis, REDIS_NAMESPACE)
    await listener.start()
    try:
        changes = listener.changes("leaderboard:7")
        waiting = asyncio.ensure_future(next_message(changes))
        for _ in range(50):  # until the Redis subscription is live
            await publisher.publish("leaderboard:7", {"campaign": 7})
            await asyncio.sleep(0.05)
            if waiting.done():
                break
        await waiting
        await changes.aclose()
    finally:
        await listener.stop()
        await publisher_redis.aclose()
        await listener_redis.aclose()
