"""The Starlette application: /graphql, the web app and widget, the audit routes, /healthz,
/readyz, /metrics."""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cross_web import HTTPException  # what Strawberry's views answer as HTTP errors
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
)
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from brandhub.audit_http import KEYS_PATH, audit_file, published_keys
from brandhub.auth.passwords import Passwords
from brandhub.auth.principal_cache import PrincipalCache
from brandhub.auth.throttle import Throttle
from brandhub.broadcast import Broadcast
from brandhub.client_address import trusted_networks
from brandhub.cross_origin import ORIGIN_REGISTERED, CrossOrigin, OriginAllowlist
from brandhub.database_errors import explain
from brandhub.db import Database
from brandhub.gcfreeze import Freezer
from brandhub.going_away import Connections
from brandhub.jobs.arq_queue import ArqQueue
from brandhub.jobs.inprocess import InProcessRunner
from brandhub.jobs.registry import JobContext
from brandhub.request_json import NestedTooDeeply, decode
from brandhub.schema import build_schema, persisted
from brandhub.schema.context import Context, bearer
from brandhub.schema.live_fanout import TransportWSHandler
from brandhub.schema.metrics import Metrics, operation_metrics
from brandhub.schema.persisted import PersistedDocuments
from brandhub.schema.shared_events import SharedJson
from brandhub.settings import Settings
from brandhub.site import Site
from brandhub.state import AppState
from brandhub.voting import keys
from brandhub.voting.fanout import BODY_SENT, BodySent, Foreground, keep_server_connection
from brandhub.voting.live import LiveBoards
from brandhub.voting.writer import VoteWriter
from brandhub.web_middleware import BodyLimit, HttpMetrics, RequestLog

log = logging.getLogger("brandhub")
SUBSCRIPTION_PROTOCOLS = (GRAPHQL_TRANSPORT_WS_PROTOCOL, GRAPHQL_WS_PROTOCOL, GRAPHQL_SSE_PROTOCOL)


