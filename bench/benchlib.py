"""Shared plumbing for the HTTP benchmarks (not a benchmark itself).

- scratch PostgreSQL databases (create, migrate, drop);
- uvicorn servers as subprocesses, all with the same settings;
- a small keep-alive HTTP/1.1 load generator on raw asyncio streams (cheaper per request
  than httpx, so the client does not become the bottleneck on a 2-core machine);
- seeding through GraphQL (owner, brand, campaign, one proposal) and directly through SQL
  (members with session tokens and memberships, cloned proposals) in exactly the shape the
  services produce;
- percentiles and a plain-text table.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PG_SERVER = os.environ.get("BENCH_PG", "postgres@127.0.0.1:5432")
# Cheap argon2 for the few accounts created through signUp.
FAST_ARGON2 = {
    "BRANDHUB_ARGON2_TIME_COST": "1",
    "BRANDHUB_ARGON2_MEMORY_KIB": "1024",
    "BRANDHUB_ARGON2_PARALLELISM": "1",
}
RECIPE_SPEC: dict[str, Any] = {
    "servings": 4,
    "ingredients": [
        {"name": "garlic", "quantity": 12, "unit": "piece"},
        {"name": "stock", "quantity": 1, "unit": "l"},
    ],
    "steps": ["Roast the garlic.", "Simmer in stock.", "Blend."],
    "allergens": ["celery"],
}
ERRORS = "errors { code message field }"
T = TypeVar("T")


# --------------------------------------------------------------------------- databases


@dataclass(frozen=True)
class ScratchDb:
    """A throw-away database on the local PostgreSQL server."""

    name: str

    @property
    def dsn(self) -> str:
        """The asyncpg DSN."""
        return f"postgresql://{PG_SERVER}/{self.name}"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL brandhub reads from BRANDHUB_DATABASE_URL."""
        return f"postgresql+asyncpg://{PG_SERVER}/{self.name}"

    async def create(self) -> None:
        """(Re)create the database and apply brandhub's migrations."""
        await self.drop()
        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await admin.close()
        from brandhub.migrate import upgrade
        from brandhub.settings import Settings

        await upgrade(Settings(database_url=self.url))

    async def drop(self) -> None:
        """Drop the database, kicking out any leftover connection."""
        admin = await asyncpg.connect(f"postgresql://{PG_SERVER}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await admin.close()


@dataclass(frozen=True)
class ScratchSqlite:
    """A throw-away SQLite file (brandhub's embedded default), WAL mode."""

    path: Path
    dsn = None  # no pg_stat_activity to sample

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.path}"

    async def create(self) -> None:
        """(Re)create the file and apply brandhub's migrations."""
        await self.drop()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        from brandhub.migrate import upgrade
        from brandhub.settings import Settings

        await upgrade(Settings(database_url=self.url))

    async def drop(self) -> None:
        _remove_sqlite(self.path)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def scratch_name(prefix: str) -> str:
    """A unique scratch database name, e.g. ``brandhub_bench_cast_1a2b3c``."""
    return f"brandhub_bench_{prefix}_{secrets.token_hex(3)}"


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uvicorn_args(port: int, workers: int = 1) -> list[str]:
    """The server settings every benchmarked app gets: ``workers`` processes, no access log."""
    return [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws-per-message-deflate",  # as `brandhub serve` runs it (no per-socket compression)
        "false",
    ]


def brandhub_env(db: ScratchDb, *, redis: bool = False, **extra: str) -> dict[str, str]:
    """Environment of a brandhub server on ``db`` (GraphiQL off, cheap argon2)."""
    env = {
        **os.environ,
        **FAST_ARGON2,
        "BRANDHUB_DATABASE_URL": db.url,
        "BRANDHUB_GRAPHIQL": "false",
        "BRANDHUB_LOG_LEVEL": "WARNING",
        "BRANDHUB_SECRET_KEY": "bench-secret",
        **extra,
    }
    env.pop("BRANDHUB_REDIS_URL", None)
    if redis:
        env["BRANDHUB_REDIS_URL"] = "redis://127.0.0.1:6379/14"
    return env


