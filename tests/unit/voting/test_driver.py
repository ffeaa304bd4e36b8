"""The vote writer's statements as each driver receives them (voting/driver.py)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from brandhub.voting import driver


def test_postgres_renders_rows_as_unnest_and_keeps_parameters():
    sql = "INSERT INTO t (a, b) SELECT c0, c1 FROM ROWS($1: int, $2: text) WHERE x = $3"
    assert driver._postgres(sql) == (
        "INSERT INTO t (a, b) SELECT c0, c1 FROM unnest($1::int[], $2::text[]) AS t(c0, c1)"
        " WHERE x = $3"
    )
    assert driver.Postgres(None).rows([1, 2], ["a", "b"]) == [[1, 2], ["a", "b"]]


def test_sqlite_runs_rows_lists_and_trailing_parameters():
    """One JSON parameter carries a ROWS source; its other columns' numbers stay bound when
    a parameter follows them, and are dropped when none does (sqlite3 counts bindings)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)")
    conn.execute("INSERT INTO t VALUES (1, 'x', 10), (2, 'y', 20), (3, 'z', 30)")
    adapter = driver.Sqlite(None)

    def fetch(sql, *args):
        rendered, count = driver._sqlite(sql)
        params = [driver.json.dumps(a) if isinstance(a, list) else a for a in args[:count]]
        return conn.execute(rendered, params).fetchall()

    rows = adapter.rows([1, 3], ["x", "z"])
    joined = "SELECT t.c FROM ROWS($1: int, $2: text) JOIN t ON t.a = c0 AND t.b = c1"
    assert sorted(fetch(joined, *rows)) == [(10,), (30,)]
    followed = joined + " WHERE t.c > $3"
    assert fetch(followed, *rows, 10) == [(30,)]
    listed = "SELECT a FROM t WHERE a = ANY($1) AND c < $2 ORDER BY a"
    assert fetch(listed, [2, 3], 30) == [(2,)]


def test_named_parameters_become_numbered_once_per_name():
    sql, names = driver._positional("UPDATE t SET a = :a + :b WHERE id = :id AND a <> :a")
    assert sql == "UPDATE t SET a = $1 + $2 WHERE id = $3 AND a <> $1"
    assert names == ("a", "b", "id")
    assert driver._positional("SELECT x::int FROM t WHERE y = :y") == (
        "SELECT x::int FROM t WHERE y = $1",
        ("y",),
    )


def test_sqlite_timestamps_as_sqlalchemy_stores_and_reads_them():
    from sqlalchemy.dialects import sqlite

    from brandhub.columns import UTCDateTime

    dialect = sqlite.dialect()
    column = UTCDateTime().dialect_impl(dialect)
    store = column.bind_processor(dialect)
    load = column.result_processor(dialect, None)
    adapter = driver.Sqlite(None)
    for at in (
        datetime(2026, 11, 25, 16, 0, 1, 2345, tzinfo=UTC),
        datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    ):
        assert adapter.stamp(at) == store(at)
        assert adapter.timestamp(store(at)) == load(store(at)) == at
