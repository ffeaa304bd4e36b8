"""The databases the suite runs on: always ones it creates for itself, and drops afterwards.

A pinned ``BRANDHUB_TEST_DATABASE_URL`` chooses the backend and the server, never a database
to write into: on PostgreSQL the suite creates a fresh ``brandhub_test_…`` database on that
server (the pinned database is only where it connects to create it); on SQLite the file must
not exist yet (the suite creates it and deletes it at the end). Tests wipe rows between
them, so pointing the suite at a database that holds anything would destroy it.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url


class RefusedDatabase(Exception):
    """A database the suite will not touch, because it did not create it."""


def asyncpg_dsn(url: str) -> str:
    """The plain libpq form of a SQLAlchemy asyncpg URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_postgres(server_url: str) -> str:
    """A new, empty database on the server of ``server_url``; returns its URL."""
    name = f"brandhub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url), timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(server_url: str, url: str) -> None:
    """Drop a database made by :func:`create_postgres` (and only such a one)."""
    name = make_url(url).database or ""
    if not name.startswith("brandhub_test_") or name == make_url(server_url).database:
        raise RefusedDatabase(f"the suite did not create the database {name!r}")
    admin = await asyncpg.connect(asyncpg_dsn(server_url), timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def claim_sqlite(url: str) -> Path:
    """The file of a pinned SQLite URL, if the suite may create it (it must not exist)."""
    path = make_url(url).database
    if not path or path == ":memory:":
        raise RefusedDatabase("pin a SQLite file path: sqlite+aiosqlite:////tmp/brandhub-test.db")
    file = Path(path)
    if file.exists() and file.stat().st_size > 0:
        raise RefusedDatabase(
            f"{file} exists; the suite wipes its database between tests, so it only uses a "
            "SQLite file it creates: pin a path that does not exist yet"
        )
    return file


def remove_sqlite(file: Path) -> None:
    """Delete a SQLite file the suite created, with its WAL and shared-memory files."""
    for part in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        part.unlink(missing_ok=True)
