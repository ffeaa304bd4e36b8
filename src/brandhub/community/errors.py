"""Errors of the community domain."""

from brandhub.errors import DomainError


class InvalidPhase(DomainError):
    code = "INVALID_PHASE"


class InvalidSpec(DomainError):
    code = "INVALID_SPEC"
