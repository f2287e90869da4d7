"""The ASGI app: /graphql (strawberry; GraphiQL for browsers), /graphiql-static (its assets), /healthz (process
up), /readyz (Neo4j reachable)."""

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from citygraph.graph.database import Database, Trace, resolve_connection
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings, get_settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema import graphiql
from citygraph.schema.http import GraphQLOverHTTP
from citygraph.schema.schema import schema

log = logging.getLogger("citygraph.api")

TRACE_HEADER = "x-citygraph-trace"


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
        page = graphiql.render_page(endpoint=request.url.path, example=request.query_params.get("example"))
        return HTMLResponse(page, headers={"content-security-policy": graphiql.CONTENT_SECURITY_POLICY})

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        settings = self.service.settings
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
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

    async def readyz(request: Request) -> Response:
        reason = await service.ready()
        if reason is not None:
            return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
        return JSONResponse({"status": "ready", "neo4j": service.db.connection.uri})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        reason = await service.ready()
        if reason is not None:
            log.warning("starting without Neo4j: %s (see /readyz)", reason)
        yield
        if owns_db:
            await service.db.close()

    graphql_app = CityGraphQL(service, max_body_bytes=settings.max_body_bytes)
    app = Starlette(
        routes=[
            Route("/graphql", graphql_app, methods=["GET", "POST"]),
            Mount(f"{graphiql.STATIC_PATH}/examples", StaticFiles(directory=graphiql.EXAMPLES_DIR), name="examples"),
            Mount(graphiql.STATIC_PATH, StaticFiles(directory=graphiql.STATIC_DIR), name="graphiql-static"),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
        ],
        lifespan=lifespan,
    )
    app.state.service = service
    return app