def brandhub_command(port: int, workers: int = 1) -> list[str]:
    """uvicorn serving brandhub's app factory."""
    return [
        PYTHON,
        "-m",
        "uvicorn",
        "brandhub.app:create_app",
        "--factory",
        *uvicorn_args(port, workers),
    ]


@dataclass
class Server:
    """A running server subprocess."""

    process: subprocess.Popen[bytes]
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before answering")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not answer /healthz within {timeout}s")


@contextlib.contextmanager
def serve(command: list[str], port: int, env: dict[str, str]) -> Iterator[Server]:
    """Start a server subprocess, wait for /healthz, and stop it (SIGINT) on exit."""
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        _wait_ready(port, process)
        yield Server(process, port)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --------------------------------------------------------------------------- load


@dataclass
class LoadResult:
    """Latencies (seconds) of the requests of one load run and its wall time."""

    latencies: list[float]
    elapsed: float
    failures: int = 0
    first_failure: str = ""
    cpu: float = 0.0  # client CPU seconds
    server_cpu: float = 0.0  # filled by observed_load
    postgres_cpu: float = 0.0
    waits: Counter[str] = field(default_factory=Counter)
    peak_rss_mib: float = 0.0  # the largest server process's, filled by observed_load

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def http_post(path: str, body: dict[str, Any], token: str | None = None) -> bytes:
    """A pre-encoded keep-alive HTTP/1.1 POST with a JSON body."""
    payload = json.dumps(body, separators=(",", ":")).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n"
    )
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    return head.encode() + b"\r\n" + payload


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = bytearray()  # chunked
    while True:
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body += chunk[:-2]


async def run_load(
    port: int,
    requests: Sequence[bytes],
    *,
    concurrency: int,
    check: Callable[[bytes], bool] = lambda _: True,
) -> LoadResult:
    """Send ``requests`` over ``concurrency`` keep-alive connections, as fast as answered."""
    latencies: list[float] = []
    failures: list[str] = []
    queue = iter(requests)

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in queue:
                started = time.perf_counter()
                writer.write(request)
                status, body = await _read_response(reader)
                latencies.append(time.perf_counter() - started)
                if status != 200 or not check(body):
                    failures.append(f"{status} {body[:300]!r}")
        finally:
            writer.close()

    cpu = time.process_time()
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(min(concurrency, len(requests)))))
    elapsed = time.perf_counter() - started
    return LoadResult(
        latencies,
        elapsed,
        len(failures),
        failures[0] if failures else "",
        time.process_time() - cpu,
    )


