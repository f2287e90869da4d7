"""The ASGI app: /graphql (strawberry; GraphiQL for browsers), /graphiql-static (its assets), /healthz (process
up), /readyz (Neo4j reachable)."""

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.types.unset import UNSET

from citygraph.auth.principal import ANONYMOUS, Principal
from citygraph.auth.signin import SignIn, SignInRefused
from citygraph.dashboard import pages as dashboard
from citygraph.graph.database import Database, Trace, resolve_connection
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings, get_settings
from citygraph.graph.version import clock_for
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema import export, graphiql, ical, metrics, tracing
from citygraph.schema.http import GraphQLOverHTTP, negotiate_media_type
from citygraph.schema.logs import safe_request_id
from citygraph.schema.requests import signin_refused
from citygraph.schema.response_cache import ResponseCache
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
        self.signin = SignIn(settings, db)  # Authorization: Bearer … → the caller (citygraph/auth/signin.py)
        # CITYGRAPH_CACHE_MB=0 turns the response cache off (docs/response-cache.md).
        self.response_cache = (
            ResponseCache(int(settings.cache_mb * 1024 * 1024), clock_for(db, settings.cache_version_check_ms / 1000))
            if settings.cache_mb > 0
            else None
        )

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

    def traced(self, request: Request) -> bool:
        settings = self.service.settings
        return settings.trace or (settings.trace_header and request.headers.get(TRACE_HEADER) == "1")

    async def principal_of(self, request: Request | WebSocket) -> Principal:
        """Who is asking, worked out once per request: before the response cache is consulted (the caller's
        read scope is part of its key) and for the resolvers' Context. Raises SignInRefused (→ 401)."""
        principal: Principal | None = getattr(request.state, "principal", None)  # websockets: set in __call__
        if principal is None:
            if self.should_render_graphql_ide(self.request_adapter_class(request)):
                principal = ANONYMOUS  # the GraphiQL page runs nothing, and is where a caller pastes a key
            else:
                principal = await self.service.signin.principal(request.headers.get("authorization"))
            request.state.principal = principal
        return principal

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        compute = super().run  # bound here: the response cache calls it only on a miss
        cache = self.service.response_cache
        if cache is None or isinstance(request, WebSocket) or self.traced(request):
            return await compute(request, context, root_value)
        media_type = negotiate_media_type(request.headers.get("accept"))
        return await cache.respond(
            request, lambda: self.principal_of(request), media_type, lambda: compute(request, context, root_value)
        )

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        # RequestMetrics has put a safe id in the header already; checked again for apps mounted without it.
        request_id = safe_request_id(request.headers.get("x-request-id", ""))
        return Context(
            db=self.service.db,
            settings=self.service.settings,
            loaders=Loaders(self.service.db),
            request_id=request_id,
            trace=Trace() if self.traced(request) else None,
            principal=await self.principal_of(request),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            # Sign-in happens on the handshake (the Authorization header of non-browser clients): a refused
            # credential closes it before it is accepted, which the client sees as HTTP 403.
            websocket = WebSocket(scope, receive, send)
            try:
                websocket.state.principal = await self.service.signin.principal(websocket.headers.get("authorization"))
            except SignInRefused as refused:
                log.info("subscription refused: %s", refused.reason)
                await websocket.close(code=4401, reason=refused.reason[:120])
                return
        await super().__call__(scope, receive, send)


def _cors(settings: Settings) -> list[Middleware]:
    """CITYGRAPH_CORS_ORIGINS: pages on these origins may call the API with an Authorization header. Empty
    (the default): no CORS headers at all, so browsers keep other sites' pages from reading responses."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type", "x-request-id"],
            expose_headers=["x-request-id"],
            max_age=600,
        )
    ]


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
        exception_handlers={SignInRefused: signin_refused},  # 401 with WWW-Authenticate, from any endpoint
        # Request count/latency and X-Request-ID on every response; OpenTelemetry spans when CITYGRAPH_OTEL=1.
        middleware=[Middleware(metrics.RequestMetrics), *tracing.middleware(settings), *_cors(settings)],
    )
    app.state.service = service
    return app
