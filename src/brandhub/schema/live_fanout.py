"""The GraphQL side of the direct fan-out (``brandhub.voting.fanout``): which subscriptions
may be handed off, and how a group's push is executed and encoded once.

Only anonymous subscribers on graphql-transport-ws or GraphQL over SSE are handed off
(nothing in their push depends on who they are); signed-in subscribers and the legacy
graphql-ws protocol keep the normal per-subscriber path.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, GraphQLError, execute, parse, print_ast
from starlette.websockets import WebSocket
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types import Info

from brandhub.schema.errors import Masking, should_mask
from brandhub.schema.shared_events import SharedEventExecutor
from brandhub.voting.fanout import OPERATION, EventStream, Member, Render, Socket

log = logging.getLogger("brandhub.live")


class TransportWSHandler(BaseGraphQLTransportWSHandler):  # type: ignore[type-arg]
    """graphql-transport-ws, telling a running subscription which operation it serves."""

    async def run_operation(self, operation: Any) -> None:
        OPERATION.set(operation)  # this task's own context: seen by its resolvers only
        await super().run_operation(operation)


@dataclass(frozen=True)
class Handoff:
    """A subscription leaving the per-subscriber path: its group, its member, and what its
    group executes per push (parsed only by the subscriber that creates the group)."""

    key: Any
    member: Member
    source: str | DocumentNode  # the document's text (WebSocket) or parsed (SSE)
    variables: dict[str, Any]
    operation_name: str | None


def _plain(value: Any) -> bool:
    """JSON as it came (so executing again with it coerces to the same values)."""
    if value is None or isinstance(value, str | int | float | bool):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def handoff(info: Info[Any, None]) -> Handoff | None:
    """How this subscription can leave the per-subscriber path, if it can: anonymous, on
    graphql-transport-ws (uvicorn's WebSocket) or GraphQL over SSE (uvicorn's httptools)."""
    request = info.context.request
    if not info.context.anonymous:
        return None
    if isinstance(request, WebSocket):
        operation = OPERATION.get()
        if operation is None:  # the legacy graphql-ws protocol
            return None
        variables = operation.variables or {}
        source: str | DocumentNode = operation.query
        text, name = operation.query, operation.operation_name
        member = Member(Socket(request), operation.id, 0)
    else:
        stream = EventStream(request)
        variables = dict(info.variable_values or {})
        if not stream.direct or not _plain(variables):
            return None
        raw = info._raw_info
        source = DocumentNode(definitions=(raw.operation, *raw.fragments.values()))
        loc = raw.operation.loc
        text = loc.source.body if loc is not None else print_ast(source)
        name = raw.operation.name.value if raw.operation.name else None
        member = Member(stream, None, 0)
    key = (text, json.dumps(variables, sort_keys=True, default=str), name)
    return Handoff(key, member, source, variables, name)


_masking = Masking(should_mask_error=should_mask)


def _formatted(error: GraphQLError) -> dict[str, Any]:
    if should_mask(error):
        log.error("live push failed: %s", error, exc_info=error.original_error)
        error = _masking.anonymise_error(error)
    return error.formatted  # type: ignore[return-value]


def renderer(info: Info[Any, None], handed: Handoff, root: Callable[[Any], Any]) -> Render:
    """Execute the handed-off document over one snapshot's shared root, encoded once."""
    source = handed.source
    document = parse(source) if isinstance(source, str) else source
    schema = info.schema._schema
    context, variables, name = info.context, handed.variables, handed.operation_name

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
