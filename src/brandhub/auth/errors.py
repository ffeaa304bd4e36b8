"""Errors of the auth domain."""

from brandhub.errors import DomainError, RateLimited


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"

    def __init__(self) -> None:
        super().__init__("Email or password is incorrect.")


class TooManyAttempts(RateLimited):
    def __init__(self) -> None:
        super().__init__("Too many failed sign-ins for this email; try again later.")
