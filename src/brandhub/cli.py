"""The ``brandhub`` command: serve, migrate, worker, schema, recount, verify, keys, partner."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

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


def _progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // total if total else width
    percent = 100 * done // total if total else 100
    sys.stderr.write(
        f"\r[{'#' * filled}{' ' * (width - filled)}] {percent:3d}% {done}/{total} events"
    )
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def campaign_pk(text: str) -> int:
    """A campaign given by its numeric id or its global id."""
    if text.isdigit():
        return int(text)
    from brandhub.schema.relay import decode_id

    pk = decode_id(text, "Campaign")
    if pk is None:
        raise SystemExit(f"not a campaign id: {text}")
    return pk


def _recount(args: argparse.Namespace, settings: Settings) -> int:
    from brandhub.db import Database
    from brandhub.errors import NotFound
    from brandhub.voting.recount import recount

    key = None
    if args.key:
        try:
            keyset = _read_keys(args.key)
        except ValueError as error:
            print(f"--key: {error}", file=sys.stderr)
            return 2
        if len(keyset) != 1:
            print("--key: give one public key for the recount", file=sys.stderr)
            return 2
        key = next(iter(keyset.values()))

    async def run() -> int:
        db = Database(settings)
        try:
            async with db.read() as session:
                report = await recount(
                    session,
                    campaign_pk(args.campaign),
                    secret=settings.secret_key,
                    public_key=key,
                    progress=_progress if sys.stderr.isatty() or args.progress else None,
                )
            if args.export:
                exported = await _export(db, report.campaign_id, args.export)
                if exported:
                    return exported
        except NotFound as error:
            print(error.message, file=sys.stderr)
            return 2
        finally:
            await db.dispose()
        print(f"campaign {report.campaign_id}: {report.events} events from {report.voters} voters")
        if report.legacy_events:
            print(f"{report.legacy_events} events predate pseudonymous chains (migration 0007)")
        if report.sealed:
            print("the chain heads, the result and the signed seal agree")
        for difference in report.differences:
            print(f"DIFFERENCE: {difference}")
        print("recount matches the stored tallies and results" if report.ok else "recount FAILED")
        return 0 if report.ok else 1

    return asyncio.run(run())


async def _export(db: object, campaign_id: int, path: str) -> int:
    """Write the audit file; 2 (and no file) when the campaign cannot be exported."""
    from pathlib import Path

    from brandhub.voting.export import LegacyEvents, check_exportable, lines

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        async with db.read() as session:  # type: ignore[attr-defined]
            await check_exportable(session, campaign_id)
            with partial.open("w", encoding="utf-8") as out:
                async for text in lines(session, campaign_id):
                    out.write(text)
    except LegacyEvents as error:
        partial.unlink(missing_ok=True)
        print(f"cannot export: {error}", file=sys.stderr)
        return 2
    partial.replace(target)
    print(f"audit file written to {target}")
    return 0


def _read_keys(text: str) -> dict[str, bytes]:
    """Public keys from --key: base64url of a raw Ed25519 key, or a file holding one, a JWK,
    or the JWK set of /.well-known/brandhub-keys.json. Keyed by key id ("" when unnamed)."""
    import json
    from pathlib import Path

    from brandhub.voting.canonical import from_b64url

    path = Path(text)
    content = path.read_text(encoding="utf-8").strip() if path.is_file() else text.strip()
    if not content.startswith("{"):
        return {"": from_b64url(content, length=32)}
    document = json.loads(content)
    found = document.get("keys", [document]) if isinstance(document, dict) else []
    keys = {
        str(jwk.get("kid", "")): from_b64url(jwk.get("x", ""), length=32)
        for jwk in found
        if isinstance(jwk, dict) and jwk.get("crv") == "Ed25519"
    }
    if not keys:
        raise ValueError("no Ed25519 key found")
    return keys


def _verify(args: argparse.Namespace, _: Settings) -> int:
    import json
    from pathlib import Path

    from brandhub.voting.audit import MalformedAudit
    from brandhub.voting.verify import verify

    try:
        keys = _read_keys(args.key) if args.key else None
        expected = None
        if args.seal:
            document = json.loads(Path(args.seal).read_text(encoding="utf-8"))
            expected = document.get("seal") or (document.get("data") or {}).get("seal") or document
    except (OSError, ValueError) as error:
        print(f"cannot read the key or seal: {error}", file=sys.stderr)
        return 2
    try:
        with open(args.file, "rb") as source:
            report = verify(
                source, keys=keys, expected_seal=expected, allow_unsealed=args.allow_unsealed
            )
    except OSError as error:
        print(f"cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    except MalformedAudit as error:
        print(f"MALFORMED: {error}")
        return 2
    print(f"campaign {report.campaign}: {report.events} events in {report.chains} voter chains")
    if report.sealed:
        print(f"merkle root {report.root}, signed by key {report.key_id} ({report.key_source})")
    for difference in report.differences:
        print(f"DIFFERENCE: {difference}")
    if report.ok:
        print("verified: chains, seal, signature and result all hold")
    else:
        print("verification FAILED")
    return 0 if report.ok else 1


def _keys(args: argparse.Namespace, settings: Settings) -> int:
    from brandhub.columns import utcnow
    from brandhub.db import Database
    from brandhub.voting import keys

    async def run() -> int:
        db = Database(settings)
        try:
            if args.keys_verb == "rotate":
                async with db.unit_of_work() as session:
                    row = await keys.rotate(session, secret=settings.secret_key, now=utcnow())
                print(f"new current key {row.kid}; the old one stays published, retired")
                return 0
            async with db.read() as session:
                rows = await keys.all_keys(session)
        finally:
            await db.dispose()
        if not rows:
            print("no signing key yet: one is created on first start or first close")
        for row in rows:
            state = "current" if row.current else f"retired {row.retired_at:%Y-%m-%d %H:%M}"
            print(f"{row.kid}  {row.public_key}  created {row.created_at:%Y-%m-%d %H:%M}  {state}")
        return 0

    return asyncio.run(run())


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

    count = verbs.add_parser(
        "recount", help="replay a campaign's vote log, check chains, result and signed seal"
    )
    count.add_argument("campaign", help="campaign id (numeric or global)")
    count.add_argument(
        "--export", metavar="FILE", help="also write the audit file (docs/audit-format.md)"
    )
    count.add_argument(
        "--key", metavar="PUBLIC_KEY", help="check the seal's signature with this key instead"
    )
    count.add_argument("--progress", action="store_true", help="show progress even when not a tty")
    count.set_defaults(run=_recount)

    check = verbs.add_parser(
        "verify", help="check an audit file: no database, no secret (exit 0 / 1 / 2 malformed)"
    )
    check.add_argument("file", help="an audit file (NDJSON)")
    check.add_argument(
        "--key",
        metavar="PUBLIC_KEY",
        help="base64url Ed25519 key, or a file with it or with /.well-known/brandhub-keys.json",
    )
    check.add_argument(
        "--seal", metavar="SEAL_JSON", help="a seal held elsewhere (a handoff webhook body)"
    )
    check.add_argument(
        "--allow-unsealed", action="store_true", help="accept a file of a campaign not closed"
    )
    check.set_defaults(run=_verify)

    signing = verbs.add_parser("keys", help="the server's seal-signing keys")
    signing_verbs = signing.add_subparsers(dest="keys_verb", required=True)
    signing_verbs.add_parser("list", help="every key, current and retired").set_defaults(run=_keys)
    signing_verbs.add_parser(
        "rotate", help="retire the current key (it stays published) and start a new one"
    ).set_defaults(run=_keys)

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
