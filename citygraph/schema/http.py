"""GraphQL over HTTP as the spec (https://graphql.github.io/graphql-over-http/) asks, on top of strawberry.

Strawberry's ASGI view already speaks GET and POST with `application/json`. What this adds:

- Content negotiation: a client whose `Accept` prefers `application/graphql-response+json` gets that
  media type; everyone else (no `Accept`, `*/*`, `application/json`) gets `application/json`.
- With `application/graphql-response+json`, a *request error* (the document does not parse or validate,
  the variables do not coerce: nothing was executed) is answered 400 with no `data` key. With
  `application/json` such errors stay 200 with `data: null`, as the spec asks for legacy clients.
- Errors of the HTTP request itself (body is not JSON, no `query`, `variables` not an object) are
  GraphQL responses too: `{"errors": [{"message": …}]}` with a 4xx status, not plain text.
- A mutation sent with GET is refused with 405 and `Allow: POST`.
"""

from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str, allow: str = "POST") -> None:
        super().__init__(405, reason)
        self.allow = allow


def _media_ranges(accept: str) -> list[tuple[str, float, int]]:
    """(media range, q, position) of an Accept header; unparsable q counts as 0."""
    ranges = []
    for position, part in enumerate(accept.split(",")):
        fields = [field.strip() for field in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        ranges.append((media, q, position))
    return ranges


def negotiate_media_type(accept: str | None) -> str:
    """`application/graphql-response+json` when the client asks for it at least as strongly as for
    `application/json`; otherwise `application/json` (also for no Accept, `*/*` and anything else)."""
    if not accept:
        return JSON
    quality: dict[str, float] = {}
    for media, q, _ in _media_ranges(accept):
        quality[media] = max(q, quality.get(media, 0.0))
    graphql_q = quality.get(GRAPHQL_RESPONSE_JSON, 0.0)
    json_q = max(quality.get(JSON, 0.0), quality.get("application/*", 0.0), quality.get("*/*", 0.0))
    if graphql_q > 0 and graphql_q >= json_q:
        return GRAPHQL_RESPONSE_JSON
    return JSON


def is_request_error(result: ExecutionResult) -> bool:
    """True when the operation never executed: parse, validation or variable coercion errors. Field errors
    always carry a `path`, even when they null the whole `data`."""
    errors: list[GraphQLError] = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


class GraphQLOverHTTP(GraphQL[Any, Any]):
    """Strawberry's ASGI view with the GraphQL-over-HTTP status codes and media types."""

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub_response = await super().get_sub_response(request)
        # The negotiated media type rides on the sub-response to create_response, which gets no request.
        sub_response.media_type = negotiate_media_type(request.headers.get("accept"))
        return sub_response

    async def execute_single(  # type: ignore[override]
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=request_data,
            )
        except HTTPException as error:
            if request_adapter.method == "GET" and isinstance(error.__cause__, InvalidOperationTypeError):
                raise MethodNotAllowed(f"{error.reason}. Send it with POST.") from error
            raise

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result) and negotiate_media_type(request.headers.get("accept")) == GRAPHQL_RESPONSE_JSON:
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or JSON
        response.media_type = media_type
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and isinstance(response_data, dict)
            and "data" not in response_data
            and response_data.get("errors")
            and not sub_response.status_code
        ):
            response.status_code = 400
        return response

    def error_response(self, error: HTTPException, accept: str | None) -> Response:
        media_type = negotiate_media_type(accept)
        response = Response(
            self.encode_json({"errors": [{"message": error.reason}]}),
            status_code=error.status_code,
            media_type=f"{media_type}; charset=utf-8",
        )
        if isinstance(error, MethodNotAllowed):
            response.headers["allow"] = error.allow
        return response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            response = self.error_response(error, request.headers.get("accept"))
        await response(scope, receive, send)
