"""Errors of the partners domain."""

from brandhub.errors import DomainError


class InvalidTransition(DomainError):
    code = "INVALID_TRANSITION"


class Locked(DomainError):
    code = "LOCKED"
