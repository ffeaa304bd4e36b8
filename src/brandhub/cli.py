"""The ``brandhub`` command: serve, migrate, worker, schema, recount, verify, keys, partner."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from brandhub.audit_commands import add_audit_commands
from brandhub.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from brandhub.migrate import upgrade

    if settings.is_sqlite or args.migrate:
        asyncio.run(upgrade(settings))
    if args.demo:
        from brandhub.demo import seed

        asyncio.run(seed(settings))
    uvicorn.run(
        "brandhub.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
    )
    return 0


def _migrate(_: argparse.Namespace, settings: Settings) -> int:
    from brandhub.migrate import upgrade

    asyncio.run(upgrade(settings))
    print("database is at the latest migration")
    return 0


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from brandhub.jobs.worker import create_worker

    if not settings.redis_url:
        print("brandhub worker needs BRANDHUB_REDIS_URL (without it, jobs run in-process).")
        return 2
    worker = create_worker(settings, burst=args.burst)
    worker.run()
    return 0


def _schema(_: argparse.Namespace, settings: Settings) -> int:
    from brandhub.schema import build_schema

    sys.stdout.write(build_schema(settings).as_str() + "\n")
    return 0


def _partner_create(args: argparse.Namespace, settings: Settings) -> int:
    from brandhub.columns import utcnow
    from brandhub.db import Database
    from brandhub.errors import DomainError, ManyErrors
    from brandhub.partners.registration import register_partner

    async def run() -> int:
        db = Database(settings)
        try:
            async with db.unit_of_work() as session:
                partner, key, secret = await register_partner(
                    session,
                    admin=None,
                    slug=args.slug,
                    name=args.name,
                    powered_by_label=args.powered_by,
                    categories=args.category,
                    webhook_url=args.webhook_url,
                    allow_private=settings.webhook_allow_private,
                    now=utcnow(),
                )
        except DomainError as error:
            for problem in error.errors if isinstance(error, ManyErrors) else [error]:
                print(f"{'.'.join(problem.field or [])}: {problem.message}", file=sys.stderr)
            return 2
        finally:
            await db.dispose()
        print(f"partner {partner.slug} (id {partner.id}) created; shown once, store them now:")
        print(f"api key:        {key}")
        print(f"webhook secret: {secret}")
        return 0

    return asyncio.run(run())


def parser() -> argparse.ArgumentParser:
    """The argument parser, one subcommand per verb."""
    root = argparse.ArgumentParser(prog="brandhub", description=__doc__)
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

    verbs.add_parser("schema", help="print the GraphQL SDL").set_defaults(run=_schema)

    add_audit_commands(verbs)

    partner = verbs.add_parser("partner", help="manage manufacturer partners")
    partner_verbs = partner.add_subparsers(dest="partner_verb", required=True)
    create = partner_verbs.add_parser("create", help="register a partner; prints its key once")
    create.add_argument("--slug", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--powered-by", required=True, help='shown as "Powered by <label>"')
    create.add_argument("--category", action="append", required=True, help="repeatable")
    create.add_argument("--webhook-url", help="https endpoint for Standard Webhooks")
    create.set_defaults(run=_partner_create)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    return args.run(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
