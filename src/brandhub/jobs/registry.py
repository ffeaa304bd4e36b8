"""The job registry: plain async functions named with dotted names, some run on a schedule."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from brandhub.columns import utcnow
from brandhub.db import Database, JobSender
from brandhub.settings import Settings

# Modules whose import registers jobs; listed once so the worker and the app see the same set.
JOB_MODULES = (
    "brandhub.auth.tasks",
    "brandhub.community.tasks",
    "brandhub.partners.tasks",
    "brandhub.ratings.tasks",
    "brandhub.ladder.tasks",
)


@dataclass
class JobContext:
    """What a job receives: the database, settings, a way to enqueue more, and the clock."""

    db: Database
    settings: Settings
    jobs: JobSender
    clock: Callable[[], datetime] = utcnow
    # The HTTP transport webhooks go out through; None is the network (tests inject one).
    http_transport: Any = None

    def now(self) -> datetime:
        """The current time (injectable in tests)."""
        return self.clock()


JobFunction = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Job:
    """A registered job; ``schedule`` holds arq cron fields for periodic jobs."""

    name: str
    function: JobFunction
    schedule: dict[str, Any] | None = field(default=None)


REGISTRY: dict[str, Job] = {}


def job(name: str) -> Callable[[JobFunction], JobFunction]:
    """Register ``async def fn(ctx: JobContext, **kwargs)`` under a dotted name."""

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = Job(name, function)
        return function

    return register


def periodic(name: str, **schedule: Any) -> Callable[[JobFunction], JobFunction]:
    """Register a job that also runs on a cron schedule (arq fields: hour, minute, second...)."""

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = Job(name, function, schedule)
        return function

    return register


def load_jobs() -> dict[str, Job]:
    """Import every module that registers jobs and return the registry."""
    for module in JOB_MODULES:
        importlib.import_module(module)
    return REGISTRY
