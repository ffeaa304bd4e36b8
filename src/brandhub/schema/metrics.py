"""Prometheus metrics of one app: HTTP requests and latency, GraphQL operations by outcome."""

from __future__ import annotations

import re
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from strawberry.extensions import SchemaExtension

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 500


class Metrics:
    """The metric families, registered in a registry of their own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "brandhub_http_requests_total",
            "HTTP requests by method, route and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "brandhub_http_request_duration_seconds",
            "HTTP request latency by route.",
            ["route"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.operations = Counter(
            "brandhub_graphql_operations_total",
            "GraphQL operations by name, type and outcome (ok, error).",
            ["operation", "type", "outcome"],
            registry=self.registry,
        )
        self.board_reads = Counter(
            "brandhub_live_board_reads_total",
            "Leaderboard snapshots read for live pushes: one per change per watched campaign "
            "per process, whatever the number of subscribers.",
            registry=self.registry,
        )
        self.live_push = Histogram(
            "brandhub_live_push_seconds",
            "From publishing a live snapshot to its last subscriber's write, per push.",
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self._names: set[str] = set()

    def operation_label(self, name: str | None) -> str:
        """A bounded label for an operation name chosen by the client."""
        if not name or not _NAME.match(name):
            return "anonymous"
        if name not in self._names:
            if len(self._names) >= MAX_OPERATION_NAMES:
                return "other"
            self._names.add(name)
        return name


def operation_metrics(metrics: Metrics) -> type[SchemaExtension]:
    """A schema extension counting operations into ``metrics``."""

    class OperationMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            yield
            ctx = self.execution_context
            result = ctx.result
            errors = getattr(result, "errors", None) if result is not None else None
            # A document that did not parse has no operation type.
            op_type = ctx.operation_type.value if ctx.graphql_document else "unknown"
            metrics.operations.labels(
                metrics.operation_label(ctx.operation_name),
                op_type,
                "error" if errors or result is None else "ok",
            ).inc()

    return OperationMetrics


def route_of(path: str) -> str:
    """Bounded route label."""
    return path if path in {"/graphql", "/healthz", "/readyz", "/metrics"} else "other"