async def run_open_loop(
    port: int,
    requests: Sequence[bytes],
    *,
    rate: float,
    connections: int = 128,
    check: Callable[[bytes], bool] = lambda _: True,
) -> LoadResult:
    """Send ``requests`` at a fixed offered rate (request i at ``i / rate`` seconds), whatever
    the answers' pace, over up to ``connections`` keep-alive connections. Each latency runs
    from the request's scheduled time, so a request the client could not send on time
    (every connection busy) counts its wait too: no coordinated omission."""
    latencies: list[float] = []
    failures: list[str] = []
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while (item := await queue.get()) is not None:
                scheduled, request = item
                writer.write(request)
                status, body = await _read_response(reader)
                latencies.append(time.perf_counter() - scheduled)
                if status != 200 or not check(body):
                    failures.append(f"{status} {body[:300]!r}")
        finally:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(min(connections, len(requests)))]
    await asyncio.sleep(0.2)  # connections open before the clock starts
    cpu = time.process_time()
    started = time.perf_counter()
    for i, request in enumerate(requests):
        scheduled = started + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((scheduled, request))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    elapsed = time.perf_counter() - started
    return LoadResult(
        latencies,
        elapsed,
        len(failures),
        failures[0] if failures else "",
        time.process_time() - cpu,
    )


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (uvicorn's workers)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def peak_rss_mib(pid: int) -> float:
    """The largest peak resident set (VmHWM) among a server's processes, in MiB."""
    peak = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def postgres_pids() -> list[int]:
    """Every PostgreSQL process on this machine (server and backends)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


@dataclass
class CpuMeter:
    """CPU used by a server process and by PostgreSQL between start() and stop()."""

    server_pid: int
    server: float = 0.0
    postgres: float = 0.0

    def _sample(self) -> tuple[float, dict[int, float]]:
        server = sum(_cpu_seconds(p) for p in process_tree(self.server_pid))
        return server, {p: _cpu_seconds(p) for p in postgres_pids()}

    def start(self) -> None:
        self._start = self._sample()

    def stop(self) -> None:
        server, pg = self._sample()
        self.server += server - self._start[0]
        self.postgres += sum(v - self._start[1].get(p, 0.0) for p, v in pg.items())


async def sample_waits(dsn: str, stop: asyncio.Event, every: float = 0.05) -> Counter[str]:
    """What the benchmark database's backends are doing, sampled from pg_stat_activity:
    'active' (working), 'Lock:…' (waiting on a row or transaction lock), 'idle in
    transaction' (waiting for the application inside a transaction), ..."""
    seen: Counter[str] = Counter()
    conn = await asyncpg.connect(dsn)
    try:
        while not stop.is_set():
            rows = await conn.fetch(
                """SELECT state, wait_event_type, wait_event FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()
                     AND backend_type = 'client backend'"""
            )
            for state, wtype, wevent in rows:
                if state == "active" and wtype:
                    seen[f"active, waiting {wtype}:{wevent}"] += 1
                else:
                    seen[state or "?"] += 1
            await asyncio.sleep(every)
    finally:
        await conn.close()
    return seen


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100), nearest-rank on sorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def merge(results: Sequence[LoadResult]) -> LoadResult:
    """Several runs of one side as one: all latencies, summed wall time."""
    return LoadResult(
        [x for r in results for x in r.latencies],
        sum(r.elapsed for r in results),
        sum(r.failures for r in results),
        next((r.first_failure for r in results if r.first_failure), ""),
        sum(r.cpu for r in results),
        sum(r.server_cpu for r in results),
        sum(r.postgres_cpu for r in results),
        sum((r.waits for r in results), Counter()),
        max((r.peak_rss_mib for r in results), default=0.0),
    )


async def observed_load(
    server: Server,
    requests: Sequence[bytes],
    *,
    concurrency: int,
    dsn: str | None,
    check: Callable[[bytes], bool] = lambda _: True,
    rate: float | None = None,
) -> LoadResult:
    """run_load (or with ``rate``, run_open_loop), plus the CPU the server and PostgreSQL
    used and the database's waits."""
    meter = CpuMeter(server.process.pid)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_waits(dsn, stop)) if dsn else None
    meter.start()
    if rate is None:
        result = await run_load(server.port, requests, concurrency=concurrency, check=check)
    else:
        result = await run_open_loop(server.port, requests, rate=rate, check=check)
    meter.stop()
    stop.set()
    result.waits = await sampler if sampler else Counter()
    result.peak_rss_mib = peak_rss_mib(server.process.pid)
    result.server_cpu, result.postgres_cpu = meter.server, meter.postgres
    return result


def wait_shares(waits: Counter[str]) -> str:
    """'active 40%, idle in transaction 35%, …' from sampled backend states."""
    total = sum(waits.values()) or 1
    return ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in waits.most_common(5))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A left-aligned plain-text table."""
    cells = [[str(h) for h in headers]] + [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print(
            "  ".join(
                c.rjust(w) if n and i else c.ljust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def ms(seconds: float) -> float:
    return seconds * 1000


# --------------------------------------------------------------------------- seeding


def global_id(type_name: str, pk: int) -> str:
    """brandhub's opaque Relay id."""
    from brandhub.schema.relay import to_global_id

    return to_global_id(type_name, pk)


