"""GraphQL operations in the logs: each one's name, type, outcome and error codes; client
mistakes at INFO without a traceback, server faults at ERROR with one.

Outcomes: ``ok``; ``rejected`` (a mutation answered with ``UserError``s: business rules at
work); ``client_error`` (a bad document, variables or credential: GraphQL errors that are
the client's to fix); ``unavailable`` (the database did not answer); ``server_error`` (a
bug: masked for the client as "Unexpected error.").
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from brandhub.database_errors import explain, is_unavailable
from brandhub.logs import OPERATIONS

log = logging.getLogger("brandhub.graphql")

OK, REJECTED, CLIENT_ERROR = "ok", "rejected", "client_error"
UNAVAILABLE, SERVER_ERROR = "unavailable", "server_error"
_RANK = [OK, REJECTED, CLIENT_ERROR, UNAVAILABLE, SERVER_ERROR]
_CODE_OF = {UNAVAILABLE: "SERVICE_UNAVAILABLE", SERVER_ERROR: "INTERNAL_SERVER_ERROR"}
# graphql-core quotes the offending variable value in its messages ("... found: {...}",
# "non string value: 123"), and a value may be a password: what follows ": " and looks like
# a value is cut, as is the older "got invalid value <value>" form.
_QUOTED = re.compile(r"""got invalid value .*?(?=; | at '|$)""", re.DOTALL)
_TRAILING = re.compile(r""": (?=[{\['"\d-]|True|False|None|null|true|false).*$""", re.DOTALL)
MAX_MESSAGE = 300


def classify(error: GraphQLError) -> str:
    """Whose fault an error is: the client's, the database's, or ours."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return CLIENT_ERROR
    return UNAVAILABLE if is_unavailable(original) else SERVER_ERROR


def code_of(error: GraphQLError) -> str:
    """The error's ``extensions.code``, or what it will be once masked."""
    kind = classify(error)
    if kind in _CODE_OF:
        return _CODE_OF[kind]
    return str((error.extensions or {}).get("code") or "GRAPHQL_ERROR")


def redact(message: str) -> str:
    """A client error's message without the variable values it may quote."""
    cleaned = _TRAILING.sub(": …", _QUOTED.sub("got an invalid value", message))
    return cleaned if len(cleaned) <= MAX_MESSAGE else cleaned[:MAX_MESSAGE] + "…"


def log_errors(errors: Sequence[GraphQLError], operation: str | None) -> None:
    """Log each error once, at the level its kind deserves."""
    for error in errors:
        kind = classify(error)
        extra = {"operation": operation, "path": error.path, "code": code_of(error)}
        if kind == SERVER_ERROR:
            log.error("%s", error.message, exc_info=error.original_error, extra=extra)
        elif kind == UNAVAILABLE:
            assert error.original_error is not None
            problem = explain(error.original_error, "", configuration=False)
            reason = problem.message.split(": ", 1)[-1] if problem else str(error.original_error)
            log.error("database unavailable: %s", reason, extra=extra)
        else:
            log.info("client error: %s", redact(error.message), extra=extra)


def user_error_codes(data: Any) -> list[str]:
    """The ``UserError`` codes in a mutation's payloads (when the client selected them)."""
    codes: list[str] = []
    for payload in (data or {}).values() if isinstance(data, dict) else ():
        errors = payload.get("errors") if isinstance(payload, dict) else None
        for error in errors if isinstance(errors, list) else ():
            if isinstance(error, dict) and isinstance(error.get("code"), str):
                codes.append(error["code"])
    return codes


def summary(context: ExecutionContext) -> dict[str, Any]:
    """Name, type, outcome and codes of one executed operation."""
    result = context.result
    errors = list(getattr(result, "errors", None) or context.pre_execution_errors or [])
    kinds = [classify(error) for error in errors]
    codes = [code_of(error) for error in errors]
    try:
        operation_type = context.operation_type.value
    except RuntimeError:  # the document did not parse or names no such operation
        operation_type = None
    if operation_type == "mutation":
        for code in user_error_codes(getattr(result, "data", None)):
            kinds.append(UNAVAILABLE if code == "SERVICE_UNAVAILABLE" else REJECTED)
            codes.append(code)
    return {
        "operation": context.operation_name,
        "operation_type": operation_type,
        "outcome": max(kinds, key=_RANK.index, default=OK),
        "error_codes": codes or None,
    }


class OperationLog(SchemaExtension):
    """Hands each operation's summary to the request's log line (or logs it, off HTTP)."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        entry = summary(self.execution_context)
        operations = OPERATIONS.get()
        if operations is not None:
            operations.append(entry)
            return
        entry["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        level = logging.ERROR if entry["outcome"] in (UNAVAILABLE, SERVER_ERROR) else logging.INFO
        log.log(
            level, "graphql %s %s", entry["operation"] or "anonymous", entry["outcome"], extra=entry
        )
