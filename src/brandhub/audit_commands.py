"""The audit verbs of the ``brandhub`` command: recount, verify, keys."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brandhub.settings import Settings

if TYPE_CHECKING:
    from brandhub.db import Database


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
    """A campaign given by its numeric id or its global id (a usage error otherwise)."""
    if text.isdigit():
        return int(text)
    from brandhub.schema.relay import decode_id

    pk = decode_id(text, "Campaign")
    if pk is None:
        raise argparse.ArgumentTypeError(
            f"not a campaign id: {text!r} (give 12 or Q2FtcGFpZ246MTI=)"
        )
    return pk


def _writable(target: Path) -> str | None:
    """Why ``target`` cannot be written (checked before a long recount), or None."""
    folder = target.parent
    if not folder.is_dir():
        return f"cannot write {target}: no folder {folder}"
    if not os.access(folder, os.W_OK):
        return f"cannot write {target}: the folder is not writable"
    return None


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

    if args.export and (problem := _writable(Path(args.export))):
        print(f"brandhub recount: {problem}", file=sys.stderr)
        return 2

    async def run() -> int:
        db = Database(settings)
        try:
            async with db.read() as session:
                report = await recount(
                    session,
                    args.campaign,
                    secret=settings.secret_key,
                    public_key=key,
                    progress=_progress if sys.stderr.isatty() or args.progress else None,
                )
            if args.export:
                exported = await _export(db, report.campaign_id, args.export)
                if exported:
                    return exported
        except NotFound as error:
            print(f"brandhub recount: {error.message}", file=sys.stderr)
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


async def _export(db: Database, campaign_id: int, path: str) -> int:
    """Write the audit file; 2 (and no file) when the campaign cannot be exported."""
    from brandhub.voting.export import LegacyEvents, check_exportable, lines

    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        async with db.read() as session:
            await check_exportable(session, campaign_id)
            with partial.open("w", encoding="utf-8") as out:
                async for text in lines(session, campaign_id):
                    out.write(text)
    except LegacyEvents as error:
        partial.unlink(missing_ok=True)
        print(f"cannot export: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        partial.unlink(missing_ok=True)
        print(f"brandhub recount: cannot write {target}: {error.strerror}", file=sys.stderr)
        return 2
    partial.replace(target)
    print(f"audit file written to {target}")
    return 0


def _read_keys(text: str) -> dict[str, bytes]:
    """Public keys from --key: base64url of a raw Ed25519 key, or a file holding one, a JWK,
    or the JWK set of /.well-known/brandhub-keys.json. Keyed by key id ("" when unnamed)."""
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
    if report.crossings:
        print(f"ladder: {report.crossings} stage crossings checked against the chains")
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


def add_audit_commands(verbs: Any) -> None:
    """Register recount, verify and keys on the command's subparsers."""
    count = verbs.add_parser(
        "recount", help="replay a campaign's vote log, check chains, result and signed seal"
    )
    count.add_argument("campaign", type=campaign_pk, help="campaign id (numeric or global)")
    count.add_argument(
        "--export", metavar="FILE", help="also write the audit file (docs/audit-format.md)"
    )
    count.add_argument(
        "--key",
        metavar="PUBLIC_KEY",
        help="check the seal's signature with this key instead (--key=KEY when it starts with -)",
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
        help="base64url Ed25519 key (--key=KEY when it starts with -), or a file with it or "
        "with /.well-known/brandhub-keys.json",
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
