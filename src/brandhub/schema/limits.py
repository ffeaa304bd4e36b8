"""Document limits and request-level errors, each answered with an ``extensions.code``.

Errors raised by resolvers carry their own code (``PublicError``); this module codes the
others: a document that does not parse, breaks a limit or fails validation, variables
that do not fit their types, and the masked "Unexpected error.".
"""

from __future__ import annotations

import contextlib
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError, ValidationContext
from graphql.validation import ASTValidationRule
from strawberry.extensions import ParserCache, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.schema import validate_document

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def code_of(error: GraphQLError) -> str | None:
    """The ``extensions.code`` an error already carries, if any."""
    return (error.extensions or {}).get("code")


def set_code(error: GraphQLError, code: str) -> None:
    """Give an error a code unless it has one."""
    if code_of(error) is None:
        error.extensions = {**(error.extensions or {}), "code": code}


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """A validation rule whose errors carry ``code``.

    Strawberry's limit rules report from their constructor, straight to the context.
    """

    class Coded(rule):  # type: ignore[valid-type, misc]
        def __init__(self, context: ValidationContext) -> None:
            report = context.on_error

            def coded(error: GraphQLError) -> None:
                set_code(error, code)
                report(error)

            context.on_error = coded
            try:
                super().__init__(context)
            finally:
                context.on_error = report

    Coded.__name__ = Coded.__qualname__ = f"Coded{rule.__name__}"
    return Coded


def limit_rules(max_depth: int, max_aliases: int) -> list[type[ASTValidationRule]]:
    """The depth and alias limits, as coded validation rules (built once, for the cache)."""
    return [
        coded_rule(depth_rule(max_depth, None, None), QUERY_TOO_DEEP),
        coded_rule(alias_rule(max_aliases), TOO_MANY_ALIASES),
    ]


class DocumentCache(ParserCache):
    """Strawberry's parser cache, except that a document that does not parse is left to
    Strawberry's own parsing step, which reports it inside the operation (so it is coded,
    counted and logged like any other failed request)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with contextlib.suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


class ValidationCache(SchemaExtension):
    """Strawberry's validation cache, keyed by the document's text instead of its tree.

    Strawberry's keys its LRU cache on the parsed document, and a graphql-core node hashes
    (and compares) its whole tree on every lookup: about 4 % of a castVote's CPU. The text
    is hashed once per string, and the same text always parses to the same document
    (``DocumentCache``), so the answer is the same. Bounded to ``maxsize`` entries per
    process (least recently used out), like the cache it replaces."""

    _results: OrderedDict[tuple[int, str, tuple[Any, ...]], list[GraphQLError]] = OrderedDict()

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document, query = context.graphql_document, context.query
        if document is not None and query is not None:
            schema = context.schema._schema
            rules = tuple(context.validation_rules)
            key = (id(schema), query, rules)
            results = ValidationCache._results
            errors = results.get(key)
            if errors is None:
                errors = results[key] = validate_document(schema, document, rules)
                while len(results) > self.maxsize:
                    results.popitem(last=False)
            else:
                results.move_to_end(key)
            context.pre_execution_errors = errors
        yield


def parse_code(error: GraphQLSyntaxError) -> str:
    """TOO_MANY_TOKENS for the token limit, GRAPHQL_PARSE_FAILED for the rest."""
    return TOO_MANY_TOKENS if "tokens. Parsing aborted" in error.message else PARSE_FAILED


class ErrorCodes(SchemaExtension):
    """Give every error of a response an ``extensions.code``.

    Listed before MaskErrors, so it sees the masked errors and codes them too.
    """

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            set_code(error, VALIDATION_FAILED)

    def on_operation(self) -> Iterator[None]:
        yield
        result: Any = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            if isinstance(error, GraphQLSyntaxError):
                set_code(error, parse_code(error))
            elif error.path is None:
                # Raised before any field ran: variables that do not fit their types,
                # or an operation name that matches nothing.
                set_code(error, BAD_USER_INPUT)
            else:
                set_code(error, INTERNAL_SERVER_ERROR)
