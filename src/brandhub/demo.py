"""Demo data for a first look (``brandhub serve --demo``)."""

from __future__ import annotations

import logging

from sqlalchemy import select

from brandhub.auth import service as auth
from brandhub.auth.models import Member
from brandhub.auth.passwords import Passwords
from brandhub.columns import utcnow
from brandhub.db import Database
from brandhub.settings import Settings

log = logging.getLogger("brandhub.demo")

DEMO_PASSWORD = "demo-password-123"


async def seed(settings: Settings) -> None:
    """Create demo accounts once (idempotent)."""
    db = Database(settings)
    try:
        async with db.unit_of_work() as session:
            if await session.scalar(
                select(Member.id).where(Member.email_key == "ada@demo.brandhub")
            ):
                return
            now = utcnow()
            passwords = Passwords(settings)
            for email, name in [("ada@demo.brandhub", "Ada"), ("bo@demo.brandhub", "Bo")]:
                await auth.sign_up(
                    session,
                    passwords=passwords,
                    email=email,
                    password=DEMO_PASSWORD,
                    display_name=name,
                    now=now,
                    ttl=settings.token_ttl,
                )
        log.info("demo accounts: ada@demo.brandhub / bo@demo.brandhub, password %s", DEMO_PASSWORD)
    finally:
        await db.dispose()
