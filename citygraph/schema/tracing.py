"""Optional OpenTelemetry tracing (CITYGRAPH_OTEL=1, docs/operations.md): a span per HTTP request from
OpenTelemetry's own ASGI middleware, and inside it a span per Cypher statement with its query name and
Neo4j's own time. Spans go to whatever tracer provider the process has: run the API under
`opentelemetry-instrument` (opentelemetry-distro) to export them with the standard OTEL_* variables.
Off by default; the packages are the optional extra `citygraph[otel]`."""

import time

from starlette.middleware import Middleware

from citygraph.graph import database
from citygraph.graph.settings import Settings

UNTRACED_PATHS = "healthz,readyz,metrics"  # probes and scrapes would drown the requests people look at


def middleware(settings: Settings) -> list[Middleware]:
    if not settings.otel:
        return []
    try:
        from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    except ImportError:
        raise RuntimeError(
            "CITYGRAPH_OTEL=1 needs the OpenTelemetry packages: pip install 'citygraph[otel]'"
        ) from None
    if _trace_statement not in database.query_observers:
        database.query_observers.append(_trace_statement)
    return [Middleware(OpenTelemetryMiddleware, excluded_urls=UNTRACED_PATHS)]


def _trace_statement(name: str, db_ms: float, seconds: float) -> None:
    """Called as each statement finishes, in the request's context: the span is dated back to its start."""
    from opentelemetry import trace

    end = time.time_ns()
    span = trace.get_tracer("citygraph").start_span(
        f"cypher {name}", start_time=end - int(seconds * 1e9), attributes={"db.system": "neo4j", "db.server_ms": db_ms}
    )
    span.end(end_time=end)
