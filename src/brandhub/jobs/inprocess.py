"""Runs registered jobs inside the serving process (the embedded mode, no Redis)."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from arq.cron import next_cron

from brandhub.database_errors import is_unavailable
from brandhub.jobs.registry import Job, JobContext, load_jobs

log = logging.getLogger("brandhub.jobs")


class InProcessRunner:
    """Starts each enqueued job as a task; runs periodic jobs on their cron schedule and
    booked jobs at their time."""

    def __init__(self) -> None:
        self.context: JobContext | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._schedulers: list[asyncio.Task[None]] = []
        # One booked run per job name: the earliest asked for (it books the next itself).
        self._booked: dict[str, tuple[datetime, asyncio.TimerHandle]] = {}
        self.registry = load_jobs()

    async def enqueue(self, name: str, /, **kwargs: Any) -> None:
        """Start a job now, in the background."""
        job = self.registry[name]
        task = asyncio.create_task(self._run(job, kwargs), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def enqueue_at(self, name: str, when: datetime, /, **kwargs: Any) -> None:
        """Start a job at ``when`` (on the app's clock); an earlier booking of it stands."""
        assert self.context is not None, "runner not started"
        if name not in self.registry:  # fail now, not when the timer fires
            raise KeyError(name)
        booked = self._booked.get(name)
        if booked is not None:
            if booked[0] <= when:
                return
            booked[1].cancel()
        delay = max(0.0, (when - self.context.now()).total_seconds())
        handle = asyncio.get_running_loop().call_later(delay, self._fire, name, kwargs)
        self._booked[name] = (when, handle)

    def _fire(self, name: str, kwargs: dict[str, Any]) -> None:
        self._booked.pop(name, None)
        job = self.registry[name]
        task = asyncio.create_task(self._run(job, kwargs), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, name: str, /, **kwargs: Any) -> Any:
        """Run a job to completion and return its result (used by tests and the CLI)."""
        assert self.context is not None, "runner not started"
        return await self.registry[name].function(self.context, **kwargs)

    async def _run(self, job: Job, kwargs: dict[str, Any]) -> None:
        try:
            assert self.context is not None, "runner not started"
            await job.function(self.context, **kwargs)
        except Exception as error:
            if is_unavailable(error):  # a known outage, not a bug: one line, no traceback
                log.error("job %s failed: the database is unavailable (%r)", job.name, error)
            else:
                log.exception("job %s failed", job.name)

    def start(self, context: JobContext, *, schedules: bool = True) -> None:
        """Bind the context and start the periodic schedulers."""
        self.context = context
        if schedules:
            for job in self.registry.values():
                if job.schedule is not None:
                    self._schedulers.append(asyncio.create_task(self._every(job)))

    async def _every(self, job: Job) -> None:
        assert self.context is not None
        while True:
            now = self.context.now()
            due = next_cron(now.replace(tzinfo=None), **job.schedule)
            await asyncio.sleep(max(0.0, (due - now.replace(tzinfo=None)).total_seconds()))
            await self._run(job, {})

    async def drain(self) -> None:
        """Wait until every job started so far (and those they started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        """Stop the schedulers and booked runs, and let running jobs finish."""
        for _, handle in self._booked.values():
            handle.cancel()
        self._booked.clear()
        for task in self._schedulers:
            task.cancel()
        await asyncio.gather(*self._schedulers, return_exceptions=True)
        self._schedulers.clear()
        await self.drain()
