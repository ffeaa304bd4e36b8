"""Runtime configuration, read from ``BRANDHUB_*`` environment variables and ``.env``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from limits import parse_many
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from brandhub.client_address import trusted_networks


class Settings(BaseSettings):
    """Everything configurable; the defaults give the embedded mode (SQLite, in-process jobs)."""

    model_config = SettingsConfigDict(
        env_prefix="BRANDHUB_", env_file=".env", extra="ignore", frozen=True
    )

    database_url: str = "sqlite+aiosqlite:///./brandhub.db"
    read_database_url: str | None = Field(
        default=None, description="Optional read replica for leaderboard and list reads."
    )
    # Connections above the pool size are closed on return, so a pool sized for the usual
    # concurrency avoids reconnecting under load; the total stays at 30 per process.
    database_pool_size: int = 20
    database_max_overflow: int = 10
    database_echo: bool = False
    redis_url: str | None = None
    # Every Redis key and channel of this deployment starts with it, so several deployments
    # (or test runs) can share one Redis without touching each other's keys.
    redis_namespace: str = "brandhub"

    graphiql: bool = True
    # The built web app (``npm run build`` in web/); None: web/dist beside the source tree.
    web_dist: str | None = None
    # How long a process trusts its cached list of embed origins (seconds).
    embed_origins_ttl_seconds: float = 10.0
    introspection: bool = True
    max_body_bytes: int = 1024 * 1024
    # max-age of anonymous GETs of persisted queries (public reads a CDN may share).
    public_cache_seconds: int = 5
    # Arrays and objects nested deeper than this in a request body are refused with 400.
    max_json_depth: int = 100
    max_query_depth: int = 10
    max_aliases: int = 30
    max_tokens: int = 2000

    token_ttl_days: int = 30
    # Bearer credential → principal is remembered this many seconds, for at most this many
    # credentials (0 turns the cache off); see brandhub.auth.principal_cache.
    principal_cache_seconds: float = 5.0
    principal_cache_size: int = 10_000
    # Group commit of vote changes: at most this many per transaction, and this many batch
    # transactions at once (None: 1; with set-based batches one task spends the least CPU per
    # vote on PostgreSQL too, measured in bench/README.md section 1).
    vote_batch_max: int = 128
    vote_writer_tasks: int | None = None
    # castVote batches decided from one read each (brandhub.voting.batch); off: every
    # change through the per-change path (savepoints), as before issue 11's second round.
    vote_set_based: bool = True
    # Rate limits in the ``limits`` notation; stacked windows make the wait grow with the count.
    # Failed sign-ins per (account, client address), and per client address for all accounts:
    signin_failure_limits: str = "5/minute;10/15 minutes;30/hour;100/day"
    signin_address_limits: str = "20/minute;100/hour;500/day"
    # Sign-ups per client address:
    signup_limits: str = "10/hour;50/day"
    # Proxies whose X-Forwarded-For / Forwarded headers name the client (addresses or CIDR
    # blocks, comma-separated). Empty: the socket peer is the client.
    trusted_proxies: str = ""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 4

    secret_key: str = "change-me-in-production"
    webhook_allow_private: bool = False
    log_level: str = "INFO"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return value.upper()

    @property
    def is_sqlite(self) -> bool:
        """True when the primary database is SQLite (the embedded default)."""
        return self.database_url.startswith("sqlite")

    @property
    def web_dist_path(self) -> Path:
        """Where the built web app lives."""
        if self.web_dist:
            return Path(self.web_dist)
        return Path(__file__).resolve().parents[2] / "web" / "dist"

    @property
    def embedded(self) -> bool:
        """True when jobs run in-process (no Redis configured)."""
        return self.redis_url is None

    @property
    def arq_queue_name(self) -> str:
        """The arq queue this deployment's app processes and workers share."""
        return f"{self.redis_namespace}:arq:queue"

    @property
    def token_ttl(self) -> timedelta:
        """How long a session token stays valid."""
        return timedelta(days=self.token_ttl_days)

    @field_validator("signin_failure_limits", "signin_address_limits", "signup_limits")
    @classmethod
    def _limits(cls, value: str) -> str:
        parse_many(value)  # a ValueError names what is wrong at start-up
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        trusted_networks(value)
        return value
