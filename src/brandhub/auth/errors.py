"""Errors of the auth domain."""

from brandhub.errors import DomainError, RateLimited


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"

    def __init__(self) -> None:
        super().__init__("Email or password is incorrect.")


def _seconds(wait: int) -> str:
    return "1 second" if wait == 1 else f"{wait} seconds"


class TooManyAttempts(RateLimited):
    def __init__(self, wait: int) -> None:
        super().__init__(
            f"Too many failed sign-ins; try again in {_seconds(wait)}.", retry_after=wait
        )


class TooManySignUps(RateLimited):
    def __init__(self, wait: int) -> None:
        super().__init__(
            f"Too many sign-ups from this address; try again in {_seconds(wait)}.",
            retry_after=wait,
        )
