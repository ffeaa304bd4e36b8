"""What is wrong with the database, in one line: a bad ``BRANDHUB_DATABASE_URL``, a server that
does not answer, a database that is missing or not migrated.

The CLI prints these lines instead of tracebacks; the GraphQL layer answers
``SERVICE_UNAVAILABLE`` when :func:`is_unavailable` says a failure was the database's.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy import exc as sa
from sqlalchemy.engine import URL, make_url

DRIVERS = {
    "postgresql+asyncpg": "postgresql+asyncpg://USER@HOST:5432/DATABASE",
    "sqlite+aiosqlite": "sqlite+aiosqlite:///./brandhub.db",
}
SETTING = "BRANDHUB_DATABASE_URL"
EXAMPLES = " or ".join(DRIVERS.values())

# Exit codes for the CLI: 2 when a setting or the database itself must be fixed,
# 3 when the server did not answer (trying again later may work).
FIX_SETTING = 2
UNREACHABLE = 3


class DatabaseProblem(Exception):
    """One line for the operator, and the CLI's exit code."""

    def __init__(self, message: str, exit_code: int = FIX_SETTING) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def shown(url: str) -> str:
    """The URL as it may be printed: never with its password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.ArgumentError:
        return repr(url) if len(url) <= 80 else repr(url[:80] + "…")


def check_url(url: str, setting: str = SETTING) -> None:
    """Raise ``DatabaseProblem`` unless ``url`` parses and names a supported async driver."""
    try:
        parsed = make_url(url)
    except sa.ArgumentError:
        raise DatabaseProblem(
            f"{setting}={shown(url)} is not a database URL; set it to {EXAMPLES}"
        ) from None
    if parsed.drivername not in DRIVERS:
        raise DatabaseProblem(
            f"{setting}={shown(url)} uses the driver {parsed.drivername!r}, which brandhub "
            f"does not run on; set it to {EXAMPLES}"
        )
    path = parsed.database or ""
    if parsed.drivername.startswith("sqlite") and path and path != ":memory:":
        folder = Path(path.removeprefix("file:").split("?")[0]).parent
        if not folder.is_dir():
            raise DatabaseProblem(
                f"{setting}={shown(url)}: the folder {str(folder)!r} of the SQLite file does "
                f"not exist; create it or set {setting} to e.g. {DRIVERS['sqlite+aiosqlite']}"
            )


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack += [getattr(current, "orig", None), current.__cause__, current.__context__]


def explain(
    error: BaseException, url: str, *, configuration: bool = True
) -> DatabaseProblem | None:
    """The operator's line for a failure to use the database at ``url`` (None: not that).

    ``configuration=False`` leaves out driver problems, which at run time would be bugs.
    """
    where = f"{SETTING}={shown(url)}"
    try:
        parsed: URL | None = make_url(url)
    except sa.ArgumentError:
        parsed = None
    server = f"{parsed.host or 'localhost'}:{parsed.port or 5432}" if parsed else "the server"
    for cause in _chain(error):
        if isinstance(cause, DatabaseProblem):
            return cause
        if configuration and (
            isinstance(cause, sa.ArgumentError | sa.NoSuchModuleError | ModuleNotFoundError)
            or (isinstance(cause, sa.InvalidRequestError) and "async driver" in str(cause))
        ):
            return _bad_driver(url)
        if isinstance(cause, asyncpg.InvalidCatalogNameError):
            name = parsed.database if parsed else "?"
            return DatabaseProblem(
                f"{where}: the database {name!r} does not exist on {server}; create it "
                f"(createdb {name}) or point {SETTING} at an existing one"
            )
        if isinstance(cause, asyncpg.InvalidAuthorizationSpecificationError):
            return DatabaseProblem(
                f"{where}: {server} refused the login ({cause}); set the right user and "
                f"password in {SETTING}"
            )
        if isinstance(cause, asyncpg.UndefinedTableError) or (
            isinstance(cause, sqlite3.OperationalError) and "no such table" in str(cause)
        ):
            return DatabaseProblem(
                f"{where}: the database has no brandhub tables yet; run brandhub migrate"
            )
        if isinstance(cause, sqlite3.OperationalError) and "unable to open" in str(cause):
            return DatabaseProblem(
                f"{where}: cannot open the SQLite file (does its folder exist and is it "
                f"writable?); set {SETTING} to a path you can write, e.g. {DRIVERS['sqlite+aiosqlite']}"
            )
        if isinstance(cause, socket.gaierror):
            host = parsed.host if parsed else "?"
            return DatabaseProblem(
                f"{where}: the host {host!r} does not resolve; fix the host in {SETTING}",
                UNREACHABLE,
            )
        if isinstance(cause, ConnectionRefusedError):
            return DatabaseProblem(
                f"{where}: nothing is listening on {server}; start PostgreSQL there or fix "
                f"the host and port in {SETTING}",
                UNREACHABLE,
            )
        if isinstance(cause, TimeoutError | sa.TimeoutError):
            return DatabaseProblem(
                f"{where}: {server} did not answer in time; check that it is up and reachable",
                UNREACHABLE,
            )
        if isinstance(
            cause,
            asyncpg.PostgresConnectionError
            | asyncpg.exceptions.OperatorInterventionError
            | asyncpg.exceptions.InsufficientResourcesError
            | OSError,
        ):
            return DatabaseProblem(
                f"{where}: the database server is unavailable ({type(cause).__name__}: "
                f"{cause}); check that it is up",
                UNREACHABLE,
            )
    return None


def _bad_driver(url: str) -> DatabaseProblem:
    try:
        check_url(url)
    except DatabaseProblem as problem:
        return problem
    return DatabaseProblem(f"{SETTING}={shown(url)}: the driver cannot be loaded; reinstall")


def is_unavailable(error: BaseException) -> bool:
    """True when ``error`` came from the database being unreachable, missing or not migrated."""
    for cause in _chain(error):
        if isinstance(cause, sa.DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
            return True
    return explain(error, "", configuration=False) is not None
