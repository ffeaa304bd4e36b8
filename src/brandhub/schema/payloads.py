"""The shape every mutation shares: one unit of work, domain errors returned as ``UserError``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response
from strawberry.types import Info

from brandhub.database_errors import explain, is_unavailable
from brandhub.errors import DomainError, RateLimited
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError, unavailable, user_errors

log = logging.getLogger("brandhub.graphql")

T = TypeVar("T")


async def perform(
    info: Info[Context, None], work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` in one transaction; a domain error rolls it back and becomes ``errors``,
    and so does an unreachable database (``SERVICE_UNAVAILABLE``: nothing was changed)."""

    async def in_unit_of_work() -> T:
        async with info.context.db.unit_of_work() as session:
            return await work(session)

    return await answer(info, in_unit_of_work)


async def answer(
    info: Info[Context, None], work: Callable[[], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run ``work`` (which commits its own changes, e.g. through the vote writer); map a
    domain error or an unreachable database to ``errors`` as ``perform`` does."""
    try:
        return await work(), []
    except DomainError as error:
        response = info.context.response
        if isinstance(error, RateLimited) and isinstance(response, Response):  # not a websocket
            response.headers["Retry-After"] = str(error.retry_after)
        return None, user_errors(error)
    except Exception as error:
        if not is_unavailable(error):
            raise
        log_unavailable(error, info)
        return None, [unavailable()]


def log_unavailable(error: BaseException, info: Info[Context, None]) -> None:
    """A mutation answered SERVICE_UNAVAILABLE is a server fault: one line, no traceback."""
    problem = explain(error, "", configuration=False)
    reason = problem.message.split(": ", 1)[-1] if problem else repr(error)
    log.error(
        "database unavailable: %s",
        reason,
        extra={"operation": info.operation.name.value if info.operation.name else None},
    )
