"""The per-request GraphQL context: a session factory (never a shared session), viewer, loaders."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.websockets import WebSocket

from brandhub.auth.models import Member
from brandhub.auth.service import Principal, authenticate
from brandhub.client_address import client_address
from brandhub.errors import Unauthenticated
from brandhub.partners.models import Partner
from brandhub.schema.errors import PublicError, unauthenticated
from brandhub.schema.loaders import Loaders
from brandhub.state import AppState


def bearer(request: Request | WebSocket, connection_params: dict[str, Any] | None = None) -> str:
    """The bearer credential of a request ('' when none)."""
    header = request.headers.get("authorization", "")
    if not header and connection_params:
        header = str(
            connection_params.get("authorization") or connection_params.get("Authorization") or ""
        )
    scheme, _, credential = header.partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else ""


@dataclass
class Context:
    """What every resolver sees."""

    request: Request | WebSocket
    response: Any
    state: AppState
    credential: str = ""
    # Set by Strawberry from a websocket's connection_init payload (may carry the credential).
    connection_params: dict[str, Any] | None = None
    loaders: Loaders = field(init=False)
    _principal: asyncio.Future[Principal | None] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.state.db)

    @property
    def anonymous(self) -> bool:
        """True when the request carries no credential at all (nothing viewer-specific)."""
        return not (self.credential or bearer(self.request, self.connection_params))

    @property
    def db(self):
        return self.state.db

    def now(self) -> datetime:
        """The current time (the app's clock)."""
        return self.state.now()

    @property
    def client_address(self) -> str:
        """The caller's address: the peer, or what a trusted proxy forwarded for."""
        peer = self.request.client.host if self.request.client else None
        return client_address(peer, self.request.headers, self.state.trusted_proxies)

    async def principal(self, session: AsyncSession | None = None) -> Principal | None:
        """Who is calling: None without a credential; raises UNAUTHENTICATED for a bad one.

        A mutation passes its own session, saving a connection and a transaction.
        """
        if not self.credential and self.connection_params:
            self.credential = bearer(self.request, self.connection_params)
        if not self.credential:
            return None
        if self._principal is None:
            self._principal = asyncio.ensure_future(self._authenticate(session))
        principal = await asyncio.shield(self._principal)
        if principal is None:
            raise unauthenticated("The bearer token is invalid, expired or revoked.")
        return principal

    async def _authenticate(self, session: AsyncSession | None) -> Principal | None:
        return await self.state.principals.principal(
            self.credential, now=self.now(), load=lambda: self._load_principal(session)
        )

    async def _load_principal(self, session: AsyncSession | None) -> Principal | None:
        if session is not None:
            principal = await authenticate(session, self.credential, now=self.now())
            # Detach, so a rollback of this unit of work does not expire what the rest of
            # the request (other mutations, payload fields) reads from the principal.
            for row in (principal.member, principal.partner) if principal else ():
                if row is not None:
                    session.expunge(row)
            return principal
        async with self.db.read() as own:
            return await authenticate(own, self.credential, now=self.now())

    async def member(self, session: AsyncSession | None = None) -> Member:
        """The signed-in member, or ``Unauthenticated`` (a domain error, for mutations)."""
        try:
            principal = await self.principal(session)
        except PublicError as exc:
            raise Unauthenticated("The bearer token is invalid, expired or revoked.") from exc
        if principal is None or principal.member is None:
            raise Unauthenticated("Sign in as a member to do this.")
        return principal.member

    async def partner(self, session: AsyncSession | None = None) -> Partner:
        """The calling partner (by API key), or ``Unauthenticated``."""
        try:
            principal = await self.principal(session)
        except PublicError as exc:
            raise Unauthenticated("The API key is invalid or revoked.") from exc
        if principal is None or principal.partner is None:
            raise Unauthenticated("Authenticate with a partner API key to do this.")
        return principal.partner
