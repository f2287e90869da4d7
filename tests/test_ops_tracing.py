"""Optional OpenTelemetry tracing (CITYGRAPH_OTEL=1) over HTTP against the real Neo4j: a request span from
OpenTelemetry's ASGI middleware with a child span per Cypher statement, collected by the SDK's in-memory
exporter; with the setting off, nothing is traced."""

import httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from citygraph.graph import database
from citygraph.graph.database import Database
from citygraph.graph.reference import seed
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from citygraph.schema.tracing import _trace_statement

EXPORTER = InMemorySpanExporter()


def _provider() -> None:
    if not isinstance(trace.get_tracer_provider(), TracerProvider):  # the global provider is set once a process
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        trace.set_tracer_provider(provider)


async def _ask(db: Database, settings: Settings) -> None:
    app = create_app(settings, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as client:
        response = await client.post("/graphql", json={"query": "{ boroughs { name systems { name } } }"})
        assert response.status_code == 200 and "errors" not in response.json()
        assert (await client.get("/healthz")).status_code == 200


async def test_requests_and_statements_become_spans_when_enabled(db: Database, settings: Settings):
    await seed(db)  # 33 councils, so the nested systems level runs its own statement
    _provider()
    EXPORTER.clear()
    try:
        # The DataLoader path, whose statements have names; the fast path would run one "cypher projection".
        await _ask(db, settings.model_copy(update={"otel": True, "fastpath": False}))
    finally:
        database.query_observers.remove(_trace_statement)  # other tests' apps run untraced
    spans = EXPORTER.get_finished_spans()
    [request] = [span for span in spans if span.parent is None]
    assert request.name.startswith("POST") and request.attributes["http.status_code"] == 200
    statements = sorted(span.name for span in spans if span.name.startswith("cypher "))
    assert statements == ["cypher boroughs", "cypher systems_of_boroughs"]
    assert all(
        span.context.trace_id == request.context.trace_id and span.parent is not None
        for span in spans if span.name.startswith("cypher ")
    )
    assert all(span.start_time <= span.end_time for span in spans)
    assert not [span for span in spans if "healthz" in span.name]  # probes are not traced


async def test_nothing_is_traced_when_off(db: Database, settings: Settings):
    _provider()
    EXPORTER.clear()
    await _ask(db, settings)
    assert EXPORTER.get_finished_spans() == ()
