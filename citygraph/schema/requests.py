"""A resolver context for the plain HTTP endpoints (exports, calendars) that call resolvers or the schema
outside /graphql: the same database, settings and per-request loaders, and the caller's X-Request-ID."""

import uuid

from starlette.requests import Request

from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context


def context_for(request: Request) -> Context:
    service = request.app.state.service
    return Context(
        db=service.db,
        settings=service.settings,
        loaders=Loaders(service.db),
        request_id=request.headers.get("x-request-id") or uuid.uuid4().hex[:16],
        trace=None,
    )
