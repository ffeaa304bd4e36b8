"""The root of every domain error: a code from the GraphQL contract, a message, a field path."""

from __future__ import annotations

from collections.abc import Sequence


class DomainError(Exception):
    """A business-rule failure; the schema layer returns it as a ``UserError``."""

    code = "INVALID_INPUT"

    def __init__(self, message: str, *, field: Sequence[str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = [str(part) for part in field] if field else None


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class NotFound(DomainError):
    code = "NOT_FOUND"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"


class AlreadyExists(DomainError):
    code = "ALREADY_EXISTS"


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ManyErrors(DomainError):
    """Several violations found at once (e.g. every problem in a spec)."""

    def __init__(self, errors: Sequence[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = list(errors)
