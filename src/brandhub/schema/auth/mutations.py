"""Sign-up, sign-in and sign-out."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from brandhub.auth import service
from brandhub.auth.principal_cache import token_marker
from brandhub.schema.auth.inputs import SignInInput, SignUpInput
from brandhub.schema.auth.types import MemberType
from brandhub.schema.context import Context
from brandhub.schema.errors import UserError
from brandhub.schema.payloads import perform


@strawberry.type
class AuthPayload:
    token: str | None = None
    viewer: MemberType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SignOutPayload:
    ok: bool
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create an account; returns a bearer token.")
    async def sign_up(self, info: Info[Context, None], input: SignUpInput) -> AuthPayload:
        state = info.context.state

        async def work(session):
            await state.throttle.sign_up(address=info.context.client_address)
            return await service.sign_up(
                session,
                passwords=state.passwords,
                email=input.email,
                password=input.password,
                display_name=input.display_name,
                now=state.now(),
                ttl=state.settings.token_ttl,
            )

        result, errors = await perform(info, work)
        if result is None:
            return AuthPayload(errors=errors)
        member, token = result
        return AuthPayload(token=token, viewer=MemberType.from_row(member, is_self=True))

    @strawberry.mutation(description="Exchange email and password for a bearer token.")
    async def sign_in(self, info: Info[Context, None], input: SignInInput) -> AuthPayload:
        state = info.context.state

        async def work(session):
            return await service.sign_in(
                session,
                passwords=state.passwords,
                throttle=state.throttle,
                client=info.context.client_address,
                email=input.email,
                password=input.password,
                now=state.now(),
                ttl=state.settings.token_ttl,
            )

        result, errors = await perform(info, work)
        if result is None:
            return AuthPayload(errors=errors)
        member, token = result
        return AuthPayload(token=token, viewer=MemberType.from_row(member, is_self=True))

    @strawberry.mutation(description="Revoke the bearer token used for this request.")
    async def sign_out(self, info: Info[Context, None]) -> SignOutPayload:
        async def work(session) -> int:
            await info.context.member()
            principal = await info.context.principal()
            assert principal is not None and principal.credential_id is not None
            await service.sign_out(
                session, token_id=principal.credential_id, now=info.context.now()
            )
            return principal.credential_id

        token_id, errors = await perform(info, work)
        if token_id is not None:
            await info.context.state.principals.revoke([token_marker(token_id)])
        return SignOutPayload(ok=not errors, errors=errors)
