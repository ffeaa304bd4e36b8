"""Decoding request JSON (HTTP bodies, websocket messages) with a bound on nesting."""

from __future__ import annotations

import json
from typing import Any


class NestedTooDeeply(json.JSONDecodeError):
    """JSON whose arrays and objects nest deeper than the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"JSON is nested more than {limit} levels deep.", "", 0)
        self.limit = limit


def too_deep(value: Any, limit: int) -> bool:
    """True when arrays and objects in ``value`` nest more than ``limit`` levels (iterative)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if _container(child))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if _container(child))
    return False


def _container(value: Any) -> bool:
    return isinstance(value, dict | list)


def decode(data: str | bytes, *, max_depth: int) -> Any:
    """Parse JSON, refusing nesting deeper than ``max_depth`` with ``NestedTooDeeply``.

    Python's parser recurses and gives up (RecursionError) near a thousand levels; below
    that, a deep value would still reach code that walks it recursively.
    """
    try:
        value = json.loads(data)
    except RecursionError as exc:
        raise NestedTooDeeply(max_depth) from exc
    # A document with fewer brackets than the limit cannot nest deeper than it.
    brackets = (b"[", b"{") if isinstance(data, bytes) else ("[", "{")
    opening = sum(data.count(bracket) for bracket in brackets)  # type: ignore[arg-type]
    if opening > max_depth and too_deep(value, max_depth):
        raise NestedTooDeeply(max_depth)
    return value
