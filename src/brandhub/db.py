"""Engines, sessions and the unit of work: one transaction per mutation, jobs sent after commit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from brandhub.settings import Settings

log = logging.getLogger("brandhub.db")

PENDING_JOBS = "brandhub.pending_jobs"
AFTER_COMMIT = "brandhub.after_commit"


class JobSender(Protocol):
    """Anything that can send a job by name (the arq queue or the in-process runner)."""

    async def enqueue(self, name: str, /, **kwargs: Any) -> None: ...

    async def enqueue_at(self, name: str, when: datetime, /, **kwargs: Any) -> None:
        """Run the job at ``when`` (the app's clock), or earlier if asked to run earlier."""
        ...


def enqueue_after_commit(session: AsyncSession, name: str, /, **kwargs: Any) -> None:
    """Queue a job to be sent once this session's transaction commits; dropped on rollback."""
    session.info.setdefault(PENDING_JOBS, []).append((name, kwargs))


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[None]]) -> None:
    """Run ``callback`` once this session's transaction has committed (e.g. a live update)."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


# SQL parameters hold secrets (webhook secrets, key prefixes, emails): they stay out of
# error messages and of the echo log.
HIDE_PARAMETERS = True
CONNECT_TIMEOUT_SECONDS = 10


def _sqlite_engine(url: str, *, immediate: bool, echo: bool) -> AsyncEngine:
    engine = create_async_engine(
        url, echo=echo, hide_parameters=HIDE_PARAMETERS, connect_args={"timeout": 30}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    begin = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock up front, so a read-then-write transaction
        # waits on busy_timeout instead of failing with "database is locked".
        conn.exec_driver_sql(begin)

    return engine


def create_engine(
    settings: Settings, url: str | None = None, *, writer: bool = True
) -> AsyncEngine:
    """Build an async engine for the configured database."""
    url = url or settings.database_url
    if url.startswith("sqlite"):
        return _sqlite_engine(url, immediate=writer, echo=settings.database_echo)
    return create_async_engine(
        url,
        echo=settings.database_echo,
        hide_parameters=HIDE_PARAMETERS,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=False,
        # A server that does not answer is reported after 10 s, not asyncpg's 60.
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )


class Database:
    """The engines of one process: a writer, and a reader (the same server, a replica, or
    for SQLite a second engine whose transactions do not take the write lock)."""

    def __init__(self, settings: Settings, jobs: JobSender | None = None) -> None:
        self.settings = settings
        self.engine = create_engine(settings)
        if settings.read_database_url:
            self.read_engine = create_engine(settings, settings.read_database_url, writer=False)
        elif settings.is_sqlite:
            self.read_engine = create_engine(settings, writer=False)
        else:
            self.read_engine = self.engine
        self._writer = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._reader = async_sessionmaker(self.read_engine, expire_on_commit=False)
        self.jobs = jobs

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: commit on success, roll back on error, then send queued jobs."""
        async with self._writer() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                session.info.pop(PENDING_JOBS, None)
                session.info.pop(AFTER_COMMIT, None)
                raise
            pending = session.info.pop(PENDING_JOBS, [])
            callbacks = session.info.pop(AFTER_COMMIT, [])
        if pending and self.jobs is not None:
            for name, kwargs in pending:
                await self.jobs.enqueue(name, **kwargs)
        for callback in callbacks:
            try:
                await callback()
            except Exception:  # the change is committed; a lost notification is only logged
                log.exception("after-commit callback failed")

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only session (its own connection; safe beside concurrent resolvers)."""
        async with self._reader() as session:
            yield session

    async def ping(self) -> None:
        """Raise if the database cannot be reached."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self.read_engine is not self.engine:
            await self.read_engine.dispose()
