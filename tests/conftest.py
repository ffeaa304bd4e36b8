"""Test fixtures: every database test runs on SQLite and on PostgreSQL, schema built by Alembic.

Variables (see the README's "Running the tests"):
- ``BRANDHUB_TEST_DATABASE_URL`` pins one backend: a PostgreSQL URL runs the suite on that
  server only (in a fresh database the suite creates there), a SQLite URL on that file only
  (which must not exist yet). The suite never writes into a database it did not create.
- ``BRANDHUB_TEST_POSTGRES_URL`` is the PostgreSQL server otherwise (default: the local one).
- ``BRANDHUB_TEST_REDIS_URL`` is the Redis of the job and broadcast tests (default:
  redis://127.0.0.1:6379/15); the suite only touches keys of its own per-run namespace.
- ``CI``: when set, a missing PostgreSQL or Redis fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from hypothesis import settings as hypothesis_settings
from sqlalchemy import delete
from starlette.applications import Starlette

from brandhub.app import create_app
from brandhub.db import Database
from brandhub.migrate import upgrade
from brandhub.models import metadata
from brandhub.settings import Settings
from brandhub.state import AppState
from tests.databases import (
    RefusedDatabase,
    claim_sqlite,
    create_postgres,
    drop_postgres,
    remove_sqlite,
)

IN_CI = bool(os.environ.get("CI"))
# Property tests judge results, never speed: a loaded machine must not fail them on time.
hypothesis_settings.register_profile("brandhub", deadline=None)
hypothesis_settings.load_profile("brandhub")
PINNED_URL = os.environ.get("BRANDHUB_TEST_DATABASE_URL")
POSTGRES_URL = os.environ.get(
    "BRANDHUB_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("BRANDHUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Keys and channels of this run start with it: runs sharing a Redis never see each other's
# keys, and the suite deletes only its own (never FLUSHDB).
REDIS_NAMESPACE = f"brandhub-test-{uuid.uuid4().hex[:12]}"

BACKENDS = [PINNED_URL] if PINNED_URL else ["sqlite", "postgresql"]


def unavailable(what: str, error: BaseException) -> None:
    """Skip locally, fail in CI, when a service the test needs is down."""
    message = f"{what} is not reachable: {error!r}"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def make_settings(url: str, **overrides: Any) -> Settings:
    """Settings for tests: cheap argon2, no Redis unless asked."""
    values: dict[str, Any] = {
        "database_url": url,
        "redis_url": None,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 1024,
        "argon2_parallelism": 1,
        "secret_key": "test-secret",
        "webhook_allow_private": True,
        "redis_namespace": REDIS_NAMESPACE,
        # Tests sign up many members from one address; the limit has tests of its own.
        "signup_limits": "10000/minute",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database of each backend that the suite creates, migrates, and drops at the end."""
    backend = request.param
    if backend == "sqlite" or backend.startswith("sqlite"):
        if backend == "sqlite":
            file: Path = tmp_path_factory.mktemp("db") / "brandhub.db"
        else:
            try:
                file = claim_sqlite(backend)
            except RefusedDatabase as refusal:
                pytest.exit(f"BRANDHUB_TEST_DATABASE_URL: {refusal}", returncode=4)
        url = f"sqlite+aiosqlite:///{file}"
        try:
            await upgrade(make_settings(url))
            yield url
        finally:
            remove_sqlite(file)
        return
    server = POSTGRES_URL if backend == "postgresql" else backend
    try:
        url = await create_postgres(server)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    try:
        await upgrade(make_settings(url))
        yield url
    finally:
        await drop_postgres(server, url)


@pytest.fixture
def backend(database_url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


async def wipe(url: str) -> None:
    """Delete every row, children first."""
    db = Database(make_settings(url))
    try:
        async with db.unit_of_work() as session:
            for table in reversed(metadata.sorted_tables):
                await session.execute(delete(table))
    finally:
        await db.dispose()


class Clock:
    """A clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
async def app(settings: Settings, clock: Clock) -> AsyncIterator[Starlette]:
    """The real application with its lifespan running, on a clean database."""
    application = create_app(settings)
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=60):
        application.state.brandhub.clock = clock
        yield application
        jobs = application.state.brandhub.jobs
        if hasattr(jobs, "drain"):
            await jobs.drain()
    await wipe(settings.database_url)


@pytest.fixture
def state(app: Starlette) -> AppState:
    return app.state.brandhub


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


GQL = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GQL:
    """Send a GraphQL document as a client would; return the whole response body."""

    async def send(
        query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    return send


SIGN_UP = """
mutation SignUp($input: SignUpInput!) {
  signUp(input: $input) { token viewer { id displayName email } errors { code message field } }
}
"""


@pytest.fixture
def sign_up(gql: GQL) -> Callable[..., Awaitable[str]]:
    """Create a member through the API and return their bearer token."""

    async def create(email: str = "ada@example.com", display_name: str = "Ada") -> str:
        body = await gql(
            SIGN_UP,
            {
                "input": {
                    "email": email,
                    "password": "correct horse battery",
                    "displayName": display_name,
                }
            },
        )
        payload = body["data"]["signUp"]
        assert payload["errors"] == [], payload
        return payload["token"]

    return create


async def forget_queue(pool: Any, queue_name: str) -> None:
    """What a Redis restart does to one arq queue: the queue and its jobs are gone."""
    ids = await pool.zrange(queue_name, 0, -1)
    await pool.delete(queue_name, *(b"arq:job:" + job_id for job_id in ids))


@pytest.fixture(scope="session")
async def redis_url() -> AsyncIterator[str]:
    """A reachable Redis; at the end, the keys of this run's namespace are deleted."""
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        unavailable("Redis", exc)
    try:
        yield REDIS_URL
    finally:
        async for key in client.scan_iter(match=f"{REDIS_NAMESPACE}:*"):
            await client.delete(key)
        await client.aclose()
