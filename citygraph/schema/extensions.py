"""Schema extensions: caches that hit, limits built once, errors people can act on, the Cypher trace."""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaskErrors, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule
from strawberry.types import ExecutionContext

from citygraph.graph.database import QueryTooCostly, current_trace
from citygraph.resolvers.errors import InputError
from citygraph.schema.caches import BoundedParserCache, BoundedValidationCache
from citygraph.schema.availability import DatabaseAvailability
from citygraph.schema.cost import QueryCost, TokenLimit

log = logging.getLogger("citygraph.api")

MAX_DEPTH = 12
MAX_ALIASES = 30
# Built once at import: a rule class made per request would change the validation cache's key every time.
LIMIT_RULES = [depth_limit_rule(MAX_DEPTH, None, None), max_aliases_rule(MAX_ALIASES)]


class Limits(AddValidationRules):
    def __init__(self) -> None:
        super().__init__(LIMIT_RULES)


def _is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, (InputError, QueryTooCostly, GraphQLError))


# A client's mistake is logged in one line; its message may quote the query, so only this much of it.
LOGGED_MESSAGE_CHARS = 300


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Each error once, under the request id: unexpected ones at ERROR with the traceback (the client only
    sees "Internal error", see MaskInternalErrors), the client's own (syntax, validation, a bad argument) at
    INFO in one line. Replaces strawberry's logging, which puts every error at ERROR with a traceback."""
    request_id = _request_id(execution_context)
    logged: set[str] = set()
    for error in errors:
        if _is_unexpected(error):
            log.error("request %s failed at %s", request_id, error.path, exc_info=error.original_error)
            continue
        # A members-only field refused on every row of a list repeats one message hundreds of times: once is enough.
        if error.message in logged:
            continue
        logged.add(error.message)
        message = error.message
        if len(message) > LOGGED_MESSAGE_CHARS:
            message = f"{message[:LOGGED_MESSAGE_CHARS]}… ({len(message):,} characters)"
        where = f" at {'.'.join(map(str, error.path))}" if error.path else ""
        log.info("request %s: client error%s: %s", request_id, where, message)


def _request_id(execution_context: ExecutionContext | None) -> str:
    context = execution_context.context if execution_context is not None else None
    return str(getattr(context, "request_id", "-"))


class MaskInternalErrors(MaskErrors):
    """Syntax, validation and input errors stay visible; anything unexpected becomes "Internal error"
    with the request id, and the real error is logged under that id (log_errors)."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = _request_id(self.execution_context)
        return GraphQLError(
            f"Internal error (request id {request_id})",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL", "requestId": request_id},
        )


class CypherTrace(SchemaExtension):
    """Counts Cypher round trips and database time of the operation into `extensions.cypher`."""

    def on_operation(self) -> Iterator[None]:
        trace = getattr(self.execution_context.context, "trace", None)
        token = current_trace.set(trace)
        try:
            yield
        finally:
            current_trace.reset(token)

    def get_results(self) -> dict[str, Any]:
        trace = getattr(self.execution_context.context, "trace", None)
        if trace is None:
            return {}
        return {"cypher": {"roundTrips": trace.round_trips, "dbMs": round(trace.db_ms, 3)}}


EXTENSIONS = [BoundedParserCache, BoundedValidationCache, Limits, MaskInternalErrors, CypherTrace]
EXTENSIONS += [TokenLimit, QueryCost, DatabaseAvailability]  # request limits and outages: cost.py, availability.py
