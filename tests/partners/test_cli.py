"""``brandhub partner create``: an operator registers a partner and sees its key once."""

from __future__ import annotations

import asyncio
import logging
import re

from brandhub.auth.service import authenticate
from brandhub.cli import main
from brandhub.columns import utcnow
from brandhub.db import Database
from brandhub.migrate import upgrade
from tests.conftest import make_settings


def test_partner_create_prints_a_working_key_and_a_secret(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("BRANDHUB_DATABASE_URL", url)
    monkeypatch.setenv("BRANDHUB_WEBHOOK_ALLOW_PRIVATE", "true")
    asyncio.run(upgrade(make_settings(url)))
    argv = ["partner", "create", "--slug", "acme", "--name", "Acme Foods", "--powered-by", "Acme"]
    argv += [
        "--category",
        "recipe",
        "--category",
        "Sauces",
        "--webhook-url",
        "http://127.0.0.1:9/h",
    ]
    assert main(argv) == 0
    lines = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines()[1:])
    key, secret = lines["api key"].strip(), lines["webhook secret"].strip()
    assert secret.startswith("whsec_")

    async def check() -> None:
        db = Database(make_settings(url))
        try:
            async with db.read() as session:
                principal = await authenticate(session, key, now=utcnow())
        finally:
            await db.dispose()
        assert principal is not None and principal.partner is not None
        assert (principal.partner.slug, principal.partner.categories) == (
            "acme",
            ["recipe", "sauces"],
        )
        assert principal.partner.admin_id is None

    asyncio.run(check())
    assert main(argv) == 2  # the slug is taken now
    assert "slug" in capsys.readouterr().err


FULL_KEY = re.compile(r"bhp_[A-Za-z0-9_-]{40,}")


def _migrated(tmp_path, monkeypatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("BRANDHUB_DATABASE_URL", url)
    asyncio.run(upgrade(make_settings(url)))
    return url


def _partner_of(url: str, key: str):
    async def check():
        db = Database(make_settings(url))
        try:
            async with db.read() as session:
                principal = await authenticate(session, key, now=utcnow())
        finally:
            await db.dispose()
        return principal.partner if principal else None

    return asyncio.run(check())


class TestIssueKey:
    def test_the_demo_partner_key_is_never_logged_and_can_be_issued(
        self, tmp_path, monkeypatch, capsys, caplog
    ):
        from brandhub import logs
        from brandhub.demo import seed

        url = _migrated(tmp_path, monkeypatch)
        logs.configure("DEBUG")  # as `brandhub serve` does, at the most verbose level
        caplog.set_level(logging.DEBUG)
        asyncio.run(seed(make_settings(url)))
        assert not FULL_KEY.search(caplog.text) and "whsec_" not in caplog.text
        assert "soupworks" in caplog.text  # the operator is told which partner to ask a key for

        caplog.clear()
        assert main(["partner", "issue-key", "soupworks"]) == 0
        out = capsys.readouterr()
        key = out.out.strip()
        assert key.startswith("bhp_") and "\n" not in key  # stdout: the key alone, for scripts
        assert key not in caplog.text and key not in out.err
        partner = _partner_of(url, key)
        assert partner is not None and partner.slug == "soupworks"

    def test_a_new_key_revokes_the_others_unless_kept(self, tmp_path, monkeypatch, capsys):
        url = _migrated(tmp_path, monkeypatch)
        argv = ["partner", "create", "--slug", "acme", "--name", "Acme", "--powered-by", "Acme"]
        assert main([*argv, "--category", "recipe"]) == 0
        first = dict(line.split(":", 1) for line in capsys.readouterr().out.splitlines()[1:])
        first_key = first["api key"].strip()
        assert main(["partner", "issue-key", "acme", "--keep-others"]) == 0
        kept = capsys.readouterr().out.strip()
        assert _partner_of(url, first_key) is not None and _partner_of(url, kept) is not None
        assert main(["partner", "issue-key", "acme"]) == 0
        rotated = capsys.readouterr().out.strip()
        assert _partner_of(url, rotated) is not None
        assert _partner_of(url, first_key) is None and _partner_of(url, kept) is None

    def test_an_unknown_partner_is_a_usage_error(self, tmp_path, monkeypatch, capsys):
        _migrated(tmp_path, monkeypatch)
        assert main(["partner", "issue-key", "nobody"]) == 2
        out = capsys.readouterr()
        assert out.out == "" and "nobody" in out.err
