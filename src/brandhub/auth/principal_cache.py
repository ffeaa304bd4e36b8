"""Bearer credential → principal, remembered for a few seconds so a request needs no query.

Bounded twice: an entry lives at most ``seconds`` (and never past its token's expiry), and
at most ``size`` entries are kept (least recently used first out). Each credential's entry
lives its own fraction of ``seconds`` (between half and all of it, fixed by its digest), so
the credentials of an audience that arrived together are not all read again at one instant. A revocation (sign-out,
partner key rotation or revocation) evicts at once in this process, and, when Redis is
configured, leaves a marker there that every process checks on each cache hit (one
``EXISTS``): a hit whose marker is set goes back to the database. So a revoked credential
never works after its revocation returned, in any process sharing the Redis. Without Redis
the cache is per process, and ``brandhub serve --workers N`` (N > 1) turns it off.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from brandhub.auth.service import Principal
from brandhub.auth.tokens import digest

log = logging.getLogger("brandhub.auth")

# A marker outlives by far every entry cached before it was set (entries live seconds).
MARKER_SECONDS = 120


def token_marker(token_id: int) -> str:
    """The revocation marker of a member's session token."""
    return f"token:{token_id}"


def partner_marker(partner_id: int) -> str:
    """The revocation marker of every API key of a partner."""
    return f"partner:{partner_id}"


def marker_of(principal: Principal) -> str:
    """The marker that revokes this principal's credential."""
    if principal.partner is not None:
        return partner_marker(principal.partner.id or 0)
    return token_marker(principal.credential_id or 0)


@dataclass(slots=True)
class _Entry:
    principal: Principal
    until: float
    expires_at: datetime | None
    marker: str


class PrincipalCache:
    """A small, short-lived map from a credential's digest to its principal."""

    def __init__(
        self,
        *,
        seconds: float,
        size: int,
        redis: Any = None,
        namespace: str = "brandhub",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.redis = redis
        self.prefix = f"{namespace}:auth:revoked:"
        self.clock = clock
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # Bumped by every local revocation: a load that began before it is not cached.
        self._epoch = 0

    @property
    def enabled(self) -> bool:
        return self.seconds > 0 and self.size > 0

    def __len__(self) -> int:
        return len(self._entries)

    async def principal(
        self,
        credential: str,
        *,
        now: datetime,
        load: Callable[[], Awaitable[Principal | None]],
    ) -> Principal | None:
        """The principal of ``credential``: from the cache, or ``load()`` (then cached)."""
        if not self.enabled:
            return await load()
        key = digest(credential)
        entry = self._entries.get(key)
        if entry is not None:
            fresh = entry.until > self.clock() and (
                entry.expires_at is None or entry.expires_at > now
            )
            if fresh and not await self._marked(entry.marker):
                self._entries.move_to_end(key)
                return entry.principal
            self._entries.pop(key, None)
        epoch = self._epoch
        principal = await load()
        if principal is not None and epoch == self._epoch:
            self._entries[key] = _Entry(
                principal,
                self.clock() + self.lifetime(key),
                principal.expires_at,
                marker_of(principal),
            )
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return principal

    def lifetime(self, key: str) -> float:
        """How long the entry of the credential whose digest is ``key`` lives: between half
        of ``seconds`` and all of it, spread by the digest (a hash: evenly)."""
        return self.seconds * (0.5 + 0.5 * int(key[:4], 16) / 0xFFFF)

    async def revoke(self, markers: Iterable[str]) -> None:
        """Forget every entry these markers name, here and (through Redis) everywhere."""
        markers = set(markers)
        self._epoch += 1
        for key in [k for k, e in self._entries.items() if e.marker in markers]:
            del self._entries[key]
        if self.redis is None or not markers:
            return
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for marker in markers:
                    pipe.set(self.prefix + marker, "1", ex=MARKER_SECONDS)
                await pipe.execute()
        except Exception:  # other processes' entries still end within `seconds`
            log.exception("could not publish a credential revocation through Redis")

    async def _marked(self, marker: str) -> bool:
        if self.redis is None:
            return False
        try:
            return bool(await self.redis.exists(self.prefix + marker))
        except Exception:  # Redis unreachable: trust the database, not the cache
            log.warning("revocation markers unreachable; authenticating from the database")
            return True
