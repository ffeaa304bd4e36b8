"""Inputs of the auth mutations."""

import strawberry


@strawberry.input
class SignUpInput:
    email: str
    password: str
    display_name: str


@strawberry.input
class SignInInput:
    email: str
    password: str
