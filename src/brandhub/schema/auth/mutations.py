"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.auth import service
from brandhub.auth.errors import InvalidCredentials
from brandhub.database_errors import is_unavailable
from brandhub.errors import DomainError
from brandhub.schema.auth.inputs import SignInInput, SignUpInput
from brandhub.schema.auth.types import MemberType
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError, unavailable, user_errors
from brandhub.schema.payloads import log_unavailable, perform


@strawberry.type
class AuthPayload:
    token: str | None = None
    viewer: MemberType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SignOutPayload:
    ok: bool
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _sign_in(info: Info[Context, None], input: SignInInput) -> AuthPayload:
    """Sign in; a wrong password is counted in its own transaction."""
    state = info.context.state
    settings = state.settings
    try:
        async with state.db.unit_of_work() as session:
            member, token = await service.sign_in(
                session,
                passwords=state.passwords,
                email=input.email,
                password=input.password,
                now=state.now(),
                ttl=settings.token_ttl,
                max_failures=settings.signin_max_failures,
                window=settings.signin_window,
            )
    except InvalidCredentials as error:
        # Counted in its own transaction: the failed attempt itself rolled back.
        async with state.db.unit_of_work() as session:
            await service.record_sign_in_failure(session, email=input.email, now=state.now())
        return AuthPayload(errors=user_errors(error))
    except DomainError as error:
        return AuthPayload(errors=user_errors(error))
    return AuthPayload(token=token, viewer=MemberType.from_row(member, is_self=True))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create an account; returns a bearer token.")
    async def sign_up(self, info: Info[Context, None], input: SignUpInput) -> AuthPayload:
        state = info.context.state
        result, errors = await perform(
            info,
            lambda s: service.sign_up(
                s,
                passwords=state.passwords,
                email=input.email,
                password=input.password,
                display_name=input.display_name,
                now=state.now(),
                ttl=state.settings.token_ttl,
            ),
        )
        if result is None:
            return AuthPayload(errors=errors)
        member, token = result
        return AuthPayload(token=token, viewer=MemberType.from_row(member, is_self=True))

    @strawberry.mutation(description="Exchange email and password for a bearer token.")
    async def sign_in(self, info: Info[Context, None], input: SignInInput) -> AuthPayload:
        try:
            return await _sign_in(info, input)
        except Exception as error:
            if not is_unavailable(error):
                raise
            log_unavailable(error, info)
            return AuthPayload(errors=[unavailable()])

    @strawberry.mutation(description="Revoke the bearer token used for this request.")
    async def sign_out(self, info: Info[Context, None]) -> SignOutPayload:
        async def work(session) -> None:
            await info.context.member()
            principal = await info.context.principal()
            assert principal is not None and principal.credential_id is not None
            await service.sign_out(
                session, token_id=principal.credential_id, now=info.context.now()
            )

        _, errors = await perform(info, work)
        return SignOutPayload(ok=not errors, errors=errors)
