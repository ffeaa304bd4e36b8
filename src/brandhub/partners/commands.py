"""The partner side of the ``brandhub`` command: ``partner create``, ``partner issue-key``
and ``webhooks listen`` (a local receiver for development)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from brandhub.settings import Settings

USAGE = 2  # as argparse's own errors: the command or its arguments must change


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


async def _announce_revocation(settings: Settings, partner_id: int) -> None:
    """Tell the app processes (through Redis, when configured) the old keys are revoked."""
    if settings.redis_url is None:
        return  # each process's cached principals end within principal_cache_seconds
    from redis.asyncio import Redis

    from brandhub.auth.principal_cache import PrincipalCache, partner_marker

    redis = Redis.from_url(settings.redis_url)
    try:
        cache = PrincipalCache(seconds=0, size=0, redis=redis, namespace=settings.redis_namespace)
        await cache.revoke([partner_marker(partner_id)])
    finally:
        await redis.aclose()


def _partner_issue_key(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from brandhub.auth.service import create_partner_api_key
    from brandhub.columns import utcnow
    from brandhub.db import Database
    from brandhub.partners.models import Partner
    from brandhub.partners.registration import rotate_api_key

    async def run() -> str | None:
        db = Database(settings)
        try:
            async with db.unit_of_work() as session:
                partner = await session.scalar(select(Partner).where(Partner.slug == args.slug))
                if partner is None:
                    return None
                if args.keep_others:
                    assert partner.id is not None
                    return await create_partner_api_key(
                        session, partner_id=partner.id, now=utcnow()
                    )
                key = await rotate_api_key(session, partner=partner, now=utcnow())
            await _announce_revocation(settings, partner.id or 0)
            return key
        finally:
            await db.dispose()

    key = asyncio.run(run())
    if key is None:
        print(f"brandhub partner issue-key: no partner with slug {args.slug!r}", file=sys.stderr)
        return USAGE
    # stdout only, never a log line: the key is shown once and stored hashed.
    others = "kept" if args.keep_others else "revoked"
    print(f"api key for {args.slug} (shown once; its other keys are {others}):", file=sys.stderr)
    print(key)
    return 0


def _webhooks_listen(args: argparse.Namespace, _: Settings) -> int:
    from brandhub.partners.listener import Listener

    try:
        listener = Listener(
            (args.host, args.port), secrets=args.secret or [], out=sys.stdout, status=args.status
        )
    except OSError as error:
        print(
            f"brandhub webhooks listen: cannot listen on {args.host}:{args.port}: {error.strerror}",
            file=sys.stderr,
        )
        return USAGE
    checked = (
        f"checking signatures with {len(args.secret)} secret(s)"
        if args.secret
        else "not checking signatures (no --secret)"
    )
    print(f"listening on {listener.url} ({checked}); Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        listener.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        listener.server_close()
    return 0


def add_partner_commands(verbs: Any) -> None:
    """Add ``partner`` and ``webhooks`` to the command's subparsers."""
    partner = verbs.add_parser("partner", help="manage manufacturer partners")
    partner_verbs = partner.add_subparsers(dest="partner_verb", required=True)
    create = partner_verbs.add_parser("create", help="register a partner; prints its key once")
    create.add_argument("--slug", required=True)
    create.add_argument("--name", required=True)
    create.add_argument("--powered-by", required=True, help='shown as "Powered by <label>"')
    create.add_argument("--category", action="append", required=True, help="repeatable")
    create.add_argument("--webhook-url", help="https endpoint for Standard Webhooks")
    create.set_defaults(run=_partner_create)
    issue = partner_verbs.add_parser(
        "issue-key", help="issue a new API key for a partner (printed once; others revoked)"
    )
    issue.add_argument("slug")
    issue.add_argument(
        "--keep-others", action="store_true", help="do not revoke the partner's other keys"
    )
    issue.set_defaults(run=_partner_issue_key)

    webhooks = verbs.add_parser("webhooks", help="tools for webhook receivers")
    webhook_verbs = webhooks.add_subparsers(dest="webhooks_verb", required=True)
    listen = webhook_verbs.add_parser(
        "listen", help="a local receiver: print each delivery and verify its signature"
    )
    listen.add_argument("--host", default="127.0.0.1")
    listen.add_argument("--port", type=int, default=9000)
    listen.add_argument(
        "--secret",
        action="append",
        metavar="WHSEC",
        help="the partner's webhook secret (repeatable: any one may match, as during a rotation)",
    )
    listen.add_argument(
        "--status", type=int, help="answer this HTTP status instead (500: watch retries)"
    )
    listen.set_defaults(run=_webhooks_listen, database=False)
