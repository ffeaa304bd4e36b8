"""Apply Alembic migrations from code (``brandhub migrate``, ``brandhub serve``, the tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from brandhub.db import create_engine
from brandhub.settings import Settings


def migrations_dir() -> Path:
    """Where the migration scripts are: inside the wheel, or at the repository root."""
    packaged = Path(__file__).parent / "migrations"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "migrations"


def alembic_config() -> Config:
    """An Alembic config that needs no alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


async def upgrade(settings: Settings, url: str | None = None, revision: str = "head") -> None:
    """Upgrade the database to ``revision``."""
    engine = create_engine(settings, url or settings.database_url)

    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.connect() as connection:
            await connection.run_sync(run)
            await connection.commit()
    finally:
        await engine.dispose()
