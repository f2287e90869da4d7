"""The response cache of /graphql (docs/response-cache.md): a successful query's response body, kept per

    (normalised document, operationName, variables as canonical JSON, caller's read scope, media type)

and served again while the graph version it was computed under is still the graph's (graph/version.py).
Every write moves the version in its own transaction, so an entry is never served after a change: at once in
the process that wrote, within CITYGRAPH_CACHE_VERSION_CHECK_MS in every other API process.

What is cached: queries only (no mutations, no subscriptions), sent as GET or as a JSON POST, answered 200 with
no `errors` at all — a partial error may be passing (a timeout, Neo4j restarting), and caching it would repeat
it for as long as the graph does not change — and without `extensions` (a traced request's figures are its
own). Everything else goes straight to the GraphQL view. Memory is bounded by the bytes of the cached bodies
(LRU, CITYGRAPH_CACHE_MB). Every cacheable response carries a strong ETag (a hash of its body) and
`Cache-Control: private, no-cache`, so browsers revalidate, and `If-None-Match` is answered 304 with no body.
"""

import hashlib
import json
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from graphql import GraphQLSyntaxError, OperationDefinitionNode, OperationType, parse, print_ast
from starlette.requests import Request
from starlette.responses import Response

from citygraph.auth.principal import Principal
from citygraph.graph.version import VersionClock
from citygraph.schema.caches import BoundedCache, cacheable
from citygraph.schema.http import JSON

# Cache-Control makes browsers and proxies ask again every time (with If-None-Match), and keeps shared
# caches from storing an answer that depends on who asks; Vary names what the answer depends on.
CACHE_CONTROL = "private, no-cache"
VARY = "Authorization, Accept"
ENTRY_OVERHEAD_BYTES = 500  # key, entry and LRU bookkeeping: 505 bytes for a one-variable key (tracemalloc)


@dataclass(frozen=True)
class Operation:
    """What a query text says, worked out once per distinct text (operation_of)."""

    normalised: str  # graphql-core's print of the parsed document: whitespace, commas and comments gone
    kinds: dict[str | None, OperationType]  # operation name (None: the only, unnamed one) → its kind


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    etag: str
    size: int


class _Entries(LRUCache[tuple[Any, ...], Entry]):
    """An LRUCache that counts what it pushes out to make room."""

    evictions = 0

    def popitem(self) -> tuple[tuple[Any, ...], Entry]:
        item = super().popitem()
        self.evictions += 1
        return item


# Query text → Operation: parsing and printing is done once per distinct text, not once per request. Bounded
# like the parser cache (caches.py), by entries and bytes.
_OPERATIONS = BoundedCache(max_entries=1000, max_bytes=8 * 1024 * 1024)


def _parse_operation(query: str) -> Operation | None:
    try:
        document = parse(query, no_location=True)
    except GraphQLSyntaxError:
        return None
    kinds: dict[str | None, OperationType] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            kinds[definition.name.value if definition.name else None] = definition.operation
    return Operation(print_ast(document), kinds)


def operation_of(query: str) -> Operation | None:
    """None when the text does not parse (the GraphQL view then says why)."""
    return _OPERATIONS.get_or_compute(query, lambda: _parse_operation(query), lambda op: 2 * len(query) + 200)


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _loads(text: str | bytes) -> Any:
    """JSON as the GraphQL view reads it; NaN and Infinity are refused there, so here they bypass the cache."""
    return json.loads(text, parse_constant=_refuse)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 13.1.2: weak comparison, a list of tags, or `*`."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


