"""What the plain HTTP endpoints (exports, calendars) share with /graphql: a resolver context for the caller
(the same database, settings and per-request loaders, the caller's X-Request-ID and signed-in principal),
and the 401 answer to refused credentials."""

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from citygraph.auth.signin import SignInRefused
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context


async def context_for(request: Request) -> Context:
    """Raises SignInRefused (answered 401 by `signin_refused`) for credentials that are not accepted."""
    service = request.app.state.service
    return Context(
        db=service.db,
        settings=service.settings,
        loaders=Loaders(service.db),
        request_id=request.headers.get("x-request-id") or uuid.uuid4().hex[:16],
        trace=None,
        principal=await service.signin.principal(request.headers.get("authorization")),
    )


def _quoted(text: str) -> str:
    """A quoted-string for a header: printable ASCII without quotes or backslashes (RFC 6750 error_description)."""
    return "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "?" for c in text)


async def signin_refused(request: Request, error: Exception) -> Response:
    """The app's handler for SignInRefused: 401, a one-line reason, and RFC 6750's WWW-Authenticate."""
    assert isinstance(error, SignInRefused)
    challenge = 'Bearer realm="citygraph"'
    if error.error:
        challenge += f', error="{error.error}", error_description="{_quoted(error.reason)}"'
    return JSONResponse(
        {"errors": [{"message": f"Sign-in refused: {error.reason}.", "extensions": {"code": "UNAUTHENTICATED"}}]},
        status_code=401,
        headers={"www-authenticate": challenge},
    )
