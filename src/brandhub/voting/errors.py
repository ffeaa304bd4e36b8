"""Errors of the voting domain, as codes of the GraphQL contract."""

from brandhub.errors import DomainError


class VotingError(DomainError):
    """Root of voting failures."""


class VotingClosed(VotingError):
    code = "INVALID_PHASE"


class BudgetExceededError(VotingError):
    code = "BUDGET_EXCEEDED"


class InvalidVote(VotingError):
    code = "INVALID_INPUT"
