"""The Starlette application: /graphql, /healthz, /readyz, /metrics, the audit routes."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from brandhub.audit_http import KEYS_PATH, audit_file, published_keys
from brandhub.auth.passwords import Passwords
from brandhub.broadcast import Broadcast
from brandhub.db import Database
from brandhub.jobs.arq_queue import ArqQueue
from brandhub.jobs.inprocess import InProcessRunner
from brandhub.jobs.registry import JobContext
from brandhub.schema import build_schema
from brandhub.schema.context import Context, bearer
from brandhub.schema.metrics import Metrics, operation_metrics
from brandhub.settings import Settings
from brandhub.state import AppState
from brandhub.voting import keys
from brandhub.web_middleware import BodyLimit, HttpMetrics

log = logging.getLogger("brandhub")


class GraphQLApp(GraphQL):
    """Strawberry's ASGI view with brandhub's context."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state: AppState = request.app.state.brandhub
        return Context(request=request, response=response, state=state, credential=bearer(request))


async def healthz(_: Request) -> Response:
    """Liveness: the process answers."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Readiness: the database (and Redis, when configured) answer."""
    state: AppState = request.app.state.brandhub
    checks: dict[str, str] = {}
    try:
        await state.db.ping()
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    if state.redis is not None:
        try:
            await state.redis.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


async def _ensure_signing_key(state: AppState) -> None:
    """Create the seal-signing key on first start; refuse to start if the secret cannot open
    the current one (a process with the wrong BRANDHUB_SECRET_KEY must not serve)."""
    try:
        async with state.db.unit_of_work() as session:
            await keys.current_signer(session, secret=state.settings.secret_key, now=state.now())
    except keys.SigningKeyError:
        raise
    except (SQLAlchemyError, OSError) as error:  # database down or not migrated yet
        log.warning("signing key not checked at start (%s); it is created at first close", error)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the application; resources live in its lifespan."""
    settings = settings or Settings()
    metrics = Metrics()
    schema = build_schema(settings, extra_extensions=[operation_metrics(metrics)])
    graphql = GraphQLApp(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runner: InProcessRunner | None = None
        queue: ArqQueue | None = None
        if settings.redis_url:
            queue = await ArqQueue.connect(settings.redis_url, settings.arq_queue_name)
            jobs: Any = queue
        else:
            runner = InProcessRunner()
            jobs = runner
        db = Database(settings, jobs=jobs)
        state = AppState(
            settings=settings,
            db=db,
            jobs=jobs,
            passwords=Passwords(settings),
            redis=queue.pool if queue else None,
            broadcast=Broadcast(queue.pool if queue else None, settings.redis_namespace),
        )
        await _ensure_signing_key(state)
        await state.broadcast.start()
        if runner is not None:
            runner.start(JobContext(db=db, settings=settings, jobs=runner, clock=state.now))
        app.state.brandhub = state
        try:
            yield
        finally:
            await state.broadcast.stop()
            if runner is not None:
                await runner.stop()
            if queue is not None:
                await queue.close()
            await db.dispose()

    async def metrics_endpoint(_: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route(KEYS_PATH, published_keys),
            Route("/audit/{campaign}.ndjson", audit_file),
        ],
        middleware=[
            Middleware(HttpMetrics, metrics=metrics),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    return app
