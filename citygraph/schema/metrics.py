"""Operations basics (docs/operations.md): Prometheus metrics at GET /metrics and an X-Request-ID on every
response.

- `RequestMetrics` (ASGI middleware): every HTTP request's count and latency by method, route template and
  status. The request id is the client's `X-Request-ID` when it is safe (`logs.safe_request_id`), otherwise a
  new one; it is put back into the request's headers, so the GraphQL context, the error log and
  the response all carry the same id.
- `GraphQLMetrics` (schema extension): operations and their latency by operation name, and errors.
- Neo4j: every statement's server time and round-trip time by query name (citygraph.graph.database's
  query_observers).

Operation names come from clients: only [A-Za-z0-9_] names of at most 64 characters are labels, and only the
first MAX_OPERATION_NAMES distinct ones; the rest count as "other", so no client can grow the label set.
"""

import os
import re
import time
from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension

from citygraph.graph import database
from citygraph.schema.logs import REQUEST_ID as REQUEST_ID_CONTEXT
from citygraph.schema.logs import safe_request_id
from citygraph.schema.caches import PARSE_CACHE, VALIDATION_CACHE
from citygraph.schema import response_cache

MAX_OPERATION_NAMES = 200
OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUESTS = Counter("citygraph_http_requests", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "citygraph_http_request_duration_seconds", "HTTP request latency", ["method", "route"], buckets=LATENCY_BUCKETS
)
OPERATIONS = Counter("citygraph_graphql_operations", "GraphQL operations", ["operation", "outcome"])
OPERATION_LATENCY = Histogram(
    "citygraph_graphql_operation_duration_seconds", "GraphQL operation latency", ["operation"], buckets=LATENCY_BUCKETS
)
ERRORS = Counter("citygraph_graphql_errors", "GraphQL errors in responses", ["operation"])
NEO4J_QUERIES = Counter("citygraph_neo4j_queries", "Cypher statements run", ["query"])
NEO4J_SERVER_SECONDS = Counter("citygraph_neo4j_server_seconds", "Neo4j's own time (available + consumed)", ["query"])
NEO4J_LATENCY = Histogram(
    "citygraph_neo4j_query_duration_seconds", "Cypher round-trip time seen by the API", ["query"], buckets=LATENCY_BUCKETS
)

_operation_names: set[str] = set()


class CacheMetrics(Collector):
    """The parser and validation caches' own counters, read when /metrics is scraped (nothing on the hot path)."""

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        hits = CounterMetricFamily("citygraph_cache_hits", "Parser/validation cache hits", labels=["cache"])
        misses = CounterMetricFamily("citygraph_cache_misses", "Parser/validation cache misses", labels=["cache"])
        entries = GaugeMetricFamily("citygraph_cache_entries", "Documents held", labels=["cache"])
        size = GaugeMetricFamily("citygraph_cache_bytes", "Estimated memory held", labels=["cache"])
        for name, cache in (("parse", PARSE_CACHE), ("validation", VALIDATION_CACHE)):
            hits.add_metric([name], cache.hits)
            misses.add_metric([name], cache.misses)
            entries.add_metric([name], cache.entries)
            size.add_metric([name], cache.bytes)
        yield from (hits, misses, entries, size)
        # The response cache (docs/response-cache.md); summed over the apps of this process (one when serving).
        caches = list(response_cache.LIVE)
        for name, help, value in (
            ("hits", "Responses served from the response cache", lambda c: c.hits),
            ("misses", "Cacheable requests computed and offered to the response cache", lambda c: c.misses),
            ("evictions", "Responses pushed out to stay within CITYGRAPH_CACHE_MB", lambda c: c.entries.evictions),
            ("not_modified", "Requests answered 304 Not Modified (If-None-Match)", lambda c: c.not_modified),
            ("version_reads", "Reads of the graph version from Neo4j", lambda c: c.clock.reads),
        ):
            yield CounterMetricFamily(f"citygraph_response_cache_{name}", help, value=sum(value(c) for c in caches))
        yield GaugeMetricFamily(
            "citygraph_response_cache_entries", "Responses held", value=sum(len(c.entries) for c in caches)
        )
        yield GaugeMetricFamily("citygraph_response_cache_bytes", "Bytes held", value=sum(c.bytes for c in caches))


class WorkerMetrics(Collector):
    """The pid of the process that answers: with `citygraph serve --workers N`, each scrape reaches one worker."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("citygraph_worker_pid", "Process id of the API worker that answered", value=os.getpid())


REGISTRY.register(CacheMetrics())
REGISTRY.register(WorkerMetrics())


def operation_label(name: str | None) -> str:
    if not name:
        return "anonymous"
    if not OPERATION_NAME.fullmatch(name):
        return "other"
    if name not in _operation_names:
        if len(_operation_names) >= MAX_OPERATION_NAMES:
            return "other"
        _operation_names.add(name)
    return name


def _observe_query(name: str, server_ms: float, seconds: float) -> None:
    NEO4J_QUERIES.labels(name).inc()
    NEO4J_SERVER_SECONDS.labels(name).inc(server_ms / 1000)
    NEO4J_LATENCY.labels(name).observe(seconds)


if _observe_query not in database.query_observers:
    database.query_observers.append(_observe_query)


class GraphQLMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        name = operation_label(context.operation_name)
        errors = len((context.result.errors if context.result else None) or context.pre_execution_errors or [])
        OPERATIONS.labels(name, "error" if errors else "ok").inc()
        OPERATION_LATENCY.labels(name).observe(time.perf_counter() - started)
        if errors:
            ERRORS.labels(name).inc(errors)


class RequestMetrics:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = [(key, value) for key, value in scope["headers"] if key != b"x-request-id"]
        given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = safe_request_id(given)
        scope["headers"] = [*headers, (b"x-request-id", request_id.encode())]
        # For the log lines of this request, uvicorn's access line included (citygraph.schema.logs). Not reset:
        # uvicorn runs each request in its own task, and the access line is written after the app returns.
        REQUEST_ID_CONTEXT.set(request_id)
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"],
                    (b"x-request-id", request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(scope["method"], template, str(status)).inc()
            HTTP_LATENCY.labels(scope["method"], template).observe(time.perf_counter() - started)


async def metrics(request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


ROUTES = [Route("/metrics", metrics, methods=["GET"])]
