"""``brandhub serve`` as a subprocess on a free port, for tests that need the real server
(signals, browsers): started on a fresh SQLite file, waited for until /healthz answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

# Fast password hashing and room for many sign-ups from 127.0.0.1.
TEST_ENV = {
    "BRANDHUB_ARGON2_TIME_COST": "1",
    "BRANDHUB_ARGON2_MEMORY_KIB": "1024",
    "BRANDHUB_ARGON2_PARALLELISM": "1",
    "BRANDHUB_SIGNUP_LIMITS": "1000/minute",
}


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(
    folder: Path, database: str, *options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """(url, process, log path) of ``brandhub serve [options]`` with the SQLite file
    ``folder / database``; the process is stopped on exit if it still runs."""
    port = free_port()
    log = folder / "server.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("BRANDHUB_")},
        "BRANDHUB_DATABASE_URL": f"sqlite+aiosqlite:///{folder / database}",
        **TEST_ENV,
        **(env or {}),
    }
    command = [sys.executable, "-m", "brandhub.cli", "serve", "--port", str(port), *options]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, env=environment, stdout=out, stderr=subprocess.STDOUT, cwd=folder
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"brandhub serve did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url, process, log
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
