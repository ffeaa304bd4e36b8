"""brandhub instrumented for the benchmarks: SQL counters, stage timers, optional cProfile.

    python bench/profile_server.py --port P --out DIR [--cprofile]

Same app and uvicorn settings as the benchmarked server (one process, uvloop, httptools,
no access log). Signals drive the recording, so that start-up and warm-up stay out of it:
SIGUSR1 resets the counters (and starts cProfile with ``--cprofile``); SIGUSR2 stops and
writes ``DIR/counts.json`` (and ``DIR/server.prof``).

Counters: statements by kind and table, BEGIN/COMMIT/ROLLBACK, pool checkouts. Stage
timers: wall time spent in a few functions of the castVote path (meaningful at
concurrency 1, where nothing else runs meanwhile).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import json
import re
import signal
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

COUNTS: Counter[str] = Counter()
SECONDS: Counter[str] = Counter()
_VERB = re.compile(r"^\s*(\w+)(?:.*?\b(?:FROM|INTO)\s+(\w+))?", re.S | re.I)


def _statement_kind(sql: str) -> str:
    """'SELECT vote', 'INSERT tally_slot', ... from a statement's text."""
    match = _VERB.match(sql)
    if not match:
        return "other"
    verb = match.group(1).upper()
    table = sql.split()[1] if verb == "UPDATE" else match.group(2) or ""
    return f"{verb} {table}".strip()


def install_counters() -> None:
    """Count what every engine of this process sends to the database."""

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        COUNTS["statements"] += 1
        COUNTS["sql: " + _statement_kind(statement)] += 1

    @event.listens_for(Engine, "begin")
    def _begin(_conn: Any) -> None:
        COUNTS["transactions begun"] += 1

    @event.listens_for(Engine, "commit")
    def _commit(_conn: Any) -> None:
        COUNTS["commits"] += 1

    @event.listens_for(Engine, "rollback")
    def _rollback(_conn: Any) -> None:
        COUNTS["rollbacks"] += 1

    @event.listens_for(Pool, "checkout")
    def _checkout(*_: Any) -> None:
        COUNTS["pool checkouts"] += 1

    # The vote writer's batches run most statements on the driver connection, out of
    # SQLAlchemy's sight: counted (and timed, wall) here, as "sql: … (driver)".
    from brandhub.voting import driver

    for adapter in (driver.Postgres, driver.Sqlite):
        for name in ("fetch", "executemany"):
            _counted(adapter, name)


def _counted(owner: Any, name: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def wrapper(self: Any, sql: str, *args: Any) -> Any:
        kind = f"sql: {_statement_kind(sql)} (driver)"
        COUNTS["statements"] += 1
        COUNTS[kind] += 1
        started = time.perf_counter()
        try:
            return await original(self, sql, *args)
        finally:
            SECONDS["    driver statements, " + kind.removeprefix("sql: ")] += (
                time.perf_counter() - started
            )

    setattr(owner, name, wrapper)


def _timed(owner: Any, name: str, label: str) -> None:
    """Wrap the coroutine function ``owner.name`` to add its wall time to SECONDS[label]."""
    original: Callable[..., Awaitable[Any]] | None = getattr(owner, name, None)
    if original is None:  # the code moved on: time what is still there
        return

    @functools.wraps(original)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            SECONDS[label] += time.perf_counter() - started

    setattr(owner, name, wrapper)


def install_timers() -> None:
    """Time the stages of castVote (module attributes, so the call sites see the wrappers)."""
    from sqlalchemy.ext.asyncio import AsyncSession
    from strawberry import Schema

    from brandhub.schema.context import Context
    from brandhub.schema.voting import mutations
    from brandhub.voting import service

    _timed(Schema, "execute", "graphql execute (parse, validate, resolve)")
    _timed(Context, "_authenticate", "  authenticate (token lookup, read session)")
    _timed(mutations, "perform", "  perform: unit of work (BEGIN … COMMIT)")
    _timed(service, "cast_vote", "    service.cast_vote (statements before commit)")
    _timed(AsyncSession, "commit", "    commit")
    _timed(AsyncSession, "execute", "    SQLAlchemy statements")
    _timed(mutations, "announce", "  announce (after commit: publish to subscribers)")
    _timed(mutations, "tally_of", "  payload tally (loaders: proposal, campaign, tally)")


class Recorder:
    """Start/stop recording on SIGUSR1/SIGUSR2."""

    def __init__(self, out: Path, cprofile: bool) -> None:
        self.out = out
        self.profiler = cProfile.Profile() if cprofile else None

    def start(self, *_: Any) -> None:
        COUNTS.clear()
        SECONDS.clear()
        if self.profiler is not None:
            self.profiler.enable()

    def stop(self, *_: Any) -> None:
        if self.profiler is not None:
            self.profiler.disable()
            self.profiler.dump_stats(self.out / "server.prof")
        data = {"counts": dict(COUNTS), "seconds": dict(SECONDS)}
        (self.out / "counts.json").write_text(json.dumps(data, indent=1, sort_keys=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="directory for the results")
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    install_counters()
    install_timers()
    recorder = Recorder(args.out, args.cprofile)
    signal.signal(signal.SIGUSR1, recorder.start)
    signal.signal(signal.SIGUSR2, recorder.stop)
    config = uvicorn.Config(
        "brandhub.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=1,
        access_log=False,
        log_level="warning",
        loop="uvloop",
        http="httptools",
    )
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
