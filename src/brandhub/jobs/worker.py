"""The arq worker: the same registry as the in-process runner, read from Redis."""

from __future__ import annotations

from typing import Any

from arq import cron, func
from arq.worker import Worker

from brandhub.db import Database
from brandhub.jobs.arq_queue import ArqQueue, redis_settings
from brandhub.jobs.registry import Job, JobContext, load_jobs
from brandhub.settings import Settings


def _adapter(job: Job) -> Any:
    async def run(ctx: dict[str, Any], **kwargs: Any) -> Any:
        return await job.function(ctx["brandhub"], **kwargs)

    run.__qualname__ = run.__name__ = job.name
    return run


def worker_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``arq.worker.Worker`` built from the job registry."""
    if not settings.redis_url:
        raise RuntimeError("brandhub worker needs BRANDHUB_REDIS_URL")
    registry = load_jobs()

    async def on_startup(ctx: dict[str, Any]) -> None:
        queue = ArqQueue(ctx["redis"], settings.arq_queue_name)
        ctx["brandhub"] = JobContext(
            db=Database(settings, jobs=queue), settings=settings, jobs=queue
        )

    async def on_shutdown(ctx: dict[str, Any]) -> None:
        if "brandhub" in ctx:
            await ctx["brandhub"].db.dispose()

    return {
        "functions": [func(_adapter(job), name=job.name) for job in registry.values()],
        "cron_jobs": [
            cron(_adapter(job), name=f"cron:{job.name}", **job.schedule)
            for job in registry.values()
            if job.schedule is not None
        ],
        "redis_settings": redis_settings(settings.redis_url),
        "queue_name": settings.arq_queue_name,
        "on_startup": on_startup,
        "on_shutdown": on_shutdown,
    }


def create_worker(settings: Settings, **overrides: Any) -> Worker:
    """An arq worker for this deployment (``burst=True`` in tests)."""
    return Worker(**{**worker_options(settings), **overrides})
