"""DataLoaders of the partners adapter, registered on the request's ``Loaders`` by name."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from strawberry.dataloader import DataLoader

from brandhub.db import Database
from brandhub.partners.models import Partner, Pledge, PledgeTotal, WebhookAttempt
from brandhub.schema.context import Context
from brandhub.schema.loaders import by_id_loader


def _pledged_units(db: Database) -> DataLoader[int, int]:
    async def load(ids: Sequence[int]) -> list[int]:
        async with db.read() as session:
            rows = await session.execute(
                select(PledgeTotal.proposal_id, PledgeTotal.units).where(
                    PledgeTotal.proposal_id.in_(ids)
                )
            )
            found = dict(rows.all())
        return [int(found.get(i, 0)) for i in ids]

    return DataLoader(load_fn=load)


def partner(context: Context) -> DataLoader[int, Partner | None]:
    """Partners by id."""
    return context.loaders.get("partner", lambda db: by_id_loader(db, Partner))


def pledge(context: Context) -> DataLoader[int, Pledge | None]:
    """Pledges by id."""
    return context.loaders.get("pledge", lambda db: by_id_loader(db, Pledge))


def pledged_units(context: Context) -> DataLoader[int, int]:
    """Active pledged units by proposal id (the counters)."""
    return context.loaders.get("pledged_units", _pledged_units)


def _attempts(db: Database) -> DataLoader[int, list[WebhookAttempt]]:
    async def load(ids: Sequence[int]) -> list[list[WebhookAttempt]]:
        async with db.read() as session:
            rows = await session.scalars(
                select(WebhookAttempt)
                .where(WebhookAttempt.outbox_id.in_(ids))
                .order_by(WebhookAttempt.id)
            )
            groups: dict[int, list[WebhookAttempt]] = {i: [] for i in ids}
            for row in rows:
                groups[row.outbox_id].append(row)
        return [groups[i] for i in ids]

    return DataLoader(load_fn=load)


def attempts(context: Context) -> DataLoader[int, list[WebhookAttempt]]:
    """Delivery attempts by outbox event id, oldest first."""
    return context.loaders.get("webhook_attempts", _attempts)