async def request_key(request: Request, media_type: str) -> tuple[Any, ...] | None:
    """The cache key of a GET or JSON POST that asks for a query, without the caller's scope and the graph
    version; None for everything the cache leaves to the GraphQL view."""
    if request.method == "GET":
        params = request.query_params
        query, operation_name, variables_text = (params.get(name) for name in ("query", "operationName", "variables"))
        if params.get("extensions"):
            return None
        try:
            variables = _loads(variables_text) if variables_text else None
        except ValueError:
            return None
    elif request.method == "POST" and request.headers.get("content-type", "").partition(";")[0].strip() == JSON:
        try:
            data = _loads(await request.body())  # the body stays on the request for the GraphQL view
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("extensions") is not None:
            return None
        query, operation_name, variables = data.get("query"), data.get("operationName"), data.get("variables")
    else:
        return None
    if (
        not isinstance(query, str)
        or not cacheable(query)
        or not isinstance(operation_name, str | None)
        or not isinstance(variables, dict | None)
    ):
        return None
    operation = operation_of(query)
    if operation is None:
        return None
    if operation_name is None and len(operation.kinds) != 1:
        return None  # several operations and none chosen: the view answers with the error
    kind = operation.kinds.get(operation_name) if operation_name else next(iter(operation.kinds.values()))
    if kind is not OperationType.QUERY:
        return None
    return (operation.normalised, operation_name or "", _canonical(variables or {}), media_type)


class ResponseCache:
    """One per API process (one per app): the entries, and the clock that says which graph version is current."""

    def __init__(self, max_bytes: int, clock: VersionClock):
        self.clock = clock
        self.entries = _Entries(maxsize=max_bytes, getsizeof=lambda entry: entry.size)
        self.hits = 0
        self.misses = 0
        self.not_modified = 0
        LIVE.add(self)

    async def respond(
        self,
        request: Request,
        principal: Callable[[], Awaitable[Principal]],
        media_type: str,
        compute: Callable[[], Awaitable[Response]],
    ) -> Response:
        """The cached response when there is a fresh one, else `compute()`'s (kept when it qualifies). The caller
        is identified (`principal()`) only for a cacheable request: the GraphiQL page, for one, needs no sign-in."""
        key = await request_key(request, media_type)
        if key is None:
            return await compute()
        scope = (await principal()).read_scope
        try:
            # Read before the query runs: an entry then never holds data older than the version it is kept under.
            version = await self.clock.current()
        except Exception:  # Neo4j unreachable: no version, so no cached answer; the view reports the outage
            return await compute()
        full_key = (*key, scope, version)
        entry = self.entries.get(full_key)
        if entry is not None:
            self.hits += 1
            return self._answer(request, entry, "hit")
        self.misses += 1
        response = await compute()
        entry = self._entry(response)
        if entry is None:
            return response
        if entry.size <= self.entries.maxsize:
            self.entries[full_key] = entry
        return self._answer(request, entry, "miss", response)

    def _entry(self, response: Response) -> Entry | None:
        """The entry for a 200 whose body is a plain success: no errors, no extensions."""
        body = getattr(response, "body", None)  # streamed responses (@defer, subscriptions) have none
        if response.status_code != 200 or not isinstance(body, bytes):
            return None
        # A key "errors" or "extensions" can only appear quoted and followed by a colon as an object key; an alias
        # of that name also matches, which only means that answer is not cached.
        if b'"errors":' in body or b'"extensions":' in body:
            return None
        content_type = response.headers.get("content-type", "application/json")
        return Entry(body, content_type, etag_of(body), len(body) + ENTRY_OVERHEAD_BYTES)

    def _answer(self, request: Request, entry: Entry, outcome: str, response: Response | None = None) -> Response:
        headers = {"etag": entry.etag, "cache-control": CACHE_CONTROL, "vary": VARY, "x-cache": outcome}
        if matches(request.headers.get("if-none-match"), entry.etag):
            self.not_modified += 1
            return Response(status_code=304, headers=headers)
        if response is None:
            response = Response(entry.body, headers={"content-type": entry.content_type})
        response.headers.update(headers)
        return response

    @property
    def bytes(self) -> int:
        return int(self.entries.currsize)


LIVE: "weakref.WeakSet[ResponseCache]" = weakref.WeakSet()  # read by /metrics (metrics.CacheMetrics)
