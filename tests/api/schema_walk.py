"""Walking the GraphQL schema: every argument position of a type, and sample values for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
)

from brandhub.schema import build_schema

SAMPLES: dict[str, Any] = {
    "String": "x",
    "ID": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "JSON": {},
    "DateTime": "2030-01-01T00:00:00Z",
    "Date": "2030-01-01",
    "Decimal": "1",
}


def graphql_schema() -> GraphQLSchema:
    """The graphql-core schema the app serves."""
    return build_schema()._schema


def unwrap(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def sample(type_: GraphQLInputType) -> Any:
    """A value of the type, filling only required input fields."""
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(f.type)
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return SAMPLES[type_.name]


@dataclass(frozen=True)
class Position:
    """One place a scalar of the wanted kind can be given: a root field, an argument, a path."""

    operation: str  # query or mutation
    field_name: str
    field: GraphQLField
    path: tuple[str | int, ...]  # argument name, then input fields and list indexes

    def variables(self, bad: Any) -> dict[str, Any]:
        """Sample values for every required argument, ``bad`` at this position."""
        values: dict[str, Any] = {
            name: sample(arg.type)
            for name, arg in self.field.args.items()
            if isinstance(arg.type, GraphQLNonNull)
        }
        holder: Any = values
        key: str | int = self.path[0]
        type_: Any = self.field.args[key].type
        for step in self.path[1:]:
            if isinstance(holder, dict) and holder.get(key) is None:
                holder[key] = sample(type_)
            holder, key, type_ = holder[key], step, _step(type_, step)
        holder[key] = bad
        return values

    def document(self, selection: str) -> str:
        """An operation passing every argument as a variable."""
        definitions = ", ".join(f"${n}: {a.type}" for n, a in self.field.args.items())
        arguments = ", ".join(f"{n}: ${n}" for n in self.field.args)
        return f"{self.operation}({definitions}) {{ {self.field_name}({arguments}) {selection} }}"

    @property
    def field_path(self) -> list[str]:
        """The path the server names (inside ``input`` for mutation payloads)."""
        parts = [str(p) for p in self.path]
        if self.operation == "mutation" and parts[0] == "input" and len(parts) > 1:
            return parts[1:]
        return parts


def _step(type_: Any, step: str | int) -> Any:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(step, int):
        assert isinstance(type_, GraphQLList)
        return type_.of_type
    assert isinstance(type_, GraphQLInputObjectType)
    return type_.fields[step].type


def _paths(type_: Any, scalars: set[str], path: tuple, seen: frozenset) -> Iterator[tuple]:
    if isinstance(type_, GraphQLNonNull):
        yield from _paths(type_.of_type, scalars, path, seen)
    elif isinstance(type_, GraphQLList):
        yield from _paths(type_.of_type, scalars, (*path, 0), seen)
    elif isinstance(type_, GraphQLInputObjectType):
        if type_.name in seen:
            return
        for name, f in type_.fields.items():
            yield from _paths(f.type, scalars, (*path, name), seen | {type_.name})
    elif isinstance(type_, GraphQLScalarType) and type_.name in scalars:
        yield path


def positions(schema: GraphQLSchema, scalars: set[str]) -> list[Position]:
    """Every argument position of a root query or mutation field taking one of ``scalars``."""
    found = []
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path in _paths(arg.type, scalars, (arg_name,), frozenset()):
                    found.append(Position(operation, field_name, field, path))
    return found


def selection_for(field: GraphQLField) -> str:
    """``errors { code field }`` for a payload, ``{ __typename }`` for other objects."""
    type_ = unwrap(field.type)
    if isinstance(type_, GraphQLObjectType) and "errors" in type_.fields:
        return "{ errors { code message field } }"
    if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        return ""
    return "{ __typename }"
