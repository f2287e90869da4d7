"""Schema extensions: caches that hit, limits built once, errors people can act on, the Cypher trace."""

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import AddValidationRules, MaskErrors, ParserCache, SchemaExtension, ValidationCache
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_limit_rule

from citygraph.graph.database import current_trace
from citygraph.resolvers.errors import InputError
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
    return original is not None and not isinstance(original, (InputError, GraphQLError))


class MaskInternalErrors(MaskErrors):
    """Syntax, validation and input errors stay visible; anything unexpected becomes "Internal error"
    with the request id, and the real error goes to the log under that id."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=_is_unexpected)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", "-")
        log.error("request %s failed at %s", request_id, error.path, exc_info=error.original_error)
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


EXTENSIONS = [ParserCache, ValidationCache, Limits, MaskInternalErrors, CypherTrace]
EXTENSIONS += [TokenLimit, QueryCost, DatabaseAvailability]  # request limits and outages: cost.py, availability.py
