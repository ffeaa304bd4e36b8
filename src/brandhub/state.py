"""The resources one process holds for its lifetime, built in the app's lifespan."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from brandhub.auth.passwords import Passwords
from brandhub.auth.principal_cache import PrincipalCache
from brandhub.auth.throttle import Throttle
from brandhub.broadcast import Broadcast
from brandhub.client_address import Network
from brandhub.columns import utcnow
from brandhub.db import Database, JobSender
from brandhub.settings import Settings

if TYPE_CHECKING:
    from brandhub.cross_origin import OriginAllowlist
    from brandhub.going_away import Connections
    from brandhub.voting.live import LiveBoards
    from brandhub.voting.writer import VoteWriter


@dataclass
class AppState:
    """Settings, database, job sender, password hasher, throttle, clock (injectable in tests)."""

    settings: Settings
    db: Database
    jobs: JobSender
    passwords: Passwords
    throttle: Throttle
    clock: Callable[[], datetime] = utcnow
    redis: Any = None
    broadcast: Broadcast = field(default_factory=Broadcast)
    embed_origins: OriginAllowlist | None = None
    boards: LiveBoards | None = None
    connections: Connections | None = None
    trusted_proxies: tuple[Network, ...] = ()
    votes: VoteWriter | None = None
    principals: PrincipalCache = field(default_factory=lambda: PrincipalCache(seconds=0, size=0))

    def now(self) -> datetime:
        """The current time."""
        return self.clock()
