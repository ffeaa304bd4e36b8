"""The GraphQL side of the direct fan-out (``brandhub.voting.fanout``): which subscriptions
may be handed off, and how a group's push is executed and encoded once.

Only anonymous subscribers on graphql-transport-ws are handed off (nothing in their push
depends on who they are); signed-in subscribers, the legacy graphql-ws protocol and SSE keep
the normal per-subscriber path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from inspect import isawaitable
from typing import Any

from graphql import GraphQLError, execute, parse
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types import Info

from brandhub.schema.errors import Masking, should_mask
from brandhub.schema.shared_events import SharedEventExecutor
from brandhub.voting.fanout import OPERATION, Member, Render, Socket

log = logging.getLogger("brandhub.live")


class TransportWSHandler(BaseGraphQLTransportWSHandler):  # type: ignore[type-arg]
    """graphql-transport-ws, telling a running subscription which operation it serves."""

    async def run_operation(self, operation: Any) -> None:
        OPERATION.set(operation)  # this task's own context: seen by its resolvers only
        await super().run_operation(operation)


def handoff(info: Info[Any, None]) -> tuple[Any, Member] | None:
    """(group key, member) when this subscription can leave the per-subscriber path."""
    operation = OPERATION.get()
    request = info.context.request
    if operation is None or not isinstance(request, WebSocket) or not info.context.anonymous:
        return None
    key = (
        operation.query,
        json.dumps(operation.variables, sort_keys=True, default=str),
        operation.operation_name,
    )
    return key, Member(Socket(request), operation.id, 0)


_masking = Masking(should_mask_error=should_mask)


def _formatted(error: GraphQLError) -> dict[str, Any]:
    if should_mask(error):
        log.error("live push failed: %s", error, exc_info=error.original_error)
        error = _masking.anonymise_error(error)
    return error.formatted  # type: ignore[return-value]


def renderer(info: Info[Any, None], root: Callable[[Any], Any]) -> Render:
    """Execute the handed-off document over one snapshot's shared root, encoded once."""
    operation = OPERATION.get()
    document = parse(operation.query)
    schema = info.schema._schema
    context, variables, name = info.context, operation.variables, operation.operation_name

    async def render(snapshot: Any) -> bytes:
        result = execute(
            schema,
            document,
            root_value=root(snapshot),
            context_value=context,
            variable_values=variables,
            operation_name=name,
            executor_class=SharedEventExecutor,
        )
        if isawaitable(result):
            result = await result
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [_formatted(error) for error in result.errors]
        return json.dumps(payload, separators=(",", ":")).encode()

    return render
