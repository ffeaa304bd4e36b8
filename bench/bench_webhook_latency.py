"""Time from a committed change to the first webhook delivery attempt (run by hand, not a test).

    .venv/bin/python bench/bench_webhook_latency.py [--events N] [--database-url URL]
        [--redis-url redis://127.0.0.1:6379/14] [--poll-delay 0.5]

Embedded mode: the unit of work commits and the in-process runner starts the dispatcher.
arq mode: the commit enqueues a job on Redis; an arq worker (in this process, polling every
``--poll-delay`` seconds, arq's default 0.5) claims and sends. Each event is written in its own
unit of work; the clock starts when the unit of work returns (committed, job sent) and stops
when a real HTTP receiver on 127.0.0.1 reads the request. Prints p50, p95 and max in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from brandhub.columns import utcnow
from brandhub.db import Database
from brandhub.jobs.arq_queue import ArqQueue
from brandhub.jobs.inprocess import InProcessRunner
from brandhub.jobs.registry import JobContext
from brandhub.jobs.worker import create_worker
from brandhub.migrate import upgrade
from brandhub.partners import outbox, registration
from brandhub.partners.models import Partner
from brandhub.settings import Settings


class Receiver:
    """A minimal HTTP/1.1 endpoint that notes when each webhook-id arrives."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.waiters: dict[str, asyncio.Event] = {}
        self.server: asyncio.Server | None = None

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        now = time.perf_counter()
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in head.split("\r\n")[1:] if line)
        }
        await reader.readexactly(int(headers.get("content-length", "0")))
        writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        await writer.drain()
        writer.close()
        event_id = headers["webhook-id"]
        self.arrived.setdefault(event_id, now)
        self.waiters.setdefault(event_id, asyncio.Event()).set()

    async def start(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook"

    async def wait(self, event_id: str) -> float:
        await asyncio.wait_for(self.waiters.setdefault(event_id, asyncio.Event()).wait(), 30)
        return self.arrived[event_id]


async def measure(db: Database, partner: Partner, receiver: Receiver, events: int) -> list[float]:
    latencies = []
    for n in range(events):
        event_id = outbox.new_event_id()
        async with db.unit_of_work() as session:
            await outbox.write(
                session,
                partner=partner,
                event_id=event_id,
                handoff_id=None,
                sequence=n + 1,
                type="bench.ping",
                body={"type": "bench.ping", "data": {"n": n}},
                now=utcnow(),
            )
        committed = time.perf_counter()
        latencies.append((await receiver.wait(event_id) - committed) * 1000)
    return latencies


def report(mode: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(
        f"{mode:<10} events={len(ordered):<4} p50={statistics.median(ordered):7.1f} ms"
        f"  p95={p95:7.1f} ms  max={ordered[-1]:7.1f} ms"
    )


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-webhooks-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    settings = Settings(database_url=url, webhook_allow_private=True)
    await upgrade(settings)
    receiver = Receiver()
    hook_url = await receiver.start()
    setup = Database(settings)
    async with setup.unit_of_work() as session:
        partner, _, _ = await registration.register_partner(
            session,
            admin=None,
            slug=f"bench-{int(time.time())}",
            name="Bench",
            powered_by_label="Bench",
            categories=["bench"],
            webhook_url=hook_url,
            allow_private=True,
            now=utcnow(),
        )
    await setup.dispose()

    runner = InProcessRunner()
    db = Database(settings, jobs=runner)
    runner.start(JobContext(db=db, settings=settings, jobs=runner), schedules=False)
    try:
        report("embedded", await measure(db, partner, receiver, args.events))
    finally:
        await runner.stop()
        await db.dispose()

    if not args.redis_url:
        return
    arq_settings = Settings(
        database_url=url,
        redis_url=args.redis_url,
        redis_namespace=f"brandhub-bench-{uuid.uuid4().hex[:8]}",
        webhook_allow_private=True,
    )
    queue = await ArqQueue.connect(args.redis_url, arq_settings.arq_queue_name)
    db = Database(arq_settings, jobs=queue)
    worker = create_worker(arq_settings, handle_signals=False, poll_delay=args.poll_delay)
    running = asyncio.create_task(worker.main())
    try:
        report("arq", await measure(db, partner, receiver, args.events))
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await worker.close()
        await queue.pool.delete(arq_settings.arq_queue_name)
        await queue.close()
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--poll-delay", type=float, default=0.5, help="arq worker poll delay (s)")
    asyncio.run(main(parser.parse_args()))
