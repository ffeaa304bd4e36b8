"""DataLoaders, one class per relation, created per request; each opens its own read session."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from brandhub.auth.models import Member
from brandhub.community.models import Brand, Campaign, Comment, Membership, Proposal, Revision
from brandhub.db import Database
from brandhub.voting import counters, reads
from brandhub.voting.methods import Tally


def by_id_loader(db: Database, model: Any) -> DataLoader[int, Any]:
    """Load rows of one model by primary key, in one query per batch."""
    return by_key_loader(db, model.id)


def by_key_loader(db: Database, column: Any) -> DataLoader[Any, Any]:
    """Load the row of ``column``'s model whose ``column`` (unique) is each key, in one query
    per batch; None where there is none."""
    model, name = column.class_, column.key

    async def load(keys: Sequence[Any]) -> list[Any]:
        async with db.read() as session:
            rows = (await session.scalars(select(model).where(column.in_(keys)))).all()
        found = {getattr(row, name): row for row in rows}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


class Loaders:
    """The DataLoaders of one request, created lazily."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[str, DataLoader[Any, Any]] = {}

    def get(
        self, name: str, factory: Callable[[Database], DataLoader[Any, Any]]
    ) -> DataLoader[Any, Any]:
        """The loader called ``name`` for this request, built on first use."""
        loader = self._cache.get(name)
        if loader is None:
            loader = self._cache[name] = factory(self.db)
        return loader

    @property
    def member(self) -> DataLoader[int, Member | None]:
        """Members by id."""
        return self.get("member", lambda db: by_id_loader(db, Member))

    @property
    def brand(self) -> DataLoader[int, Brand | None]:
        """Brands by id."""
        return self.get("brand", lambda db: by_id_loader(db, Brand))

    @property
    def campaign(self) -> DataLoader[int, Campaign | None]:
        """Campaigns by id."""
        return self.get("campaign", lambda db: by_id_loader(db, Campaign))

    @property
    def proposal(self) -> DataLoader[int, Proposal | None]:
        """Proposals by id."""
        return self.get("proposal", lambda db: by_id_loader(db, Proposal))

    @property
    def comment(self) -> DataLoader[int, Comment | None]:
        """Comments by id."""
        return self.get("comment", lambda db: by_id_loader(db, Comment))

    @property
    def tally(self) -> DataLoader[int, Tally]:
        """Live tallies (summed counter slots), by proposal id."""
        return self.get("tally", _tally_loader)

    @property
    def board(self) -> DataLoader[int, reads.Board | None]:
        """Each campaign's live board (scores exactly as the leaderboard ranks them)."""
        return self.get("board", _board_loader)

    @property
    def role(self) -> DataLoader[tuple[int, int], str | None]:
        """A member's role in a brand, by (brand id, member id)."""
        return self.get("role", _role_loader)

    @property
    def latest_revision(self) -> DataLoader[int, Revision | None]:
        """The latest revision of each proposal, by proposal id."""
        return self.get("latest_revision", _latest_revision_loader)


def _role_loader(db: Database) -> DataLoader[tuple[int, int], str | None]:
    async def load(keys: Sequence[tuple[int, int]]) -> list[str | None]:
        brand_ids = {b for b, _ in keys}
        member_ids = {m for _, m in keys}
        async with db.read() as session:
            rows = await session.execute(
                select(Membership.brand_id, Membership.member_id, Membership.role).where(
                    Membership.brand_id.in_(brand_ids), Membership.member_id.in_(member_ids)
                )
            )
            found = {(b, m): role for b, m, role in rows}
        return [found.get(key) for key in keys]

    return DataLoader(load_fn=load)


def _latest_revision_loader(db: Database) -> DataLoader[int, Revision | None]:
    async def load(ids: Sequence[int]) -> list[Revision | None]:
        async with db.read() as session:
            rows = await session.scalars(
                select(Revision)
                .join(Proposal, Proposal.id == Revision.proposal_id)
                .where(Proposal.id.in_(ids), Revision.number == Proposal.revision)
            )
            found = {row.proposal_id: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


def _tally_loader(db: Database) -> DataLoader[int, Tally]:
    async def load(ids: Sequence[int]) -> list[Tally]:
        async with db.read() as session:
            found = await counters.proposal_tallies(session, proposal_ids=ids)
        return [found.get(i, Tally()) for i in ids]

    return DataLoader(load_fn=load)


def _board_loader(db: Database) -> DataLoader[int, reads.Board | None]:
    async def load(ids: Sequence[int]) -> list[reads.Board | None]:
        boards: list[reads.Board | None] = []
        async with db.read() as session:
            for campaign_id in ids:
                campaign = await session.get(Campaign, campaign_id)
                boards.append(await reads.board(session, campaign) if campaign else None)
        return boards

    return DataLoader(load_fn=load)
