"""One log format for every brandhub process: JSON lines when stderr is not a terminal,
readable text when it is; each line carries the request id of the request it belongs to.

Fields beyond the message come from ``extra=`` (``log.info("...", extra={"status": 200})``).
Chatty third-party loggers are capped: aiosqlite's debug lines print SQL parameters, which
include secrets, so they never pass whatever the level.
"""

from __future__ import annotations

import json
import logging
import logging.config
import sys
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

REQUEST_ID: ContextVar[str | None] = ContextVar("brandhub_request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from ``extra=`` (but for
# uvicorn's terminal-coloured copy of its message, which would only add escape codes).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "color_message",
}
CAPPED = {
    "aiosqlite": "WARNING",
    "asyncio": "WARNING",
    "httpx": "WARNING",
    "httpcore": "WARNING",
    "arq": "INFO",
    "alembic.runtime.plugins": "WARNING",
    "uvicorn.access": "WARNING",
}


def _stamp_request_id(
    factory: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    """Wrap the record factory so each record keeps the request id current when it was made
    (formatting may happen later, elsewhere: in a queue, in a test's capture)."""

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make.brandhub = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "brandhub", False):
    logging.setLogRecordFactory(_stamp_request_id(logging.getLogRecordFactory()))


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The structured fields of a record: its request id and whatever ``extra=`` added."""
    found = {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}
    request_id = found.pop("request_id", None)
    return {"request_id": request_id, **found} if request_id else found


class JsonLines(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **fields(record),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class Readable(logging.Formatter):
    """``12:00:01.234 INFO  brandhub.http  POST /graphql 200  request_id=… status=200``."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created).strftime("%H:%M:%S.%f")[:-3]
        extra = " ".join(f"{k}={_short(v)}" for k, v in fields(record).items() if v is not None)
        line = f"{moment} {record.levelname:<5} {record.name}  {record.getMessage()}"
        if extra:
            line += f"  {extra}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def _short(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if " " not in text else json.dumps(text)


def log_config(level: str = "INFO", *, stream: IO[str] | None = None) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for brandhub, uvicorn (also in its worker processes)
    and the libraries: one handler on stderr, JSON lines unless stderr is a terminal."""
    target = stream or sys.stderr
    formatter = "readable" if target.isatty() else "json"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": f"{__name__}.JsonLines"},
            "readable": {"()": f"{__name__}.Readable"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter,
                "stream": target if stream is not None else "ext://sys.stderr",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stderr"]},
        "loggers": {
            # uvicorn's own loggers go through the root handler, in the same format.
            "uvicorn": {"level": level.upper(), "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level.upper(), "handlers": [], "propagate": True},
            **{
                name: {"level": _at_least(cap, level), "handlers": [], "propagate": True}
                for name, cap in CAPPED.items()
            },
        },
    }


def _at_least(cap: str, level: str) -> str:
    return max(cap, level.upper(), key=logging.getLevelName)


def configure(level: str = "INFO", *, stream: IO[str] | None = None, force: bool = False) -> None:
    """Apply :func:`log_config` to this process, unless something (a test runner, a host
    application) already put handlers on the root logger: then only the caps apply."""
    if logging.getLogger().handlers and not force:
        for name, cap in CAPPED.items():
            logging.getLogger(name).setLevel(_at_least(cap, level))
        return
    logging.config.dictConfig(log_config(level, stream=stream))


# The GraphQL operations of the HTTP request being served (set by the request log, filled
# by the schema's operation log), so the request's one log line can name them.
OPERATIONS: ContextVar[list[dict[str, Any]] | None] = ContextVar(
    "brandhub_graphql_operations", default=None
)
