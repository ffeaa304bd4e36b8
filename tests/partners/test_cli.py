"""``brandhub partner create``: an operator registers a partner and sees its key once."""

from __future__ import annotations

import asyncio

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
