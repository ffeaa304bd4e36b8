"""Seeding a SQLite benchmark database: the rows benchlib writes on PostgreSQL with asyncpg
(proposal copies, members with tokens and memberships), through the standard sqlite3."""

from __future__ import annotations

import re
import secrets
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def _stamp(moment: datetime) -> str:
    """How SQLAlchemy stores brandhub's UTC timestamps in SQLite."""
    return moment.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


class SqliteConn:
    """The few calls benchlib's seeding makes on an asyncpg connection, on a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA busy_timeout=30000")

    async def fetch(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.db.execute(re.sub(r"\$\d+", "?", sql), args).fetchall()

    async def execute(self, sql: str, *args: Any) -> None:
        self.db.execute(re.sub(r"\$\d+", "?", sql), args)

    async def close(self) -> None:
        self.db.close()

    async def clone_proposal(self, proposal_id: int, copies: int) -> None:
        """``copies`` copies of a proposal and its first revision (titles ``Idea i``)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        proposal = dict(
            db.execute("SELECT * FROM proposal WHERE id = ?", (proposal_id,)).fetchone()
        )
        revision = dict(
            db.execute(
                "SELECT * FROM proposal_revision WHERE proposal_id = ? AND number = 1",
                (proposal_id,),
            ).fetchone()
        )
        proposal.pop("id")
        revision.pop("id", None)
        p_cols, r_cols = list(proposal), list(revision)
        insert_p = (
            f"INSERT INTO proposal ({', '.join(p_cols)}) VALUES ({', '.join('?' * len(p_cols))})"
        )
        insert_r = (
            f"INSERT INTO proposal_revision ({', '.join(r_cols)})"
            f" VALUES ({', '.join('?' * len(r_cols))})"
        )
        for g in range(1, copies + 1):
            row = {**proposal, "title": f"Idea {g}", "forked_from_id": None}
            new_id = db.execute(insert_p, [row[c] for c in p_cols]).lastrowid
            db.execute(insert_r, [{**revision, "proposal_id": new_id}[c] for c in r_cols])
        db.execute("COMMIT")

    async def seed_members(
        self, *, brand_id: int, count: int, age: timedelta, tag: str, password_hash: str
    ) -> list[tuple[int, str]]:
        """Members who joined the brand, each with a session token: [(id, token)]."""
        from brandhub.auth.tokens import SESSION_TOKEN_PREFIX, digest

        db = self.db
        now = datetime.now(UTC)
        salt = secrets.token_hex(4)
        db.execute("BEGIN IMMEDIATE")
        out = []
        for i in range(count):
            email = f"{tag}{i}-{salt}@example.com"
            member = db.execute(
                "INSERT INTO member (email, email_key, display_name, password_hash, reputation,"
                " created_at) VALUES (?, ?, 'Voter', ?, 0, ?)",
                (email, email, password_hash, _stamp(now - age)),
            ).lastrowid
            token = SESSION_TOKEN_PREFIX + secrets.token_urlsafe(32)
            db.execute(
                "INSERT INTO session_token (member_id, token_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?)",
                (member, digest(token), _stamp(now), _stamp(now + timedelta(days=30))),
            )
            db.execute(
                "INSERT INTO membership (brand_id, member_id, role, joined_at)"
                " VALUES (?, ?, 'MEMBER', ?)",
                (brand_id, member, _stamp(now - age)),
            )
            out.append((member, token))
        db.execute(
            "UPDATE brand SET member_count = member_count + ? WHERE id = ?", (count, brand_id)
        )
        db.execute("COMMIT")
        return out
