"""The ASGI app: /graphql (strawberry; GraphiQL for browsers), /graphiql-static (its assets), /healthz (process
up), /readyz (Neo4j reachable)."""

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from citygraph.dashboard import pages as dashboard
from citygraph.graph.database import Database, Trace, resolve_connection
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings, get_settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema import export, graphiql, ical, metrics, tracing
from citygraph.schema.http import GraphQLOverHTTP
from citygraph.schema.logs import safe_request_id
from citygraph.schema.schema import schema

log = logging.getLogger("citygraph.api")

TRACE_HEADER = "x-citygraph-trace"


# Objects allocated before gen0 is collected. A large response builds tens of thousands of short-lived
# dicts; at CPython's default (700) the cyclic collector ran many times per request and took about a fifth
# of the CPU (docs/fastpath.md). Reference counting still frees them at once; only cycles wait longer.
GC_GEN0_THRESHOLD = 50_000


def tune_gc() -> None:
    """After start-up: what is alive now lives as long as the process, so the collector stops walking it
    (gc.freeze), and collections of the youngest generation run less often."""
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, gen1, gen2)


class Service:
    """What the app holds for its lifetime: one driver, and whether the schema migrations have run."""

    def __init__(self, settings: Settings, db: Database):
        self.settings = settings
        self.db = db
        self.migrated = False

    async def ready(self) -> str | None:
        """None when Neo4j answers (running the migrations the first time it does), else the reason."""
        try:
            await self.db.ping()
            if not self.migrated:
                await migrate(self.db)
                self.migrated = True
        except Exception as error:  # any failure means "not ready"; the reason is what operators need
            first_line = (str(error).strip().splitlines() or [""])[0]
            return f"Neo4j at {self.db.connection.uri} is not reachable: {type(error).__name__}: {first_line}"
        return None


class CityGraphQL(GraphQLOverHTTP):
    """GraphQL over HTTP per the spec (see citygraph/schema/http.py), GraphiQL served from local files."""

    def __init__(self, service: Service, **kwargs: Any):
        super().__init__(schema, **kwargs)
        self.service = service

    async def render_graphql_ide(self, request: Request) -> Response:  # type: ignore[override]
        params = request.query_params
        page = graphiql.render_page(
            endpoint=request.url.path,
            example=params.get("example"),
            document=params.get("document"),  # "open in GraphiQL" links: ?document=QUERY&variables=JSON
            variables=params.get("variables"),
        )
        return HTMLResponse(page, headers={"content-security-policy": graphiql.CONTENT_SECURITY_POLICY})

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        settings = self.service.settings
        # RequestMetrics has put a safe id in the header already; checked again for apps mounted without it.
        request_id = safe_request_id(request.headers.get("x-request-id", ""))
        traced = settings.trace or (settings.trace_header and request.headers.get(TRACE_HEADER) == "1")
        return Context(
            db=self.service.db,
            settings=settings,
            loaders=Loaders(self.service.db),
            request_id=request_id,
            trace=Trace() if traced else None,
        )


def create_app(settings: Settings | None = None, db: Database | None = None) -> Starlette:
    settings = settings or get_settings()
    service = Service(settings, db or Database(resolve_connection(settings, start_embedded=False)))
    owns_db = db is None

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    last_reason: str | None = None

    async def readyz(request: Request) -> Response:
        # The reason (Bolt URI, error) is for operators, in the log, once per change of reason: anyone
        # may call /readyz, and probes call it every few seconds.
        nonlocal last_reason
        reason = await service.ready()
        if reason is not None and reason != last_reason:
            log.warning("not ready: %s", reason)
        elif reason is None and last_reason is not None:
            log.info("ready again: Neo4j answers")
        last_reason = reason
        if reason is not None:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ready"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        reason = await service.ready()
        if reason is not None:
            log.warning("starting without Neo4j: %s (see /readyz)", reason)
        tune_gc()
        yield
        if owns_db:
            await service.db.close()

    graphql_app = CityGraphQL(service, max_body_bytes=settings.max_body_bytes)
    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql_app),  # subscriptions, graphql-transport-ws (docs/calendar.md)
            Mount(f"{graphiql.STATIC_PATH}/examples", StaticFiles(directory=graphiql.EXAMPLES_DIR), name="examples"),
            Mount(graphiql.STATIC_PATH, StaticFiles(directory=graphiql.STATIC_DIR), name="graphiql-static"),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *dashboard.routes(),  # GET / and the dashboard's deep links (citygraph/dashboard/)
            *export.ROUTES,  # /export.csv|xlsx, /export/contracts.csv|xlsx (docs/export.md)
            *ical.ROUTES,  # /calendar/{borough|supplier|service-area}/{key}.ics (docs/calendar.md)
            *metrics.ROUTES,  # /metrics (docs/operations.md)
        ],
        lifespan=lifespan,
        # Request count/latency and X-Request-ID on every response; OpenTelemetry spans when CITYGRAPH_OTEL=1.
        middleware=[Middleware(metrics.RequestMetrics), *tracing.middleware(settings)],
    )
    app.state.service = service
    return app
