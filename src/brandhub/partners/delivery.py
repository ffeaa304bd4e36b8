"""The webhook dispatcher: claim due outbox rows, send them signed, record every attempt.

Claims are short transactions: ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL (the write
lock serialises them on SQLite) sets a lease (``claimed_until``) and a claim token, so several
dispatchers never send one event in the same attempt, and logs the attempt as SENDING before
the request goes out. A dispatcher killed after sending but before recording leaves that
attempt in the log; once its lease expires the event is sent again, with the same
``webhook-id`` so the receiver can dedupe, and the orphaned attempt becomes INTERRUPTED: the
log may say "unknown", never less than what was sent. Scheduling uses the injected clock;
the ``webhook-timestamp`` header uses the wall clock, which the receiver checks against.
"""

from __future__ import annotations

import asyncio
import functools
import json
import random
import ssl
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from brandhub.db import Database
from brandhub.partners import retry
from brandhub.partners.models import (
    AttemptStatus,
    DeliveryStatus,
    OutboxEvent,
    Partner,
    WebhookAttempt,
)
from brandhub.partners.registration import active_secrets
from brandhub.partners.webhook_signing import webhook_headers
from brandhub.partners.webhook_urls import WebhookUrlError, check_webhook_url

LEASE = timedelta(seconds=60)  # well above the 10 s timeout: a live dispatcher never loses it
BATCH_SIZE = 20
MAX_BATCHES = 50
INTERRUPTED = "The dispatcher stopped before recording the answer; the receiver may have it."


@dataclass(frozen=True)
class Claim:
    """An outbox row this dispatcher may send until its lease ends."""

    outbox_id: int
    attempt_id: int
    token: str
    event_id: str
    partner_id: int
    url: str
    secrets: tuple[str, ...]
    body: bytes


