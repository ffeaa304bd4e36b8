"""The suite never wipes a database it did not create, whatever BRANDHUB_TEST_DATABASE_URL says."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, unavailable
from tests.databases import (
    RefusedDatabase,
    asyncpg_dsn,
    claim_sqlite,
    create_postgres,
    drop_postgres,
)

ROOT = Path(__file__).parents[2]


def run_suite_on(
    url: str, test: str = "tests/db/test_migrations.py"
) -> subprocess.CompletedProcess:
    """Run part of the suite as `make test` would, pinned to ``url``."""
    env = {**os.environ, "BRANDHUB_TEST_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class TestPinnedSqlite:
    def test_an_existing_file_is_refused(self, tmp_path):
        precious = tmp_path / "precious.db"
        with sqlite3.connect(precious) as db:
            db.execute("CREATE TABLE member (email TEXT)")
            db.execute("INSERT INTO member VALUES ('ada@example.com')")
        with pytest.raises(RefusedDatabase, match="exists"):
            claim_sqlite(f"sqlite+aiosqlite:///{precious}")

    def test_a_new_path_is_claimed(self, tmp_path):
        assert claim_sqlite(f"sqlite+aiosqlite:///{tmp_path / 'new.db'}") == tmp_path / "new.db"

    def test_the_suite_stops_before_touching_an_existing_file(self, tmp_path):
        precious = tmp_path / "precious.db"
        with sqlite3.connect(precious) as db:
            db.execute("CREATE TABLE member (email TEXT)")
            db.execute("INSERT INTO member VALUES ('ada@example.com')")
        result = run_suite_on(f"sqlite+aiosqlite:///{precious}")
        assert result.returncode != 0
        assert "exists" in result.stdout + result.stderr
        with sqlite3.connect(precious) as db:
            assert db.execute("SELECT email FROM member").fetchall() == [("ada@example.com",)]

    def test_a_pinned_new_file_is_used_then_removed(self, tmp_path):
        target = tmp_path / "pinned.db"
        result = run_suite_on(f"sqlite+aiosqlite:///{target}")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "passed" in result.stdout
        assert not target.exists()


@pytest.fixture
async def someone_elses_database():
    """A PostgreSQL database holding a row that is not the suite's."""
    try:
        url = await create_postgres(POSTGRES_URL)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable("PostgreSQL", exc)
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute("CREATE TABLE member (email text)")
        await connection.execute("INSERT INTO member VALUES ('ada@example.com')")
    finally:
        await connection.close()
    yield url
    await drop_postgres(POSTGRES_URL, url)


async def rows(url: str) -> list[str]:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return [r["email"] for r in await connection.fetch("SELECT email FROM member")]
    finally:
        await connection.close()


class TestPinnedPostgres:
    async def test_the_suite_runs_in_a_fresh_database_beside_the_pinned_one(
        self, someone_elses_database
    ):
        result = run_suite_on(someone_elses_database)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "passed" in result.stdout
        assert await rows(someone_elses_database) == ["ada@example.com"]

    async def test_only_databases_the_suite_made_are_dropped(self, someone_elses_database):
        name = make_url(someone_elses_database).database
        server = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        with pytest.raises(RefusedDatabase):
            await drop_postgres(server, someone_elses_database)  # it is the pinned one
        with pytest.raises(RefusedDatabase):
            await drop_postgres(POSTGRES_URL, make_url(POSTGRES_URL).set(database="postgres"))
