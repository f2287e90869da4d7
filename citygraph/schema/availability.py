"""Neo4j down is a 503, not "Internal error".

Before an operation that needs the database runs, the service makes sure Neo4j answered within the last
second, pinging it when not (one ping at a time; a failed ping is reused for half a second). A ping against
a stopped Neo4j fails in milliseconds, so while it is down every request is refused at once instead of
waiting out the driver's 30 s of retries. An operation whose statements fail because Neo4j went away
mid-request is answered the same way. Either way the response is one GraphQL error with the code
DATABASE_UNAVAILABLE, which `http.py` sends as HTTP 503 with `Retry-After`; nothing needs restarting: the
next ping that succeeds lets requests through again. Introspection-only operations never touch Neo4j and
are always answered.
"""

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Iterator

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import FieldNode, GraphQLError
from neo4j.exceptions import AuthError, DatabaseUnavailable, ServiceUnavailable, SessionExpired
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from citygraph.graph.database import Database
from citygraph.schema.cost import selected_operation

log = logging.getLogger("citygraph.api")

UNAVAILABLE = "DATABASE_UNAVAILABLE"
RETRY_AFTER_S = 5
CONFIRMED_FOR_S = 1.0  # a successful ping lets requests through without another for this long
FAILED_FOR_S = 0.5  # a failed ping answers for this long before the next one
PING_TIMEOUT_S = 2.0  # how long a request waits for the ping before going ahead anyway

OUTAGE_ERRORS = (ServiceUnavailable, SessionExpired, DatabaseUnavailable, AuthError, ConnectionError)


def is_outage(error: BaseException | None) -> bool:
    """Whether the error, or one it was raised from, says Neo4j cannot be reached."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def unavailable_error(request_id: str) -> GraphQLError:
    return GraphQLError(
        f"The database is unavailable; try again in {RETRY_AFTER_S} seconds (request id {request_id}).",
        extensions={"code": UNAVAILABLE, "requestId": request_id},
    )


class Availability:
    """Whether one Database's Neo4j answers, checked at most every CONFIRMED_FOR_S seconds."""

    def __init__(self, db: Database):
        self.db = db
        self.confirmed_at = float("-inf")
        self.failed_at = float("-inf")
        self.reason = ""
        self.lock = asyncio.Lock()

    async def check(self) -> str | None:
        """None when Neo4j answered recently or answers a ping now; otherwise why not."""
        if time.monotonic() - self.confirmed_at < CONFIRMED_FOR_S:
            return None
        async with self.lock:  # concurrent requests share one ping
            now = time.monotonic()
            if now - self.confirmed_at < CONFIRMED_FOR_S:
                return None
            if now - self.failed_at < FAILED_FOR_S:
                return self.reason
            try:
                await asyncio.wait_for(self.db.ping(), PING_TIMEOUT_S)
            except Exception as error:
                if not is_outage(error):
                    # A slow answer (an overloaded Neo4j) or a bug (a closed driver) is no outage: the request
                    # goes ahead and is served slowly, or fails and is logged as what it is.
                    return None
                self.failed_at = time.monotonic()
                first_line = (str(error).strip().splitlines() or [""])[0]
                self.reason = f"{type(error).__name__}: {first_line}"
                return self.reason
            self.confirmed_at = time.monotonic()
            return None

    def lost(self) -> None:
        self.confirmed_at = float("-inf")


_availability: "weakref.WeakKeyDictionary[Database, Availability]" = weakref.WeakKeyDictionary()


def availability(db: Database) -> Availability:
    found = _availability.get(db)
    if found is None:
        found = _availability[db] = Availability(db)
    return found


class DatabaseAvailability(SchemaExtension):
    """Listed after MaskInternalErrors, so it sees the driver's errors before they are masked."""

    def _request_id(self) -> str:
        return getattr(self.execution_context.context, "request_id", "-")

    def _needs_database(self) -> bool:
        context = self.execution_context
        if context.graphql_document is None:
            return False
        operation = selected_operation(context.graphql_document, context.operation_name)
        if operation is None:
            return True
        return not all(
            isinstance(selection, FieldNode) and selection.name.value.startswith("__")
            for selection in operation.selection_set.selections
        )

    async def on_execute(self) -> AsyncIterator[None]:
        db = getattr(self.execution_context.context, "db", None)
        if isinstance(db, Database) and self._needs_database():
            reason = await availability(db).check()
            if reason is not None:
                log.warning("request %s refused: Neo4j at %s is unavailable: %s", self._request_id(), db.connection.uri, reason)
                raise unavailable_error(self._request_id())
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if not isinstance(result, (GraphQLExecutionResult, ExecutionResult)) or not result.errors:
            return
        lost = [error for error in result.errors if is_outage(error.original_error)]
        if not lost:
            return
        db = getattr(self.execution_context.context, "db", None)
        if isinstance(db, Database):
            availability(db).lost()
        log.warning("request %s: Neo4j became unavailable: %s", self._request_id(), lost[0].original_error)
        result.data = None
        result.errors = [unavailable_error(self._request_id())]
