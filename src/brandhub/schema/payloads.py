"""The shape every mutation shares: one unit of work, domain errors returned as ``UserError``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response
from strawberry.types import Info

from brandhub.errors import DomainError, RateLimited
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError, user_errors

T = TypeVar("T")


async def perform(
    info: Info[Context, None], work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` in one transaction; a domain error rolls it back and becomes ``errors``."""
    try:
        async with info.context.db.unit_of_work() as session:
            return await work(session), []
    except DomainError as error:
        response = info.context.response
        if isinstance(error, RateLimited) and isinstance(response, Response):  # not a websocket
            response.headers["Retry-After"] = str(error.retry_after)
        return None, user_errors(error)