def pk_of(global_id_: str) -> int:
    from brandhub.schema.relay import from_global_id

    decoded = from_global_id(global_id_)
    assert decoded is not None, global_id_
    return decoded[1]


@dataclass
class Campaign:
    """A seeded campaign in VOTING: ids (primary keys) and the owner's token."""

    id: int
    brand_id: int
    owner_token: str
    owner_id: int
    proposal_ids: list[int] = field(default_factory=list)


class GraphQL:
    """A minimal GraphQL client for seeding (httpx)."""

    def __init__(self, base: str) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=60)

    async def __call__(
        self, query: str, variables: dict[str, Any], *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(body["errors"])
        return body["data"]

    async def mutate(
        self, name: str, input_type: str, fields: str, input: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        """Run ``name(input:)`` and fail on any user error."""
        query = (
            f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} {ERRORS} }} }}"
        )
        payload = (await self(query, {"input": input}, token=token))[name]
        if payload["errors"]:
            raise RuntimeError(f"{name}: {payload['errors']}")
        return payload

    async def aclose(self) -> None:
        await self.client.aclose()


async def seed_owner_and_brand(gql: GraphQL, slug: str) -> tuple[str, int, int]:
    """Sign up an owner through the API and create a brand; (token, owner id, brand id)."""
    signed = await gql.mutate(
        "signUp",
        "SignUpInput",
        "token viewer { ... on Member { id } }",
        {
            "email": f"owner-{slug}@example.com",
            "password": "correct horse battery",
            "displayName": "Owner",
        },
        None,
    )
    token = signed["token"]
    brand = await gql.mutate(
        "createBrand",
        "CreateBrandInput",
        "brand { id }",
        {"slug": slug, "name": "Bench Brand", "tagline": "Benchmarks", "labelMode": "GREY"},
        token,
    )
    return token, pk_of(signed["viewer"]["id"]), pk_of(brand["brand"]["id"])


async def seed_campaign(
    gql: GraphQL,
    conn: asyncpg.Connection,
    *,
    owner_token: str,
    owner_id: int,
    brand_id: int,
    proposals: int,
    voting: dict[str, Any],
    title: str = "Bench campaign",
) -> Campaign:
    """A campaign in VOTING with ``proposals`` proposals.

    The first proposal is submitted through the API; the rest are SQL copies of it (the
    proposal row and its first revision, new titles), then voting opens through the API.
    """
    created = await gql.mutate(
        "createCampaign",
        "CreateCampaignInput",
        "campaign { id }",
        {
            "brandId": global_id("Brand", brand_id),
            "title": title,
            "brief": "bench",
            "category": "recipe",
            "specTemplate": "recipe",
            "voting": voting,
        },
        owner_token,
    )
    campaign_gid = created["campaign"]["id"]
    await gql.mutate(
        "openSubmissions",
        "CampaignIdInput",
        "campaign { phase }",
        {"campaignId": campaign_gid},
        owner_token,
    )
    first = await gql.mutate(
        "submitProposal",
        "SubmitProposalInput",
        "proposal { id }",
        {"campaignId": campaign_gid, "title": "Idea 0", "summary": "bench", "spec": RECIPE_SPEC},
        owner_token,
    )
    first_id = pk_of(first["proposal"]["id"])
    if proposals > 1:
        await clone_proposal(conn, first_id, proposals - 1)
    await gql.mutate(
        "openVoting",
        "CampaignIdInput",
        "campaign { phase }",
        {"campaignId": campaign_gid},
        owner_token,
    )
    campaign_id = pk_of(campaign_gid)
    ids = [
        r["id"]
        for r in await conn.fetch(
            "SELECT id FROM proposal WHERE campaign_id = $1 ORDER BY id", campaign_id
        )
    ]
    return Campaign(campaign_id, brand_id, owner_token, owner_id, ids)


