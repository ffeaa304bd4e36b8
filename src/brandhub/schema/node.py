"""``node(id:)``: fetch any object by its global id."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.schema.context import Context
from brandhub.schema.relay import NODE_RESOLVERS, Node, from_global_id


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id; null when absent or hidden.")
    async def node(self, info: Info[Context, None], id: strawberry.ID) -> Node | None:
        decoded = from_global_id(id)
        if decoded is None:
            return None
        resolver = NODE_RESOLVERS.get(decoded[0])
        return await resolver(info, decoded[1]) if resolver else None
