"""GraphQL over HTTP as the spec (https://graphql.github.io/graphql-over-http/) asks, on top of strawberry.

Strawberry's ASGI view already speaks GET and POST with `application/json`. What this adds:

- Content negotiation: a client whose `Accept` prefers `application/graphql-response+json` gets that
  media type; everyone else (no `Accept`, `*/*`, `application/json`) gets `application/json`.
- With `application/graphql-response+json`, a *request error* (the document does not parse or validate,
  the variables do not coerce: nothing was executed) is answered 400 with no `data` key. With
  `application/json` such errors stay 200 with `data: null`, as the spec asks for legacy clients.
- Errors of the HTTP request itself (body is not JSON, no `query`, `variables` not an object) are
  GraphQL responses too: `{"errors": [{"message": …}]}` with a 4xx status, not plain text.
- A mutation sent with GET is refused with 405 and `Allow: POST`; a POST whose body is not
  `application/json` (a form, text/plain) with 415.
- Bodies that are not what the spec asks for get a 4xx with a one-line reason, never a 500: not UTF-8,
  not JSON (or JSON nested too deeply, NaN, lone UTF-16 surrogates), not a JSON object, a list (batching is
  off: one operation per request), or more than `CITYGRAPH_MAX_BODY_BYTES` (413; a GET query string over
  it: 414).
- A response whose error says the database is unavailable (see availability.py) is sent as 503 with
  `Retry-After`; one whose write was over the rate limit (RATE_LIMITED) as 429 with `Retry-After`.
"""

import asyncio
import json
import logging
import re
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from citygraph.schema.availability import RETRY_AFTER_S, UNAVAILABLE

log = logging.getLogger("citygraph.api")

ABANDONED = "A field failed and the rest of the request was abandoned; check its arguments and send it again."
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
RATE_LIMITED = "RATE_LIMITED"  # extensions.code of a write over CITYGRAPH_WRITE_RATE; extensions.retryAfter: seconds
JSON = "application/json"
DEFAULT_MAX_BODY_BYTES = 65_536
# A \uD800-\uDFFF escape: JSON allows it, but alone (not as half of a pair) it is no Unicode character.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str, allow: str = "POST") -> None:
        super().__init__(405, reason)
        self.allow = allow


class TooLarge(HTTPException):
    def __init__(self, size: int | None, limit: int, status_code: int = 413) -> None:
        what = "request body" if status_code == 413 else "query string"
        size_text = f"is {size:,} bytes" if size is not None else "is larger"
        super().__init__(status_code, f"The {what} {size_text}; the limit is {limit:,} bytes (CITYGRAPH_MAX_BODY_BYTES).")


def _json_kind(value: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number"
    )


def _refuse_constant(name: str) -> Any:
    raise HTTPException(400, f"The request is not valid JSON: {name} is not a JSON value.")


def _has_lone_surrogate(value: object) -> bool:
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


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

    def __init__(self, schema: Any, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, **kwargs: Any) -> None:
        super().__init__(schema, **kwargs)
        self.max_body_bytes = max_body_bytes

    def encode_json(self, data: object) -> bytes:
        # orjson: several times faster than json.dumps on large responses; the same JSON text for what
        # responses hold, except NaN/Infinity (null instead of invalid JSON). What it refuses (an integer
        # beyond 64 bits) goes through json as before.
        try:
            return orjson.dumps(data)
        except TypeError:
            return json.dumps(data, separators=(",", ":")).encode()

    def decode_json(self, data: str | bytes) -> object:
        if isinstance(data, bytes):
            try:
                data = data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise HTTPException(400, f"The request is not valid UTF-8 (byte {error.start}).") from error
        try:
            value = json.loads(data, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise HTTPException(400, "The request's JSON is nested too deeply.") from error
        if _SURROGATE_ESCAPE.search(data) and _has_lone_surrogate(value):
            raise HTTPException(400, "The request's JSON holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF).")
        return value

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except json.JSONDecodeError as error:
            raise HTTPException(
                400, f"The request is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
            ) from error

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:  # type: ignore[override]
        content_type, _ = parse_content_type(request.content_type or "")
        if request.method != "POST":
            return await super().parse_http_body(request)  # type: ignore[return-value]
        if content_type.lower() != JSON:
            # Only JSON: a form or text/plain POST is what another site's page can send without a CORS
            # preflight, so refusing them keeps such pages from running mutations with a browser's credentials.
            shown = content_type if request.content_type else "none"
            raise HTTPException(415, f"Send the request body as JSON with Content-Type: application/json (got {shown}).")
        data = self.parse_json(await request.get_body())
        if isinstance(data, list):
            raise HTTPException(400, "Send one operation per request: batching is not enabled.")
        if not isinstance(data, dict):
            raise HTTPException(400, f"The request body must be a JSON object with a `query`, not {_json_kind(data)}.")
        for key, kinds, wanted in (
            ("query", (str,), "a string"),
            ("operationName", (str,), "a string"),
            ("variables", (dict,), "an object"),
            ("extensions", (dict,), "an object"),
        ):
            value = data.get(key)
            if value is not None and not isinstance(value, kinds):
                raise HTTPException(
                    400, f"The GraphQL operation's `{key}` must be {wanted} or null, if provided, not {_json_kind(value)}."
                )
        return GraphQLRequestData(
            query=data.get("query"),
            variables=data.get("variables"),
            operation_name=data.get("operationName"),
            extensions=data.get("extensions"),
            protocol="http",
        )

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
        except asyncio.CancelledError:
            # graphql-core cancels the siblings of a field whose error nulls their parent; a DataLoader future
            # they shared can hand that CancelledError to a task nobody cancelled (found by bench/fuzz.py:
            # 6 in 10,000). Only the cancellation of this request itself (the client went away) propagates.
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise
            log.warning("request abandoned after a field error: a cancelled sibling leaked its cancellation")
            return ExecutionResult(
                data=None,
                errors=[GraphQLError(ABANDONED, extensions={"code": "ABANDONED"})],
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
        codes = {
            (error.get("extensions") or {}).get("code"): error.get("extensions") or {}
            for error in (response_data.get("errors") or () if isinstance(response_data, dict) else ())
        }
        unavailable = UNAVAILABLE in codes
        if unavailable:
            response_data.pop("data", None)  # type: ignore[union-attr]
        response = super().create_response(response_data, sub_response)
        if unavailable:
            response.status_code = 503
            response.headers["retry-after"] = str(RETRY_AFTER_S)
        elif RATE_LIMITED in codes:  # the write rate limit (citygraph/resolvers/ratelimit.py)
            response.status_code = 429
            response.headers["retry-after"] = str(codes[RATE_LIMITED]["retryAfter"])
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
        request = Request(scope=scope, receive=self._limited(receive))
        try:
            self._check_size(scope, request)
            response = await self.run(request)
        except HTTPException as error:
            response = self.error_response(error, request.headers.get("accept"))
        await response(scope, receive, send)

    def _check_size(self, scope: Scope, request: Request) -> None:
        """Refuses what is announced too large before reading it."""
        query_string = scope.get("query_string") or b""
        if len(query_string) > self.max_body_bytes:
            raise TooLarge(len(query_string), self.max_body_bytes, status_code=414)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            raise TooLarge(int(length), self.max_body_bytes)

    def _limited(self, receive: Receive) -> Receive:
        """`receive` that stops a body (chunked, or longer than announced) at the limit."""
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise TooLarge(None, self.max_body_bytes)
            return message

        return limited
