"""The writer's own driver connection, for the set-based batch's statements.

A batch's statements run on the connection of its unit of work, inside its transaction (so
commit and rollback are unchanged), but straight on the driver — asyncpg, or sqlite3 through
aiosqlite — without SQLAlchemy's per-statement (compile, cache key, parameter processing)
and per-row (result processors, row objects) layers.

Statements are written once, in PostgreSQL's style: ``$n`` parameters, ``= ANY($n)`` for
a list of ids, and ``ROWS($n: type, …)`` for a set of rows given column by column (rendered
``unnest`` on PostgreSQL); ``executemany_named`` also runs the ``:name`` statements of
``voting.statements`` that the per-change path shares. ``Sqlite`` renders them for SQLite (``?n``, ``json_each``) and
converts what sqlite3 does not store as SQLAlchemy does (timestamps as naive UTC text,
booleans as 0/1), so rows written here read back through SQLAlchemy as before.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

_ANY = re.compile(r"= ANY\(\$(\d+)\)")
_ROWS = re.compile(r"ROWS\(([^)]*)\)")
_PARAM = re.compile(r"\$(\d+)")
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class Driver(Protocol):
    """What the batch needs of a connection."""

    async def fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        """The rows of a query (a tuple-like row per result row)."""
        ...

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each row of parameters."""
        ...

    async def executemany_named(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement with ``:name`` parameters once per mapping."""
        ...

    def rows(self, *columns: Sequence[Any]) -> list[Any]:
        """The parameters of a ``ROWS(…)`` source, from its columns."""
        ...

    def stamp(self, value: datetime) -> Any:
        """A timestamp as a parameter."""
        ...

    def timestamp(self, value: Any) -> datetime:
        """A timestamp read back, aware in UTC."""
        ...


async def driver_of(session: AsyncSession) -> Driver:
    """The session's driver connection, its transaction begun."""
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    if connection.dialect.name == "sqlite":
        assert raw.in_transaction, "the unit of work begins its transaction (BEGIN IMMEDIATE)"
        return Sqlite(raw)
    if not raw.is_in_transaction():
        # SQLAlchemy's asyncpg adapter begins the transaction at its first statement; begin
        # it as that statement would (BEGIN alone, one round trip), else with a statement.
        adapted = (await connection.get_raw_connection()).dbapi_connection
        if getattr(adapted, "_transaction", False) is None and hasattr(
            adapted, "_start_transaction"
        ):
            await adapted._start_transaction()
        else:
            await connection.exec_driver_sql("SELECT 1")
    assert raw.is_in_transaction()
    return Postgres(raw)


class _Named:
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    async def executemany_named(self, sql: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run a statement with ``:name`` parameters once per mapping."""
        positional, names = _positional(sql)
        await self.executemany(positional, [tuple(row[n] for n in names) for row in rows])


class Postgres(_Named):
    """asyncpg: statements as written; a ``ROWS`` source is ``unnest`` of one array per column."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        return await self.connection.fetch(_postgres(sql), *args)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self.connection.executemany(_postgres(sql), rows)

    def rows(self, *columns: Sequence[Any]) -> list[Any]:
        return [list(column) for column in columns]

    def stamp(self, value: datetime) -> Any:
        return value

    def timestamp(self, value: Any) -> datetime:
        return value.astimezone(UTC)


class Sqlite(_Named):
    """sqlite3 through aiosqlite: ``?n`` parameters; a list is a JSON array read with
    ``json_each``, a ``ROWS`` source a JSON array of rows in its first parameter."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection

    async def fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        rendered, count = _sqlite(sql)
        params = [json.dumps(a) if isinstance(a, list) else a for a in args[:count]]
        return await self.connection.execute_fetchall(rendered, params)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        rendered, count = _sqlite(sql)
        await self.connection.executemany(rendered, [row[:count] for row in rows])

    def rows(self, *columns: Sequence[Any]) -> list[Any]:
        # One JSON parameter in the first column's place; the others' numbers stay bound
        # (to nothing) when a later parameter follows, and are dropped when none does.
        rows = json.dumps([list(row) for row in zip(*columns, strict=True)])
        return [rows, *[None] * (len(columns) - 1)]

    def stamp(self, value: datetime) -> Any:
        # As SQLAlchemy's SQLite DATETIME stores UTCDateTime's naive UTC value.
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def timestamp(self, value: Any) -> datetime:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)


@functools.cache
def _positional(sql: str) -> tuple[str, tuple[str, ...]]:
    """``:name`` parameters as ``$n`` (each name one number), and the names in order."""
    names: list[str] = []

    def number(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    return _NAMED.sub(number, sql), tuple(names)


@functools.cache
def _postgres(sql: str) -> str:
    def rows(match: re.Match[str]) -> str:
        columns = [c.split(":") for c in match.group(1).split(",")]
        arrays = ", ".join(f"{p.strip()}::{t.strip()}[]" for p, t in columns)
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        return f"unnest({arrays}) AS t({names})"

    return _ROWS.sub(rows, sql)


@functools.cache
def _sqlite(sql: str) -> tuple[str, int]:
    """The statement for sqlite3, and how many parameters it binds (its highest number)."""

    def rows(match: re.Match[str]) -> str:
        columns = [c.split(":")[0].strip() for c in match.group(1).split(",")]
        picks = ", ".join(f"json_extract(value, '$[{i}]') AS c{i}" for i in range(len(columns)))
        return f"(SELECT {picks} FROM json_each({columns[0]})) AS t"

    sql = _ROWS.sub(rows, sql)
    sql = _ANY.sub(lambda m: f"IN (SELECT value FROM json_each(${m.group(1)}))", sql)
    count = max((int(n) for n in _PARAM.findall(sql)), default=0)
    return _PARAM.sub(lambda m: f"?{m.group(1)}", sql), count