class App(Starlette):
    """Starlette, keeping the ASGI server's connection object in each scope for the live
    fan-out's direct writes, and counting the HTTP requests being answered, to which the
    fan-out gives way (``voting/fanout.py``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.foreground = Foreground()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        keep_server_connection(scope, send)
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        foreground = self.foreground
        foreground.enter()
        answered = False
        body_sent = scope[BODY_SENT] = BodySent()

        async def answer(message: Message) -> None:
            nonlocal answered
            if not answered and message["type"] == "http.response.start":
                answered = True  # a stream (SSE) is not foreground work once it started
                foreground.leave()
            await send(message)
            if not body_sent.sent and message.get("body"):
                body_sent.set()

        try:
            await super().__call__(scope, receive, answer)
        finally:
            if not answered:
                foreground.leave()


class GraphQLApp(GraphQL):
    """Strawberry's ASGI view with brandhub's context, JSON nesting limit, persisted queries
    and caching headers."""

    # Live pushes to anonymous subscribers leave the per-subscriber path (live_fanout.py).
    graphql_transport_ws_handler_class = TransportWSHandler

    def __init__(
        self, *args: Any, max_json_depth: int, public_cache_seconds: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_json_depth = max_json_depth
        self.public_cache_seconds = public_cache_seconds
        self.documents = PersistedDocuments()
        self.shared_json = SharedJson()

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        if isinstance(request, WebSocket):
            connections = request.app.state.brandhub.connections
            with connections.websocket(request):
                return await super().run(request, context, root_value)
        response = await super().run(request, context, root_value)
        if isinstance(request, Request) and not isinstance(response, StreamingResponse):
            response = persisted.cache_headers(
                request,
                response,
                credential=bearer(request),
                public_seconds=self.public_cache_seconds,
            )
        return response

    async def create_streaming_response(
        self, request: Any, stream: Any, sub_response: Any, headers: Any
    ) -> Response:
        """SSE: the stream ends properly when the process goes away."""
        connections = request.app.state.brandhub.connections
        return await super().create_streaming_response(
            request, connections.stream(stream), sub_response, headers
        )

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        response.cacheable = isinstance(response_data, dict) and not response_data.get("errors")  # type: ignore[attr-defined]
        return response

    async def execute_operation(
        self,
        request: Any,
        request_adapter: Any,
        request_data: Any,
        context: Any,
        root_value: Any,
        sub_response: Any,
    ) -> Any:
        """Resolve ``extensions.persistedQuery``: run the kept document, or keep a new one."""
        digest = None
        if isinstance(request_data, GraphQLRequestData):
            digest = persisted.requested_hash(request_data.extensions)
        if digest is None:
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )
        state: AppState = request.app.state.brandhub
        store = (state.redis, state.settings.redis_namespace)
        sent = request_data.query
        if sent is None:
            document = await self.documents.get(digest, *store)
            if document is None:
                return ExecutionResult(data=None, errors=[persisted.not_found_error()])
            request_data = dataclasses.replace(request_data, query=document)
        elif persisted.digest_of(sent) != digest:
            raise HTTPException(400, "provided sha does not match query")
        request.scope[persisted.SCOPE_KEY] = digest
        result = await super().execute_operation(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        errors = getattr(result, "errors", None) or ()
        if sent is not None and not any(error.path is None for error in errors):
            await self.documents.put(digest, sent, *store)  # it parsed and validated
        return result

    async def get_context(self, request: Request | WebSocket, response: Any) -> Context:
        state: AppState = request.app.state.brandhub
        return Context(request=request, response=response, state=state, credential=bearer(request))

    def _get_stream_transport_from_headers(self, headers: Any) -> Any:
        """A stream only for clients that ask for nothing else: urql lists text/event-stream
        beside JSON in every Accept, and its queries must keep getting plain JSON."""
        accept = headers.get("accept", "")
        if any(kind in accept for kind in ("application/json", "application/graphql-response")):
            return None
        return super()._get_stream_transport_from_headers(headers)

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL is served by ``GraphiQLOrAPI``: a GET here is always an operation (a
        persisted one may carry no ``query``)."""
        return False

    def is_websocket_origin_allowed(self, request: WebSocket, origin: str) -> bool:
        """Cross-origin sockets reach here only once CrossOrigin found their origin registered."""
        return bool(request.scope.get(ORIGIN_REGISTERED))

    def encode_json(self, data: object) -> str:
        """JSON of a response or message; a pushed result shared by many subscribers (the same
        ``data`` object: SharedEventExecutor) is encoded once and spliced into each message."""
        if (
            isinstance(data, dict)
            and data.get("type") == "next"
            and isinstance(data.get("id"), str)
        ):
            payload = data.get("payload")
            if isinstance(payload, dict) and payload.keys() == {"data"}:
                body = self.shared_json.encode(payload)
                return f'{{"id":{json.dumps(data["id"])},"type":"next","payload":{body}}}'
        if isinstance(data, dict) and data.keys() == {"data"}:  # an SSE event, or a response
            return self.shared_json.encode(data)
        return json.dumps(data, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        """Bodies and websocket messages alike (a websocket closes on a refused message)."""
        return decode(data, max_depth=self.max_json_depth)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body: 400 when it is not JSON or nests too deeply."""
        try:
            return self.decode_json(data)
        except NestedTooDeeply as exc:
            raise HTTPException(400, f"Request body refused: {exc.msg}") from exc
        except json.JSONDecodeError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc


class GraphiQLOrAPI:
    """GET /graphql: GraphiQL for a browser asking for HTML, the API for everyone else."""

    def __init__(self, api: ASGIApp, site: Site | None) -> None:
        self.api = api
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if self.site is not None and "text/html" in request.headers.get("accept", ""):
            response = await self.site.graphiql(request)
            await response(scope, receive, send)
            return
        await self.api(scope, receive, send)


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


def allowlist_of(scope: Any) -> OriginAllowlist | None:
    """The running app's embed-origin allowlist (None before its lifespan started)."""
    state: AppState | None = getattr(scope["app"].state, "brandhub", None)
    return state.embed_origins if state else None


async def _check_database(db: Database) -> None:
    """Say at start when the database does not answer; the app serves anyway (readyz: 503,
    GraphQL: SERVICE_UNAVAILABLE) and recovers by itself when the database is back."""
    try:
        await db.ping()
    except Exception as error:
        problem = explain(error, db.settings.database_url)
        if problem is None:
            raise
        log.error("database unavailable at start: %s", problem.message)


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


def create_app(settings: Settings | None = None) -> App:
    """Build the application; resources live in its lifespan."""
    settings = settings or Settings()
    metrics = Metrics()
    schema = build_schema(settings, extra_extensions=[operation_metrics(metrics)])
    # GraphiQL comes from our own build (web/), not from Strawberry's CDN-backed page.
    graphql = GraphQLApp(
        schema,
        graphql_ide=None,
        # Queries (never mutations: 400) over GET, so public reads can be cached.
        allow_queries_via_get=True,
        max_json_depth=settings.max_json_depth,
        public_cache_seconds=settings.public_cache_seconds,
        # WebSockets, and GraphQL over SSE for widgets behind proxies that block them.
        subscription_protocols=SUBSCRIPTION_PROTOCOLS,
    )
    site = Site(settings.web_dist_path)

    graphql_get = GraphiQLOrAPI(graphql, site if settings.graphiql else None)

    @asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
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
            throttle=Throttle.from_settings(settings, redis=queue.pool if queue else None),
            redis=queue.pool if queue else None,
            broadcast=Broadcast(queue.pool if queue else None, settings.redis_namespace),
            trusted_proxies=trusted_networks(settings.trusted_proxies),
            principals=PrincipalCache(
                seconds=settings.principal_cache_seconds,
                size=settings.principal_cache_size,
                redis=queue.pool if queue else None,
                namespace=settings.redis_namespace,
            ),
        )
        state.embed_origins = OriginAllowlist(db, settings.embed_origins_ttl_seconds)
        state.votes = VoteWriter(
            db,
            secret=settings.secret_key,
            max_batch=settings.vote_batch_max,
            tasks=settings.vote_writer_tasks or 1,
            set_based=settings.vote_set_based,
        )
        state.votes.start()
        state.boards = LiveBoards(
            db,
            state.broadcast,
            on_read=metrics.board_reads.inc,
            on_sent=metrics.live_push.observe,
            foreground=app.foreground,
            freezer=Freezer(),  # gc.freeze() a settled live audience: gcfreeze.py
        )
        state.connections = Connections()
        state.connections.on_signals()
        await _ensure_signing_key(state)
        await state.broadcast.start()
        await _check_database(db)
        if runner is not None:
            runner.start(JobContext(db=db, settings=settings, jobs=runner, clock=state.now))
        app.state.brandhub = state
        gc.freeze()  # start-up objects live on: keep them out of every collection (latency)
        try:
            yield
        finally:
            gc.unfreeze()
            await state.votes.stop()
            state.connections.restore_signals()
            await state.boards.stop()
            await state.broadcast.stop()
            if runner is not None:
                await runner.stop()
            if queue is not None:
                await queue.close()
            await db.dispose()

    async def metrics_endpoint(_: Request) -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    app = App(
        routes=[
            Route("/graphql", graphql_get, methods=["GET"]),
            Route("/graphql", graphql, methods=["POST", "OPTIONS"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route(KEYS_PATH, published_keys),
            Route("/audit/{campaign}.ndjson", audit_file),
            *site.routes(),
        ],
        middleware=[
            Middleware(RequestLog),
            Middleware(CrossOrigin, allowlist=allowlist_of),
            Middleware(HttpMetrics, metrics=metrics),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
        ],
        lifespan=lifespan,
    )
    app.state.metrics = metrics
    return app
