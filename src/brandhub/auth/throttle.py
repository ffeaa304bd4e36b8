"""Throttling sign-ins and sign-ups with the ``limits`` library (moving windows).

Failed sign-ins count against (account, client address) and against the client address
alone, never against the account alone: someone failing on a victim's email from their own
address slows themselves down, and the victim still signs in from anywhere else. Each key has
several stacked windows (say 5 a minute, 10 a quarter hour, 30 an hour), so the wait grows
with the failures instead of locking anyone out for a fixed time. A successful sign-in clears
its (account, address) count. Sign-ups count per address.

Counts live in memory in the embedded mode and in Redis (under the deployment's namespace)
when ``BRANDHUB_REDIS_URL`` is set, so every app process sees the same counts.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Sequence
from typing import Any

from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from brandhub.auth.errors import TooManyAttempts, TooManySignUps
from brandhub.settings import Settings


def account_key(email_key: str) -> str:
    """The account part of a limiter key: the email's digest, so no email sits in Redis."""
    return hashlib.sha256(email_key.encode()).hexdigest()[:32]


class Throttle:
    """Rate limits on failed sign-ins and on sign-ups, shared by every process of a deployment."""

    def __init__(
        self,
        storage: Storage,
        *,
        sign_in_failures: Sequence[RateLimitItem],
        address_failures: Sequence[RateLimitItem],
        sign_ups: Sequence[RateLimitItem],
    ) -> None:
        self.limiter = MovingWindowRateLimiter(storage)
        self.sign_in_failures = list(sign_in_failures)
        self.address_failures = list(address_failures)
        self.sign_ups = list(sign_ups)

    @classmethod
    def from_settings(cls, settings: Settings, redis: Any = None) -> Throttle:
        """In memory, or in Redis through ``redis`` (the app's connection pool) when given."""
        storage: Storage
        if redis is not None and settings.redis_url:
            storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                key_prefix=f"{settings.redis_namespace}:limits",
                connection_pool=redis.connection_pool,
            )
        else:
            storage = MemoryStorage()
        return cls(
            storage,
            sign_in_failures=parse_many(settings.signin_failure_limits),
            address_failures=parse_many(settings.signin_address_limits),
            sign_ups=parse_many(settings.signup_limits),
        )

    def _sign_in_keys(self, email_key: str, address: str) -> list[tuple[RateLimitItem, tuple]]:
        account = ("sign-in", account_key(email_key), address)
        return [(item, account) for item in self.sign_in_failures] + [
            (item, ("sign-in", address)) for item in self.address_failures
        ]

    async def _wait(self, keys: list[tuple[RateLimitItem, tuple]]) -> int:
        """Seconds until every limit in ``keys`` allows one more; 0 when they already do."""
        wait = 0.0
        for item, identifiers in keys:
            if not await self.limiter.test(item, *identifiers):
                stats = await self.limiter.get_window_stats(item, *identifiers)
                wait = max(wait, stats.reset_time - time.time())
        return max(1, math.ceil(wait)) if wait > 0 else 0

    async def check_sign_in(self, *, email_key: str, address: str) -> None:
        """Refuse (``TooManyAttempts``, with the wait) while this account and address, or this
        address, failed too often."""
        wait = await self._wait(self._sign_in_keys(email_key, address))
        if wait:
            raise TooManyAttempts(wait)

    async def sign_in_failed(self, *, email_key: str, address: str) -> None:
        """Count one failed sign-in."""
        for item, identifiers in self._sign_in_keys(email_key, address):
            await self.limiter.hit(item, *identifiers)

    async def signed_in(self, *, email_key: str, address: str) -> None:
        """Forget this account's failures from this address (the address's own count stays)."""
        for item in self.sign_in_failures:
            await self.limiter.clear(item, "sign-in", account_key(email_key), address)

    async def sign_up(self, *, address: str) -> None:
        """Count a sign-up from this address, or refuse it (``TooManySignUps``, with the wait)."""
        keys = [(item, ("sign-up", address)) for item in self.sign_ups]
        # A hit is taken atomically, or refused without being counted.
        allowed = [await self.limiter.hit(item, *identifiers) for item, identifiers in keys]
        if not all(allowed):
            raise TooManySignUps(await self._wait(keys))
