"""Errors of the royalties domain."""

from brandhub.errors import DomainError


class Conflict(DomainError):
    """An idempotency key already used for a different report."""

    code = "CONFLICT"
