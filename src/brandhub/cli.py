"""The ``brandhub`` command: serve, migrate, worker, schema, recount, verify, keys, partner."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from brandhub import logs
from brandhub.audit_commands import add_audit_commands
from brandhub.database_errors import check_url, explain
from brandhub.partners.commands import add_partner_commands
from brandhub.settings import Settings

# Exit codes: 1 is kept for "recount found a difference"; 2 means the command was wrong
# (bad arguments, an unknown campaign, a setting to fix), as argparse's own errors do.
DIFFERENCE = 1
USAGE = 2


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from brandhub.migrate import upgrade

    if settings.is_sqlite or args.migrate:
        asyncio.run(upgrade(settings))
    if args.demo:
        from brandhub.demo import seed

        asyncio.run(seed(settings))
    if args.workers > 1 and settings.redis_url is None:
        # Without Redis, a revocation could not reach the other workers' principal caches.
        os.environ["BRANDHUB_PRINCIPAL_CACHE_SECONDS"] = "0"
    uvicorn.run(
        "brandhub.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        # brandhub's request log replaces uvicorn's access log (one format, with request ids).
        log_config=logs.log_config(settings.log_level),
        access_log=False,
        # brandhub reads forwarded headers itself, from BRANDHUB_TRUSTED_PROXIES only.
        proxy_headers=False,
        # No permessage-deflate: each socket would compress every live push on its own
        # (bench/README.md §9: 3x the push time and +87 MB at 2,000 subscribers); the same
        # frame is written to every subscriber instead.
        ws_per_message_deflate=False,
    )
    return 0


def _migrate(_: argparse.Namespace, settings: Settings) -> int:
    from brandhub.migrate import upgrade

    asyncio.run(upgrade(settings))
    print("database is at the latest migration")
    return 0


async def _ping(settings: Settings) -> None:
    from brandhub.db import Database

    db = Database(settings)
    try:
        await db.ping()
    finally:
        await db.dispose()


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from brandhub.jobs.worker import create_worker

    if not settings.redis_url:
        print("brandhub worker needs BRANDHUB_REDIS_URL (without it, jobs run in-process).")
        return 2
    asyncio.run(_ping(settings))
    worker = create_worker(settings, burst=args.burst)
    worker.run()
    return 0


def _schema(_: argparse.Namespace, settings: Settings) -> int:
    from brandhub.schema import build_schema

    sys.stdout.write(build_schema(settings).as_str() + "\n")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per verb."""
    root = argparse.ArgumentParser(prog="brandhub", description=__doc__)
    # Commands that touch the database get their BRANDHUB_DATABASE_URL checked first.
    root.set_defaults(database=True)
    verbs = root.add_subparsers(dest="verb", required=True)

    serve = verbs.add_parser("serve", help="serve the GraphQL API (migrates SQLite on start)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    serve.add_argument("--migrate", action="store_true", help="also migrate PostgreSQL on start")
    serve.add_argument("--demo", action="store_true", help="seed demo data first")
    serve.set_defaults(run=_serve)

    verbs.add_parser("migrate", help="upgrade the database to the latest migration").set_defaults(
        run=_migrate
    )

    worker = verbs.add_parser("worker", help="run an arq worker (needs BRANDHUB_REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(run=_worker)

    verbs.add_parser("schema", help="print the GraphQL SDL").set_defaults(
        run=_schema, database=False
    )

    add_audit_commands(verbs)

    add_partner_commands(verbs)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        for problem in error.errors():
            name = "BRANDHUB_" + "_".join(str(part) for part in problem["loc"]).upper()
            print(f"brandhub: {name}: {problem['msg']}", file=sys.stderr)
        return USAGE
    logs.configure(settings.log_level)
    try:
        if args.database:
            check_url(settings.database_url)
            if settings.read_database_url:
                check_url(settings.read_database_url, "BRANDHUB_READ_DATABASE_URL")
        return args.run(args, settings)
    except Exception as error:
        problem = explain(error, settings.database_url)
        if problem is None:
            raise
        # One line saying what is wrong and what to set, not a traceback.
        print(f"brandhub: {problem.message}", file=sys.stderr)
        return problem.exit_code


if __name__ == "__main__":
    raise SystemExit(main())
