"""How failures reach clients: ``UserError`` in payloads, coded GraphQL errors on queries."""

from __future__ import annotations

import logging
from enum import Enum

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from brandhub.database_errors import is_unavailable
from brandhub.errors import DomainError, ManyErrors

log = logging.getLogger("brandhub.graphql")


@strawberry.enum(description="Why a mutation was refused.")
class ErrorCode(Enum):
    INVALID_INPUT = "INVALID_INPUT"
    NOT_FOUND = "NOT_FOUND"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    ALREADY_EXISTS = "ALREADY_EXISTS"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_PHASE = "INVALID_PHASE"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    INVALID_SPEC = "INVALID_SPEC"
    BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
    LOCKED = "LOCKED"
    CONFLICT = "CONFLICT"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


@strawberry.type(description="A business-rule failure of a mutation.")
class UserError:
    code: ErrorCode
    message: str
    field: list[str] | None = strawberry.field(
        default=None, description="Path of the input field at fault, e.g. spec.ingredients.2."
    )


def user_errors(error: DomainError) -> list[UserError]:
    """Map a domain error (or several) to the ``errors`` list of a payload."""
    if isinstance(error, ManyErrors):
        return [e for inner in error.errors for e in user_errors(inner)]
    try:
        code = ErrorCode(error.code)
    except ValueError:
        log.error("domain error code %s has no ErrorCode; sent as INVALID_INPUT", error.code)
        code = ErrorCode.INVALID_INPUT
    return [UserError(code=code, message=error.message, field=error.field)]


class PublicError(GraphQLError):
    """A query failure meant for the client (never masked), with ``extensions.code``."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def unauthenticated(message: str = "Sign in to do this.") -> PublicError:
    """A missing or bad credential."""
    return PublicError(message, "UNAUTHENTICATED")


def forbidden(message: str = "You may not do this.") -> PublicError:
    """An authenticated caller without the right."""
    return PublicError(message, "FORBIDDEN")


def bad_request(message: str) -> PublicError:
    """Arguments out of range (e.g. ``first`` above 100)."""
    return PublicError(message, "BAD_USER_INPUT")


UNAVAILABLE_MESSAGE = "The service cannot reach its database right now; try again shortly."


def unavailable() -> UserError:
    """A mutation's answer when the database did not answer: nothing was changed."""
    return UserError(code=ErrorCode.SERVICE_UNAVAILABLE, message=UNAVAILABLE_MESSAGE)


def integrity_failure(message: str) -> PublicError:
    """Stored data no longer matches what was sealed (e.g. a receipt's proof)."""
    return PublicError(message, "INTEGRITY_FAILURE")


def should_mask(error: GraphQLError) -> bool:
    """Mask anything raised by our code that is not a deliberate public error."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class Masking(MaskErrors):
    """Strawberry's masking, except that an unreachable database says so, with a code."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if error.original_error is None or not is_unavailable(error.original_error):
            return super().anonymise_error(error)
        return GraphQLError(
            message=UNAVAILABLE_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "SERVICE_UNAVAILABLE"},
        )
