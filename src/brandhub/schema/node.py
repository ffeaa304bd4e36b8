"""``node(id:)``: fetch any object by its global id, through its type's ``resolve_nodes``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info
from strawberry.types.base import StrawberryObjectDefinition

from brandhub.schema.context import Context
from brandhub.schema.relay import Node, from_global_id


def node_type(info: Info[Context, None], type_name: str) -> type[Node] | None:
    """The schema's Node type of that name, or None."""
    definition = info.schema.get_type_by_name(type_name)
    if not isinstance(definition, StrawberryObjectDefinition):
        return None
    origin = definition.origin
    return origin if isinstance(origin, type) and issubclass(origin, Node) else None


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when absent or hidden.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        found = node_type(info, decoded[0]) if decoded else None
        if decoded is None or found is None:
            return None
        return await found.resolve_node(str(decoded[1]), info=info, required=False)
