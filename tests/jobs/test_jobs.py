"""Jobs: sent only after commit, run in-process and by a real arq worker on Redis."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from arq.connections import create_pool
from sqlalchemy import func, select

from brandhub.auth import service
from brandhub.auth.models import SessionToken
from brandhub.auth.passwords import Passwords
from brandhub.auth.throttle import Throttle
from brandhub.columns import utcnow
from brandhub.db import Database, enqueue_after_commit
from brandhub.jobs.arq_queue import ArqQueue, redis_settings
from brandhub.jobs.inprocess import InProcessRunner
from brandhub.jobs.registry import REGISTRY, Job, JobContext, job
from brandhub.jobs.worker import create_worker
from tests.conftest import forget_queue, make_settings

CALLS: list[dict] = []


@job("tests.record")
async def record(ctx: JobContext, **kwargs) -> None:
    CALLS.append(kwargs)


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()
    yield
    CALLS.clear()


async def make_tokens(db: Database, settings, *, now) -> None:
    """One member with an expired token, a revoked token and a live token."""
    passwords = Passwords(settings)
    async with db.unit_of_work() as session:
        await service.sign_up(
            session,
            passwords=passwords,
            email="old@example.com",
            password="correct horse battery",
            display_name="Old",
            now=now - timedelta(days=31),
            ttl=settings.token_ttl,
        )
        await service.sign_in(
            session,
            passwords=passwords,
            throttle=Throttle.from_settings(settings),
            client="127.0.0.1",
            email="old@example.com",
            password="correct horse battery",
            now=now,
            ttl=settings.token_ttl,
        )
        _, revoked = await service.sign_up(
            session,
            passwords=passwords,
            email="gone@example.com",
            password="correct horse battery",
            display_name="Gone",
            now=now,
            ttl=settings.token_ttl,
        )
        principal = await service.authenticate(session, revoked, now=now)
        await service.sign_out(session, token_id=principal.credential_id, now=now)


async def count_tokens(db: Database) -> int:
    async with db.read() as session:
        return await session.scalar(select(func.count()).select_from(SessionToken))


class TestInProcess:
    async def test_job_enqueued_in_a_unit_of_work_runs_after_commit(self, state):
        async with state.db.unit_of_work() as session:
            enqueue_after_commit(session, "tests.record", n=1)
            assert CALLS == []
        await state.jobs.drain()
        assert CALLS == [{"n": 1}]

    async def test_job_is_dropped_when_the_unit_of_work_rolls_back(self, state):
        with pytest.raises(RuntimeError):
            async with state.db.unit_of_work() as session:
                enqueue_after_commit(session, "tests.record", n=2)
                raise RuntimeError("boom")
        await state.jobs.drain()
        assert CALLS == []

    async def test_purge_removes_expired_and_revoked_tokens_only(self, state, clock):
        await make_tokens(state.db, state.settings, now=clock.now)
        assert await count_tokens(state.db) == 3
        removed = await state.jobs.run("auth.purge_expired_tokens")
        assert removed == 2
        assert await count_tokens(state.db) == 1

    def test_purge_is_scheduled(self):
        assert REGISTRY["auth.purge_expired_tokens"].schedule == {"minute": 17, "second": 0}

    async def test_scheduled_job_runs_on_its_schedule(self, settings, monkeypatch):
        runner = InProcessRunner()
        every_second = Job("tests.record", record, {"second": set(range(60)), "microsecond": 0})
        monkeypatch.setitem(runner.registry, "tests.record", every_second)
        db = Database(settings, jobs=runner)
        runner.start(JobContext(db=db, settings=settings, jobs=runner))
        try:
            for _ in range(40):
                if CALLS:
                    break
                await asyncio.sleep(0.05)
        finally:
            await runner.stop()
            await db.dispose()
        assert CALLS and CALLS[0] == {}


class TestArq:
    async def test_after_commit_job_reaches_a_real_worker(self, database_url, redis_url):
        settings = make_settings(database_url, redis_url=redis_url)
        queue = await ArqQueue.connect(redis_url, settings.arq_queue_name)
        db = Database(settings, jobs=queue)
        try:
            await make_tokens(db, settings, now=utcnow())
            async with db.unit_of_work() as session:
                enqueue_after_commit(session, "auth.purge_expired_tokens")
            with pytest.raises(RuntimeError):
                async with db.unit_of_work() as session:
                    enqueue_after_commit(session, "tests.record", n=3)
                    raise RuntimeError("rolled back")
            assert await queue.pool.zcard(settings.arq_queue_name) == 1
            # No cron jobs: one falling due inside the burst would be counted too.
            worker = create_worker(
                settings, burst=True, handle_signals=False, poll_delay=0.05, cron_jobs=[]
            )
            try:
                await worker.main()
            finally:
                await worker.close()
            assert worker.jobs_complete == 1
            assert worker.jobs_failed == 0
            assert await count_tokens(db) == 1
        finally:
            await forget_queue(queue.pool, settings.arq_queue_name)
            await queue.close()
            await db.dispose()

    async def test_worker_runs_every_registered_job_by_name(self, redis_url, database_url):
        settings = make_settings(database_url, redis_url=redis_url)
        pool = await create_pool(
            redis_settings(redis_url), default_queue_name=settings.arq_queue_name
        )
        try:
            await pool.enqueue_job("tests.record", n=4)
            # No cron jobs: one falling due inside the burst would be counted too.
            worker = create_worker(
                settings, burst=True, handle_signals=False, poll_delay=0.05, cron_jobs=[]
            )
            try:
                await worker.main()
            finally:
                await worker.close()
            assert CALLS == [{"n": 4}]
        finally:
            await forget_queue(pool, settings.arq_queue_name)
            await pool.aclose()