async def clone_proposal(conn: asyncpg.Connection, proposal_id: int, copies: int) -> None:
    """Insert ``copies`` copies of a proposal and its first revision (titles ``Idea i``)."""
    if hasattr(conn, "clone_proposal"):  # sqlite_seed.SqliteConn
        await conn.clone_proposal(proposal_id, copies)
        return
    async with conn.transaction():
        await conn.execute(
            """
            WITH made AS (
              INSERT INTO proposal (campaign_id, author_id, forked_from_id, credit_ids, title,
                                    summary, spec, spec_digest, revision, status,
                                    status_before_hidden, created_at, updated_at)
              SELECT p.campaign_id, p.author_id, NULL, p.credit_ids, 'Idea ' || g, p.summary,
                     p.spec, p.spec_digest, 1, p.status, NULL,
                     p.created_at + g * interval '1 millisecond',
                     p.created_at + g * interval '1 millisecond'
              FROM proposal p, generate_series(1, $2) AS g
              WHERE p.id = $1
              RETURNING id, author_id, spec, spec_digest, created_at
            )
            INSERT INTO proposal_revision (proposal_id, number, author_id, spec, spec_digest, note, at)
            SELECT id, 1, author_id, spec, spec_digest, '', created_at FROM made
            """,
            proposal_id,
            copies,
        )


@dataclass(frozen=True)
class Member:
    """A seeded member and their bearer token."""

    id: int
    token: str


@functools.cache
def password_hash() -> str:
    """One argon2id hash (cheap parameters) of the seeded members' shared password."""
    from argon2 import PasswordHasher, Type

    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, type=Type.ID).hash(
        "correct horse battery"
    )


async def seed_members(
    conn: asyncpg.Connection,
    *,
    brand_id: int,
    count: int,
    age: timedelta = timedelta(days=30),
    tag: str = "m",
) -> list[Member]:
    """Members who joined the brand, each with a valid session token, inserted in bulk.

    Rows are exactly what signUp + joinBrand write (one shared argon2 hash of the same
    password); ``age`` sets how old the accounts are (the velocity guard looks at it).
    """
    from brandhub.auth.tokens import SESSION_TOKEN_PREFIX, digest

    if hasattr(conn, "seed_members"):  # sqlite_seed.SqliteConn
        made = await conn.seed_members(
            brand_id=brand_id, count=count, age=age, tag=tag, password_hash=password_hash()
        )
        return [Member(m, t) for m, t in made]
    now = datetime.now(UTC)
    created = now - age
    salt = secrets.token_hex(4)
    emails = [f"{tag}{i}-{salt}@example.com" for i in range(count)]
    ids = await conn.fetch(
        """
        INSERT INTO member (email, email_key, display_name, password_hash, reputation, created_at)
        SELECT e, e, 'Voter', $2, 0, $3 FROM unnest($1::text[]) AS e
        RETURNING id, email
        """,
        emails,
        password_hash(),
        created,
    )
    by_email = {r["email"]: r["id"] for r in ids}
    member_ids = [by_email[e] for e in emails]
    tokens = [SESSION_TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in member_ids]
    await conn.copy_records_to_table(
        "session_token",
        columns=["member_id", "token_hash", "created_at", "expires_at"],
        records=[
            (m, digest(t), now, now + timedelta(days=30))
            for m, t in zip(member_ids, tokens, strict=True)
        ],
    )
    await conn.copy_records_to_table(
        "membership",
        columns=["brand_id", "member_id", "role", "joined_at"],
        records=[(brand_id, m, "MEMBER", created) for m in member_ids],
    )
    await conn.execute(
        "UPDATE brand SET member_count = member_count + $2 WHERE id = $1", brand_id, count
    )
    return [Member(m, t) for m, t in zip(member_ids, tokens, strict=True)]


def run(main: Coroutine[Any, Any, T]) -> T:
    """asyncio.run on uvloop when it is installed (the client then costs less CPU)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
