"""Sending jobs to arq workers through Redis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arq.connections import ArqRedis, RedisSettings, create_pool


def redis_settings(url: str) -> RedisSettings:
    """arq connection settings from a ``redis://`` URL."""
    return RedisSettings.from_dsn(url)


class ArqQueue:
    """Enqueues jobs on the arq queue; the database stays the source of truth."""

    def __init__(self, pool: ArqRedis, queue_name: str) -> None:
        self.pool = pool
        self.queue_name = queue_name

    @classmethod
    async def connect(cls, url: str, queue_name: str) -> ArqQueue:
        """Open a connection pool to Redis."""
        pool = await create_pool(redis_settings(url), default_queue_name=queue_name)
        return cls(pool, queue_name)

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        """Put a job on the queue."""
        await self.pool.enqueue_job(name, _queue_name=self.queue_name, **kwargs)

    async def enqueue_at(self, name: str, when: datetime, /, **kwargs: Any) -> None:
        """Put a job on the queue to run at ``when``; one job per job name and time."""
        await self.pool.enqueue_job(
            name,
            _queue_name=self.queue_name,
            _defer_until=when,
            _job_id=f"{name}@{when.timestamp():.3f}",
            **kwargs,
        )

    async def close(self) -> None:
        """Close the Redis connections."""
        await self.pool.aclose()
