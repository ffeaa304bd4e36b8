"""Webhook delivery: Standard Webhooks signatures, retries on the injected clock, leases, faults."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from types import SimpleNamespace

import httpx
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from brandhub.columns import utcnow
from brandhub.db import Database
from brandhub.jobs.arq_queue import ArqQueue
from brandhub.jobs.registry import JobContext, load_jobs
from brandhub.jobs.worker import create_worker
from brandhub.partners import delivery, outbox, redelivery, registration, retry
from brandhub.partners.models import OutboxEvent, Partner, WebhookAttempt
from tests.conftest import forget_queue, make_settings, wipe
from tests.partners.support import LocalReceiver, Receiver

HALF = 0.5  # the jitter draw that gives exactly the base delay


@pytest.fixture
async def db(settings) -> AsyncIterator[Database]:
    """A database without a job sender: nothing dispatches unless the test says so."""
    database = Database(settings)
    yield database
    await database.dispose()
    await wipe(settings.database_url)


async def make_partner(db: Database, clock, *, url: str = "https://hooks.maker.test/in"):
    """A partner registered by an operator; returns (partner row, webhook secret)."""
    async with db.unit_of_work() as session:
        partner, _key, secret = await registration.register_partner(
            session,
            admin=None,
            slug="maker",
            name="Maker",
            powered_by_label="Maker",
            categories=["recipe"],
            webhook_url=url,
            allow_private=True,
            now=clock.now,
        )
    return partner, secret


async def make_events(db: Database, clock, partner: Partner, count: int = 1) -> list[str]:
    """``count`` outbox events for the partner, as a change would write them; their ids."""
    ids = []
    async with db.unit_of_work() as session:
        for n in range(1, count + 1):
            event_id = outbox.new_event_id()
            await outbox.write(
                session,
                partner=partner,
                event_id=event_id,
                handoff_id=None,
                sequence=n,
                type="handoff.received",
                body={"type": "handoff.received", "data": {"eventId": event_id, "sequence": n}},
                now=clock.now,
            )
            ids.append(event_id)
    return ids


async def run(db: Database, clock, hook: Receiver, **options) -> int:
    options.setdefault("rand", HALF)
    return await delivery.dispatch(
        db, clock=clock, allow_private=True, transport=hook.transport, **options
    )


async def outbox_rows(db: Database) -> list[OutboxEvent]:
    async with db.read() as session:
        return list((await session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))).all())


async def attempts(db: Database) -> list[WebhookAttempt]:
    async with db.read() as session:
        return list(
            (await session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))).all()
        )


class TestSignedDelivery:
    async def test_a_delivered_webhook_verifies_with_the_standardwebhooks_library(self, db, clock):
        partner, secret = await make_partner(db, clock)
        [event_id] = await make_events(db, clock, partner)
        hook = Receiver()
        assert await run(db, clock, hook) == 1
        [request] = hook.requests
        assert str(request.url) == "https://hooks.maker.test/in"
        payload = Webhook(secret).verify(request.content, dict(request.headers))
        assert payload["data"] == {"eventId": event_id, "sequence": 1}
        assert request.headers["webhook-id"] == event_id
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "A" * 43).verify(request.content, dict(request.headers))
        [row] = await outbox_rows(db)
        assert (row.status, row.attempts, row.delivered_at) == ("DELIVERED", 1, clock.now)
        [attempt] = await attempts(db)
        assert (attempt.number, attempt.status_code, attempt.success, attempt.error) == (
            1,
            200,
            True,
            None,
        )
        assert attempt.latency_ms is not None and attempt.latency_ms >= 0
        assert await run(db, clock, hook) == 0  # nothing left to send

    async def test_during_a_secret_rotation_both_secrets_verify_for_24_hours(self, db, clock):
        partner, old = await make_partner(db, clock)
        async with db.unit_of_work() as session:
            row = await session.get(Partner, partner.id)
            new = await registration.rotate_webhook_secret(session, partner=row, now=clock.now)
        await make_events(db, clock, partner)
        hook = Receiver()
        await run(db, clock, hook)
        [request] = hook.requests
        assert len(request.headers["webhook-signature"].split()) == 2
        for secret in (old, new):
            Webhook(secret).verify(request.content, dict(request.headers))
        clock.advance(hours=24, seconds=1)
        await make_events(db, clock, partner)
        await run(db, clock, hook)
        later = hook.requests[1]
        assert len(later.headers["webhook-signature"].split()) == 1
        Webhook(new).verify(later.content, dict(later.headers))
        with pytest.raises(WebhookVerificationError):
            Webhook(old).verify(later.content, dict(later.headers))


class TestRetries:
    async def test_receiver_down_then_up(self, db, clock):
        partner, secret = await make_partner(db, clock)
        [event_id] = await make_events(db, clock, partner)
        hook = Receiver(down=True)
        await run(db, clock, hook)
        [row] = await outbox_rows(db)
        assert (row.status, row.attempts) == ("PENDING", 1)
        assert row.next_attempt_at == clock.now + timedelta(seconds=5)
        hook.down = False
        clock.advance(seconds=4)
        assert await run(db, clock, hook) == 0  # not due yet: no sleeping, no early retry
        clock.advance(seconds=1)
        assert await run(db, clock, hook) == 1
        assert hook.ids() == [event_id]
        Webhook(secret).verify(hook.requests[0].content, dict(hook.requests[0].headers))
        log = await attempts(db)
        assert [(a.number, a.status_code, a.success) for a in log] == [
            (1, None, False),
            (2, 200, True),
        ]
        assert "ConnectError" in (log[0].error or "")
        assert (await outbox_rows(db))[0].status == "DELIVERED"

    async def test_500s_are_retried_on_schedule_then_delivered(self, db, clock):
        partner, _ = await make_partner(db, clock)
        [event_id] = await make_events(db, clock, partner)
        hook = Receiver(statuses=[500, 500, 503, 500])
        start = clock.now
        for n in range(1, 5):
            await run(db, clock, hook)
            [row] = await outbox_rows(db)
            delay = retry.base_delay(n)
            assert row.next_attempt_at == clock.now + delay
            clock.advance(seconds=delay.total_seconds() - 1)
            assert await run(db, clock, hook) == 0
            clock.advance(seconds=1)
        await run(db, clock, hook)
        assert hook.ids() == [event_id] * 5
        assert clock.now - start == timedelta(seconds=5 + 30 + 120 + 600)
        log = await attempts(db)
        assert [a.status_code for a in log] == [500, 500, 503, 500, 200]
        assert [a.error for a in log][:2] == ["HTTP 500", "HTTP 500"]
        assert (await outbox_rows(db))[0].status == "DELIVERED"

    async def test_dead_after_the_last_attempt_and_redelivered_by_hand(self, db, clock):
        partner, _ = await make_partner(db, clock)
        [event_id] = await make_events(db, clock, partner)
        hook = Receiver(default_status=500)
        for _ in range(retry.MAX_ATTEMPTS):
            await run(db, clock, hook)
            clock.advance(days=2)
        [row] = await outbox_rows(db)
        assert (row.status, row.attempts) == ("DEAD", retry.MAX_ATTEMPTS)
        assert len(hook.requests) == retry.MAX_ATTEMPTS
        assert await run(db, clock, hook) == 0
        hook.default_status = 204
        async with db.unit_of_work() as session:
            row = await session.get(Partner, partner.id)
            await redelivery.redeliver(session, partner=row, event_id=event_id, now=clock.now)
        await run(db, clock, hook)
        assert set(hook.ids()) == {event_id}
        assert (await outbox_rows(db))[0].status == "DELIVERED"
        assert len(await attempts(db)) == retry.MAX_ATTEMPTS + 1

    async def test_410_disables_the_endpoint_until_a_new_url_is_set(self, db, clock):
        partner, _ = await make_partner(db, clock)
        [first] = await make_events(db, clock, partner)
        hook = Receiver(statuses=[410])
        await run(db, clock, hook)
        [second] = await make_events(db, clock, partner)
        clock.advance(hours=1)
        assert await run(db, clock, hook) == 0  # disabled: nothing is sent
        async with db.read() as session:
            assert (await session.get(Partner, partner.id)).webhook_disabled_at is not None
        async with db.unit_of_work() as session:
            row = await session.get(Partner, partner.id)
            await registration.update_partner(
                session,
                partner=row,
                name=None,
                powered_by_label=None,
                categories=None,
                webhook_url="https://hooks.maker.test/v2",
                allow_private=True,
            )
        await run(db, clock, hook)
        assert sorted(hook.ids()) == sorted([first, first, second])
        assert {r.status for r in await outbox_rows(db)} == {"DELIVERED"}


class TestFaults:
    async def test_dispatcher_killed_between_sending_and_recording(self, db, clock):
        partner, _ = await make_partner(db, clock)
        [event_id] = await make_events(db, clock, partner)
        hook = Receiver()
        # A dispatcher claims and sends, then dies before recording anything.
        async with db.unit_of_work() as session:
            [claim] = await delivery.claim_due(session, now=clock.now)
        async with httpx.AsyncClient(transport=hook.transport) as client:
            sent = await delivery.send(client, claim, allow_private=True, timestamp=0)
        assert sent.success
        # The log already shows the attempt the receiver got.
        assert [(a.number, a.status) for a in await attempts(db)] == [(1, "SENDING")]
        assert await run(db, clock, hook) == 0  # its lease still holds
        clock.advance(seconds=delivery.LEASE.total_seconds())
        assert await run(db, clock, hook) == 1
        assert hook.ids() == [event_id, event_id]  # same webhook-id: the receiver dedupes
        [row] = await outbox_rows(db)
        assert (row.status, row.attempts) == ("DELIVERED", 2)
        log = await attempts(db)
        assert [(a.number, a.status, a.success) for a in log] == [
            (1, "INTERRUPTED", False),
            (2, "SUCCEEDED", True),
        ]
        assert "may have it" in (log[0].error or "")

    async def test_the_attempt_is_logged_before_the_request_leaves(self, db, clock):
        partner, _ = await make_partner(db, clock)
        await make_events(db, clock, partner, count=2)
        seen_by_receiver: list[list[tuple[int, str]]] = []

        async def handle(request: httpx.Request) -> httpx.Response:
            seen_by_receiver.append([(a.outbox_id, a.status) for a in await attempts(db)])
            return httpx.Response(204)

        await delivery.dispatch(
            db, clock=clock, allow_private=True, transport=httpx.MockTransport(handle), rand=HALF
        )
        rows = await outbox_rows(db)
        for seen in seen_by_receiver:
            assert sorted(seen) == sorted((r.id, "SENDING") for r in rows)
        assert [a.status for a in await attempts(db)] == ["SUCCEEDED", "SUCCEEDED"]

    async def test_a_late_recording_after_the_lease_moved_on_changes_nothing(self, db, clock):
        partner, _ = await make_partner(db, clock)
        await make_events(db, clock, partner)
        async with db.unit_of_work() as session:
            [stale] = await delivery.claim_due(session, now=clock.now)
        clock.advance(minutes=2)
        await run(db, clock, Receiver())
        async with db.unit_of_work() as session:
            outcome = delivery.Outcome(status_code=500, latency_ms=3, error="HTTP 500")
            status = await delivery.record(
                session, claim=stale, outcome=outcome, now=clock.now, rand=HALF
            )
        assert status is None
        assert (await outbox_rows(db))[0].status == "DELIVERED"

    async def test_two_dispatchers_at_once_never_send_an_event_twice(self, settings, db, clock):
        partner, _ = await make_partner(db, clock)
        ids = await make_events(db, clock, partner, count=45)
        hook = Receiver(delay=0.01)
        other = Database(settings)
        try:
            made = await asyncio.gather(run(db, clock, hook), run(other, clock, hook))
        finally:
            await other.dispose()
        assert sum(made) == 45 and all(made)  # both worked
        assert sorted(hook.ids()) == sorted(ids)  # each exactly once
        assert {r.status for r in await outbox_rows(db)} == {"DELIVERED"}
        assert len(await attempts(db)) == 45

    async def test_claims_skip_rows_locked_by_another_dispatcher(
        self, backend, settings, db, clock
    ):
        if backend != "postgresql":
            pytest.skip("SQLite serialises writers with its lock; SKIP LOCKED is PostgreSQL's")
        partner, _ = await make_partner(db, clock)
        await make_events(db, clock, partner, count=4)
        other = Database(settings)
        try:
            async with db.unit_of_work() as first:
                held = await delivery.claim_due(first, now=clock.now, limit=2)
                # The first claim has not committed: its rows are locked, not yet leased.
                async with other.unit_of_work() as second:
                    taken = await asyncio.wait_for(
                        delivery.claim_due(second, now=clock.now, limit=4), timeout=5
                    )
        finally:
            await other.dispose()
        assert len(held) == len(taken) == 2
        assert not {c.outbox_id for c in held} & {c.outbox_id for c in taken}

    async def test_private_address_refused_at_delivery(self, db, clock):
        partner, _ = await make_partner(db, clock, url="https://10.0.0.7/hooks")
        await make_events(db, clock, partner)
        hook = Receiver()
        await delivery.dispatch(
            db, clock=clock, allow_private=False, transport=hook.transport, rand=HALF
        )
        assert hook.requests == []
        [attempt] = await attempts(db)
        assert attempt.error is not None and attempt.error.startswith("refused")
        assert (await outbox_rows(db))[0].status == "PENDING"

    async def test_sweep_wakes_the_dispatcher_only_when_something_is_due(self, db, settings, clock):
        sent: list[str] = []

        class Jobs:
            async def enqueue(self, name: str, /, **kwargs) -> None:
                sent.append(name)

            async def enqueue_at(self, name: str, when, /, **kwargs) -> None:
                sent.append(f"{name}@{when:%H:%M:%S}")

        ctx = JobContext(db=db, settings=settings, jobs=Jobs(), clock=clock)
        sweep = load_jobs()["partners.sweep_outbox"].function
        assert await sweep(ctx) == 0 and sent == []
        partner, _ = await make_partner(db, clock)
        await make_events(db, clock, partner, count=2)
        assert await sweep(ctx) == 2
        assert sent == [outbox.DELIVER_JOB]
        await run(db, clock, Receiver(default_status=500))
        assert await sweep(ctx) == 0  # nothing due now: the next retry is booked instead
        assert sent[1:] == [f"{outbox.DELIVER_JOB}@12:00:05"]
        clock.advance(seconds=5)
        await run(db, clock, Receiver(default_status=500))  # attempt 3 is due in 30 s
        clock.advance(seconds=5)
        await sweep(ctx)
        assert sent[2:] == [f"{outbox.DELIVER_JOB}@12:00:35"]

    async def test_only_the_next_minute_is_booked(self, db, settings, clock):
        booked: list = []

        class Jobs:
            async def enqueue(self, name: str, /, **kwargs) -> None:
                pass

            async def enqueue_at(self, name: str, when, /, **kwargs) -> None:
                booked.append(when)

        ctx = JobContext(db=db, settings=settings, jobs=Jobs(), clock=clock)
        sweep = load_jobs()["partners.sweep_outbox"].function
        partner, _ = await make_partner(db, clock)
        await make_events(db, clock, partner)
        hook = Receiver(default_status=500)
        for delay in (5, 30, 120):  # attempts 1-3 fail; attempt 4 is due 2 minutes later
            await run(db, clock, hook)
            clock.advance(seconds=delay)
        await run(db, clock, hook)
        [row] = await outbox_rows(db)
        assert row.next_attempt_at - clock.now == timedelta(minutes=10)
        await sweep(ctx)
        assert booked == []  # the sweep books it when it comes within the minute
        clock.advance(minutes=9, seconds=30)
        await sweep(ctx)
        assert booked == [row.next_attempt_at]


class TestInProcessSchedule:
    async def test_a_retry_runs_when_it_is_due_not_at_the_next_sweep(self, state):
        """Attempt 2, due about 5 s after attempt 1 failed, is made then (real clock)."""
        state.clock = utcnow
        hook = Receiver(statuses=[503])
        state.jobs.context.http_transport = hook.transport
        partner, _ = await make_partner(state.db, SimpleNamespace(now=utcnow()))
        await make_events(state.db, SimpleNamespace(now=utcnow()), partner)  # wakes the dispatcher
        await state.jobs.drain()
        [first] = await attempts(state.db)
        [row] = await outbox_rows(state.db)
        assert (first.status, row.status) == ("FAILED", "PENDING")
        due = row.next_attempt_at
        assert timedelta(seconds=4) <= due - first.at <= timedelta(seconds=8)  # 5 s ± 20 %
        for _ in range(150):
            await asyncio.sleep(0.1)
            if (await outbox_rows(state.db))[0].status == "DELIVERED":
                break
        log = await attempts(state.db)
        assert [a.status for a in log] == ["FAILED", "SUCCEEDED"]
        # On time, give or take a loaded machine: the minute sweep would be up to 60 s late.
        assert timedelta(0) <= log[1].at - due < timedelta(seconds=2)


class TestArq:
    async def test_redis_flushed_mid_run_loses_nothing(self, database_url, redis_url, clock):
        settings = make_settings(database_url, redis_url=redis_url)
        queue = await ArqQueue.connect(redis_url, settings.arq_queue_name)
        db = Database(settings, jobs=queue)
        try:
            async with LocalReceiver() as receiver:
                partner, secret = await make_partner(db, clock, url=receiver.url)
                ids = await make_events(db, clock, partner, count=3)
                assert await queue.pool.zcard(settings.arq_queue_name) == 1  # woken after commit
                await forget_queue(queue.pool, settings.arq_queue_name)  # Redis restarts empty
                ctx = JobContext(db=db, settings=settings, jobs=queue, clock=clock)
                assert await load_jobs()["partners.sweep_outbox"].function(ctx) == 3
                assert await queue.pool.zcard(settings.arq_queue_name) == 1
                worker = create_worker(settings, burst=True, handle_signals=False, poll_delay=0.05)
                try:
                    await worker.main()
                finally:
                    await worker.close()
                assert worker.jobs_failed == 0
                assert sorted(h["webhook-id"] for h, _ in receiver.received) == sorted(ids)
                for headers, body in receiver.received:
                    Webhook(secret).verify(body, headers)
                    assert json.loads(body)["type"] == "handoff.received"
            assert {r.status for r in await outbox_rows(db)} == {"DELIVERED"}
        finally:
            await forget_queue(queue.pool, settings.arq_queue_name)
            await queue.close()
            await db.dispose()
            await wipe(database_url)

    async def test_a_booked_run_waits_in_the_queue_for_its_time(self, database_url, redis_url):
        settings = make_settings(database_url, redis_url=redis_url)
        queue = await ArqQueue.connect(redis_url, settings.arq_queue_name)
        when = utcnow() + timedelta(seconds=30)
        try:
            await queue.enqueue_at(outbox.DELIVER_JOB, when)
            await queue.enqueue_at(outbox.DELIVER_JOB, when)  # the same booking, once
            [(job_id, score)] = await queue.pool.zrange(
                settings.arq_queue_name, 0, -1, withscores=True
            )
            assert job_id.decode().startswith(outbox.DELIVER_JOB)
            assert abs(score - when.timestamp() * 1000) < 2
        finally:
            await forget_queue(queue.pool, settings.arq_queue_name)
            await queue.close()
