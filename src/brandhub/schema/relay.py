"""Relay plumbing: opaque global ids, the Node interface, connections with cursors.

``Node`` is Strawberry's own (``strawberry.relay``): a type implements it with a
``NodeID`` field and a ``resolve_nodes`` classmethod that applies the viewer's visibility,
so ``node(id:)`` knows every Node type by construction.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.relay import Node as Node  # re-exported: every Node type implements it
from strawberry.relay import NodeID as NodeID
from strawberry.relay import to_base64

from brandhub.errors import NotFound
from brandhub.schema.errors import bad_request

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")


def to_global_id(type_name: str, pk: int) -> str:
    """Encode ``Type:pk`` as an opaque id (Strawberry's relay encoding: base64)."""
    return to_base64(type_name, pk)


def from_global_id(global_id: str) -> tuple[str, int] | None:
    """Decode an opaque id; None when it is not one of ours.

    Ids issued before the move to ``strawberry.relay`` (URL-safe, unpadded) still decode.
    """
    try:
        padded = global_id.translate(_URL_SAFE) + "=" * (-len(global_id) % 4)
        raw = base64.b64decode(padded, validate=True).decode()
        type_name, _, pk = raw.partition(":")
        return (type_name, int(pk)) if type_name and pk.isdigit() else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


_URL_SAFE = str.maketrans("-_", "+/")


def decode_id(global_id: str, expected: str) -> int | None:
    """The primary key behind an id of the expected type, or None."""
    decoded = from_global_id(global_id)
    if decoded is None or decoded[0] != expected:
        return None
    return decoded[1]


def require_pk(global_id: str, expected: str, field: str) -> int:
    """The primary key behind an input id, or ``NotFound`` naming the input field."""
    pk = decode_id(global_id, expected)
    if pk is None:
        raise NotFound(f"No such {expected.lower()}.", field=[field])
    return pk


async def nodes_by_pk(
    node_ids: Iterable[str], fetch: Callable[[int], Awaitable[T | None]]
) -> list[T | None]:
    """``resolve_nodes`` of one type: ``fetch`` loads an object if the viewer may see it."""
    return list(await asyncio.gather(*(fetch(int(pk)) for pk in node_ids)))


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


@dataclass(frozen=True)
class Page:
    """Offset and limit decoded from ``first``/``after``."""

    offset: int
    limit: int


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def page(first: int | None, after: str | None) -> Page:
    """Validate ``first`` (1..100) and decode ``after``."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 0 <= size <= MAX_PAGE_SIZE:
        raise bad_request(f"first must be between 0 and {MAX_PAGE_SIZE}.")
    offset = 0
    if after:
        try:
            raw = base64.urlsafe_b64decode(after.encode()).decode()
            if not raw.startswith("o:"):
                raise ValueError(raw)
            offset = int(raw[2:]) + 1
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise bad_request("after is not a valid cursor.") from exc
    return Page(offset=offset, limit=size)


def connection(items: Sequence[Any], p: Page, convert: Callable[[Any], T]) -> Connection[T]:
    """Build a connection from at most ``limit + 1`` rows fetched at ``offset``."""
    visible = list(items[: p.limit])
    edges = [Edge(cursor=_cursor(p.offset + i), node=convert(row)) for i, row in enumerate(visible)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(items) > p.limit,
            has_previous_page=p.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
