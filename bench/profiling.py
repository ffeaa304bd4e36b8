"""Run brandhub instrumented (bench/profile_server.py) for a burst and summarise it."""

from __future__ import annotations

import json
import os
import pstats
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchlib import (
    BENCH,
    PYTHON,
    LoadResult,
    ScratchDb,
    brandhub_env,
    free_port,
    ms,
    percentile,
    print_table,
    run,
    run_load,
    serve,
)

# Builtins whose own time is mostly the event loop waiting for I/O, not work.
IDLE = ("run_until_complete", "run_forever", "select", "poll", "control")


def package_of(filename: str) -> str:
    """The package a profiled function belongs to, from its file name."""
    if filename == "~":
        return "builtins (C)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/brandhub/" in filename:
        return "brandhub"
    if "/asyncio/" in filename:
        return "asyncio"
    return "stdlib/other"


def _is_idle(func: tuple[str, int, str]) -> bool:
    return func[0] == "~" and any(word in func[2] for word in IDLE)


def instrumented_burst(
    db: ScratchDb,
    warmup: Sequence[bytes],
    requests: Sequence[bytes],
    *,
    concurrency: int,
    cprofile: bool,
    check: Callable[[bytes], bool],
    redis: bool = False,
) -> tuple[LoadResult, dict[str, Any], pstats.Stats | None]:
    """Serve brandhub instrumented, warm it up, record one burst; (load, counters, stats)."""
    port = free_port()
    out = Path(tempfile.mkdtemp(prefix="brandhub-bench-"))
    command = [PYTHON, str(BENCH / "profile_server.py"), "--port", str(port), "--out", str(out)]
    with serve(
        command + (["--cprofile"] if cprofile else []), port, brandhub_env(db, redis=redis)
    ) as server:
        run(run_load(port, warmup, concurrency=concurrency, check=check))
        os.kill(server.process.pid, signal.SIGUSR1)
        result = run(run_load(port, requests, concurrency=concurrency, check=check))
        os.kill(server.process.pid, signal.SIGUSR2)
        counts_file = out / "counts.json"
        for _ in range(100):
            if counts_file.exists() and (not cprofile or (out / "server.prof").exists()):
                break
            time.sleep(0.1)
    try:
        data = json.loads(counts_file.read_text())
        stats = pstats.Stats(str(out / "server.prof")) if cprofile else None
        if cprofile and os.environ.get("BENCH_KEEP_PROFILE"):  # for pstats by hand
            shutil.copy(out / "server.prof", os.environ["BENCH_KEEP_PROFILE"])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return result, data, stats


def print_cpu(stats: pstats.Stats, requests: int) -> None:
    """Server CPU per request by package (own time) and the top functions, from cProfile."""
    table = stats.stats  # type: ignore[attr-defined]
    by_package: Counter[str] = Counter()
    busy = 0.0
    for func, (_cc, _nc, tottime, _ct, _callers) in table.items():
        if not _is_idle(func):
            by_package[package_of(func[0])] += tottime
            busy += tottime
    print(f"server CPU under cProfile: {busy / requests * 1000:.2f} ms per request")
    print_table(
        ["package (own CPU time)", "ms/request", "share"],
        [(p, t / requests * 1000, f"{100 * t / busy:.0f}%") for p, t in by_package.most_common(10)],
    )
    top = sorted(
        ((tt, f) for f, (_cc, _nc, tt, _ct, _callers) in table.items() if not _is_idle(f)),
        reverse=True,
    )[:15]
    print()
    print_table(
        ["top functions (own CPU time)", "ms/request"],
        [(f"{Path(f[0]).name}:{f[1]} {f[2]}"[:90], tt / requests * 1000) for tt, f in top],
    )


def print_stages(result: LoadResult, data: dict[str, Any]) -> None:
    """Wall time per stage of one request (concurrency 1) and the database work it does."""
    n = len(result.latencies)
    rows: list[tuple[str, float]] = [
        ("request, as the client sees it (mean)", ms(sum(result.latencies) / n))
    ]
    rows += [(label, ms(seconds / n)) for label, seconds in data["seconds"].items()]
    print(f"one request at a time (p50 {ms(percentile(result.latencies, 50)):.2f} ms):")
    print_table(["stage (wall time)", "ms/request"], rows)
    counts = data["counts"]
    print()
    print_table(
        ["database work", "per request"],
        [(k, v / n) for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))],
    )
