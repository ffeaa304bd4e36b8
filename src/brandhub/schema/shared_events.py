"""One execution per shared push for anonymous subscribers.

A live push is the same for every anonymous subscriber of a campaign who sent the same
document and variables: nothing in it depends on who they are. The subscription yields one
shared ``SharedPage`` per snapshot and page size, and the executor below runs the selection
over it once per (document, variables), handing the same result to every such subscriber.
Signed-in subscribers are executed one by one (their own fields resolve with their own
context), still without a board read of their own.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext


class SharedPage(list):  # type: ignore[type-arg]
    """A subscription event shared by every anonymous subscriber, with their results."""

    def __init__(self, items: Any) -> None:
        super().__init__(items)
        self.results: dict[tuple[int, str], tuple[Any, asyncio.Future[Any]]] = {}


class SharedEventExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, executing a shared event once per document and variables."""

    def execute_operation(self, serially: bool | None = None) -> Any:
        page = self.root_value
        if not isinstance(page, SharedPage) or not getattr(self.context_value, "anonymous", False):
            return super().execute_operation(serially)
        variables = getattr(self.variable_values, "coerced", self.variable_values) or {}
        key = (id(self.operation), repr(sorted(variables.items())))
        found = page.results.get(key)
        if found is None:
            result = super().execute_operation(serially)
            future: asyncio.Future[Any]
            if self.is_awaitable(result):
                future = asyncio.ensure_future(result)
            else:
                future = asyncio.get_running_loop().create_future()
                future.set_result(result)
            # The operation is kept with its result, so its id cannot be reused meanwhile.
            found = page.results[key] = (self.operation, future)
        return found[1]


class SharedJson:
    """``{"data": D}`` encoded once per ``D`` object: the last few shared results are kept
    (with ``D`` itself, so an id is never reused while its text is cached)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._texts: dict[int, tuple[Any, str]] = {}

    def encode(self, payload: dict[str, Any]) -> str:
        data = payload["data"]
        if data is None:
            return json.dumps(payload, separators=(",", ":"))
        found = self._texts.get(id(data))
        if found is not None and found[0] is data:
            return found[1]
        text = json.dumps(payload, separators=(",", ":"))
        if len(self._texts) >= self.size:
            self._texts.pop(next(iter(self._texts)))
        self._texts[id(data)] = (data, text)
        return text
