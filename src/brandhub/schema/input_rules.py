"""Rules every input obeys, set up once for the whole schema: each field checks its arguments
before its resolver runs.

- No string anywhere (arguments, input objects, lists, JSON keys and values, variables)
  may contain a NUL character or a lone UTF-16 surrogate: neither is valid text for
  PostgreSQL, and neither means anything to a person.
- A DateTime must carry a UTC offset (see ``schema.scalars``).

A mutation that breaks a rule answers in its payload, ``errors: [UserError]`` with
INVALID_INPUT and the field's path inside ``input``; any other field raises a GraphQL error
with ``extensions.code`` INVALID_INPUT and ``extensions.field``. Nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    default_field_resolver,
)

from brandhub.schema.errors import ErrorCode, PublicError, UserError
from brandhub.schema.scalars import RefusedDateTime

# Surrogates are legal in a Python str but not in Unicode text: a lone one comes from a
# JSON escape like "\ud800" that has no partner.
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
PAYLOAD_INPUT = "input"
DEFINITION = "strawberry-definition"


@dataclass(frozen=True)
class Problem:
    """One input that breaks a rule: where (a key of a JSON object, or a value), and why."""

    field: list[str]
    reason: str
    in_key: bool = False

    def relative_to(self, argument: str) -> Problem:
        """The same problem with its path inside ``argument`` (payload fields name it so)."""
        if self.field[:1] != [argument] or len(self.field) < 2:
            return self
        return Problem(self.field[1:], self.reason, self.in_key)

    @property
    def message(self) -> str:
        """What the client reads."""
        if self.in_key:
            return f"A key of {'.'.join(self.field[:-1])} {self.reason}."
        return f"{'.'.join(self.field)} {self.reason}."


def text_problem(text: str) -> str | None:
    """Why a string is refused, or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "may not contain a NUL character"
    return "may not contain a lone UTF-16 surrogate (it is not valid Unicode)"


def label(part: str) -> str:
    """A path segment that came from the client, as is unless it holds what the rules refuse
    (then JSON-escaped, so the answer itself stays valid text)."""
    return json.dumps(part)[1:-1] if FORBIDDEN.search(part) else part


def json_problems(value: Any, path: list[str]) -> Iterator[Problem]:
    """Problems in a JSON value: its strings and its object keys."""
    if isinstance(value, str):
        reason = text_problem(value)
        if reason:
            yield Problem(path, reason)
    elif isinstance(value, dict):
        for key, item in value.items():
            reason = text_problem(key)
            if reason:
                yield Problem([*path, label(key)], reason, in_key=True)
            yield from json_problems(item, [*path, label(key)])
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from json_problems(item, [*path, str(i)])


def value_problems(value: Any, type_: GraphQLInputType, path: list[str]) -> Iterator[Problem]:
    """Problems in a coerced argument value, walked along its GraphQL type."""
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            yield from value_problems(item, type_.of_type, [*path, str(i)])
    elif isinstance(type_, GraphQLInputObjectType):
        for name, field in type_.fields.items():
            key = field.out_name or name
            if key in value:
                yield from value_problems(value[key], field.type, [*path, name])
    elif isinstance(type_, GraphQLScalarType):
        if isinstance(value, RefusedDateTime):
            yield Problem(path, f'{value.reason}; got "{label(value.text)}"')
        else:
            yield from json_problems(value, path)


def argument_problems(field: GraphQLField, arguments: dict[str, Any]) -> list[Problem]:
    """Problems in one field's arguments, paths starting at the argument's name."""
    return [
        problem
        for name, argument in field.args.items()
        if (argument.out_name or name) in arguments
        for problem in value_problems(arguments[argument.out_name or name], argument.type, [name])
    ]


def payload_class(field: GraphQLField) -> type | None:
    """The Python class of a mutation payload (a type with ``errors: [UserError!]!``)."""
    type_ = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
    if not isinstance(type_, GraphQLObjectType) or "errors" not in type_.fields:
        return None
    definition = (type_.extensions or {}).get(DEFINITION)
    return getattr(definition, "origin", None)


def as_user_errors(problems: list[Problem]) -> list[UserError]:
    """Payload errors; paths are relative to ``input``, as services name fields."""
    relative = [p.relative_to(PAYLOAD_INPUT) for p in problems]
    return [
        UserError(code=ErrorCode.INVALID_INPUT, message=p.message, field=p.field) for p in relative
    ]


def as_error(problems: list[Problem]) -> PublicError:
    """A coded GraphQL error naming the first field at fault."""
    first = problems[0]
    error = PublicError(first.message, ErrorCode.INVALID_INPUT.value)
    error.extensions = {**(error.extensions or {}), "field": first.field}
    return error


def checked(
    field: GraphQLField, resolve: Callable[..., Any], payload: type | None
) -> Callable[..., Any]:
    """``resolve`` behind the rules: a payload with errors, or a coded error, when one breaks."""

    def resolve_checked(root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        problems = argument_problems(field, arguments)
        if not problems:
            return resolve(root, info, **arguments)
        if payload is not None:
            return payload(errors=as_user_errors(problems))
        raise as_error(problems)

    return resolve_checked


def guard_arguments(schema: GraphQLSchema) -> None:
    """Put every field that takes arguments behind the rules (done once, at schema build).

    Fields without arguments are left alone, so the rules cost nothing where nothing is given.
    A subscription is checked when it starts (its ``subscribe``), before any event.
    """
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType) or type_.name.startswith("__"):
            continue
        for field in type_.fields.values():
            if not field.args:
                continue
            if field.subscribe is not None:
                field.subscribe = checked(field, field.subscribe, None)
                continue
            payload = payload_class(field) if type_ is schema.mutation_type else None
            field.resolve = checked(field, field.resolve or default_field_resolver, payload)