@dataclass(frozen=True)
class Outcome:
    """What one attempt got back."""

    status_code: int | None
    latency_ms: int
    error: str | None

    @property
    def success(self) -> bool:
        """A 2xx answer (within the client's 10 s timeout)."""
        return self.status_code is not None and 200 <= self.status_code < 300


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building it costs ~25 ms, so it is built once."""
    return ssl.create_default_context()


def encode(body: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed (stable across attempts and databases)."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _sendable() -> Any:
    return (
        (OutboxEvent.status == DeliveryStatus.PENDING)
        & Partner.webhook_url.is_not(None)
        & Partner.webhook_disabled_at.is_(None)
    )


def _unclaimed(now: datetime) -> Any:
    return or_(OutboxEvent.claimed_until.is_(None), OutboxEvent.claimed_until <= now)


def _due(now: datetime) -> Any:
    return _sendable() & (OutboxEvent.next_attempt_at <= now) & _unclaimed(now)


async def count_due(session: AsyncSession, *, now: datetime) -> int:
    """How many events are waiting to be sent now."""
    query = (
        select(func.count())
        .select_from(OutboxEvent)
        .join(Partner, Partner.id == OutboxEvent.partner_id)
        .where(_due(now))
    )
    return int(await session.scalar(query) or 0)


async def next_due_at(session: AsyncSession, *, now: datetime) -> datetime | None:
    """When the dispatcher should next run: the earliest retry, or the end of a lease held
    by a dispatcher that may have died; None when nothing is waiting."""
    events = select(OutboxEvent).join(Partner, Partner.id == OutboxEvent.partner_id)
    waiting = await session.scalar(
        events.with_only_columns(func.min(OutboxEvent.next_attempt_at)).where(
            _sendable() & _unclaimed(now)
        )
    )
    leased = await session.scalar(
        events.with_only_columns(func.min(OutboxEvent.claimed_until)).where(
            _sendable() & (OutboxEvent.claimed_until > now)
        )
    )
    times = [t for t in (waiting, leased) if t is not None]
    return min(times) if times else None


async def claim_due(
    session: AsyncSession, *, now: datetime, limit: int = BATCH_SIZE, lease: timedelta = LEASE
) -> list[Claim]:
    """Lease up to ``limit`` due events to this dispatcher (skipping rows others hold)."""
    rows = (
        await session.execute(
            select(OutboxEvent, Partner.webhook_url)
            .join(Partner, Partner.id == OutboxEvent.partner_id)
            .where(_due(now))
            .order_by(OutboxEvent.next_attempt_at, OutboxEvent.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=OutboxEvent)
        )
    ).all()
    if not rows:
        return []
    token = uuid.uuid4().hex
    ids = [row.id for row, _ in rows]
    await session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(ids))
        .values(claimed_until=now + lease, claim_token=token, attempts=OutboxEvent.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    numbers = await _log_attempts(session, ids, now=now)
    secrets: dict[int, tuple[str, ...]] = {}
    claims = []
    for row, url in rows:
        if row.partner_id not in secrets:
            found = await active_secrets(session, partner_id=row.partner_id, now=now)
            secrets[row.partner_id] = tuple(found)
        claims.append(
            Claim(
                outbox_id=row.id,
                attempt_id=numbers[row.id],
                token=token,
                event_id=row.event_id,
                partner_id=row.partner_id,
                url=url,
                secrets=secrets[row.partner_id],
                body=encode(row.body),
            )
        )
    return claims


async def _log_attempts(session: AsyncSession, ids: list[int], *, now: datetime) -> dict[int, int]:
    """Log one SENDING attempt per claimed event (first closing the ones a dead dispatcher
    left SENDING); return each event's new attempt id."""
    await session.execute(
        update(WebhookAttempt)
        .where(WebhookAttempt.outbox_id.in_(ids), WebhookAttempt.status == AttemptStatus.SENDING)
        .values(status=AttemptStatus.INTERRUPTED, error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    made = dict(
        (
            await session.execute(
                select(WebhookAttempt.outbox_id, func.count())
                .where(WebhookAttempt.outbox_id.in_(ids))
                .group_by(WebhookAttempt.outbox_id)
            )
        ).all()
    )
    attempts = {pk: WebhookAttempt(outbox_id=pk, number=made.get(pk, 0) + 1, at=now) for pk in ids}
    session.add_all(attempts.values())
    await session.flush()
    return {pk: attempt.id for pk, attempt in attempts.items()}  # type: ignore[misc]


async def send(
    client: httpx.AsyncClient, claim: Claim, *, allow_private: bool, timestamp: int
) -> Outcome:
    """POST one signed event; the URL is checked again first (DNS may have changed)."""
    try:
        await check_webhook_url(claim.url, allow_private=allow_private)
    except WebhookUrlError as exc:
        return Outcome(None, 0, f"refused: {exc.message}")
    if not claim.secrets:
        return Outcome(None, 0, "no active webhook secret")
    headers = webhook_headers(list(claim.secrets), claim.event_id, timestamp, claim.body)
    started = time.perf_counter()
    try:
        response = await client.post(claim.url, content=claim.body, headers=headers)
    except httpx.TimeoutException:
        return Outcome(None, _ms(started), "timeout")
    except httpx.HTTPError as exc:
        return Outcome(None, _ms(started), f"{type(exc).__name__}: {exc}"[:500])
    error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Outcome(response.status_code, _ms(started), error)


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


async def record(
    session: AsyncSession,
    *,
    claim: Claim,
    outcome: Outcome,
    now: datetime,
    rand: random.Random | float,
) -> str | None:
    """Log the attempt's answer and move the event on: DELIVERED, retry later, DEAD; None if
    the lease was lost (the answer is logged all the same: it happened)."""
    await session.execute(
        update(WebhookAttempt)
        .where(WebhookAttempt.id == claim.attempt_id)
        .values(
            status=AttemptStatus.SUCCEEDED if outcome.success else AttemptStatus.FAILED,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error,
            success=outcome.success,
        )
        .execution_options(synchronize_session=False)
    )
    row = await session.scalar(
        select(OutboxEvent)
        .where(OutboxEvent.id == claim.outbox_id, OutboxEvent.claim_token == claim.token)
        .with_for_update()
    )
    if row is None:  # our lease ran out and another dispatcher took the event over
        return None
    row.claimed_until = None
    row.claim_token = None
    if outcome.success:
        row.status = DeliveryStatus.DELIVERED
        row.delivered_at = now
    elif outcome.status_code == 410:
        # The receiver says the endpoint is gone: stop calling it. Events wait (PENDING)
        # until the partner sets a webhook URL again.
        await session.execute(
            update(Partner).where(Partner.id == row.partner_id).values(webhook_disabled_at=now)
        )
        row.next_attempt_at = now
    else:
        following = retry.next_attempt_at(row.attempts, now, rand)
        if following is None:
            row.status = DeliveryStatus.DEAD
        else:
            row.next_attempt_at = following
    await session.flush()
    return row.status


async def dispatch(
    db: Database,
    *,
    clock: Callable[[], datetime],
    allow_private: bool,
    transport: httpx.AsyncBaseTransport | None = None,
    rand: random.Random | float | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> int:
    """Send everything due now, batch by batch; return the number of attempts made."""
    rand = random.Random() if rand is None else rand
    made = 0
    async with httpx.AsyncClient(
        transport=transport,
        timeout=retry.SUCCESS_TIMEOUT_SECONDS,
        follow_redirects=False,
        verify=tls_context(),
    ) as client:
        for _ in range(MAX_BATCHES):
            async with db.unit_of_work() as session:
                claims = await claim_due(session, now=clock())
            if not claims:
                break
            timestamp = int(wall_clock())
            outcomes = await asyncio.gather(
                *(send(client, c, allow_private=allow_private, timestamp=timestamp) for c in claims)
            )
            async with db.unit_of_work() as session:
                for claim, outcome in zip(claims, outcomes, strict=True):
                    await record(session, claim=claim, outcome=outcome, now=clock(), rand=rand)
            made += len(claims)
    return made
