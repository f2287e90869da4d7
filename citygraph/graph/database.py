"""Driver lifecycle and the two ways CityGraph talks to Neo4j: read and write named queries."""

import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, LiteralString, TypeVar

import neo4j
from neo4j import (
    AsyncDriver,
    AsyncGraphDatabase,
    AsyncManagedTransaction,
    AsyncTransaction,
    EagerResult,
    RoutingControl,
)
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.time import Date, DateTime

from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.settings import Settings
from citygraph.queries import cypher

Row = dict[str, Any]
T = TypeVar("T")

DEFAULT_QUERY_TIMEOUT_S = 10.0  # CITYGRAPH_QUERY_TIMEOUT_S
DEFAULT_WRITE_TIMEOUT_S = 600.0  # CITYGRAPH_WRITE_TIMEOUT_S
# Neo4j's codes for a transaction stopped at one of its bounds. The memory-pool one is a TransientError, which
# the driver would otherwise retry for up to 30 s only to fail the same way each time.
_TIMED_OUT = {
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
}
_OUT_OF_MEMORY = {
    "Neo.ClientError.General.TransactionOutOfMemoryError",
    "Neo.TransientError.General.MemoryPoolOutOfMemoryError",
}
BROADEN_HINT = "ask for less: a smaller first, limit, top or depth, or a narrower filter"


class QueryTooCostly(Exception):
    """Neo4j stopped a statement at one of its bounds: the transaction timeout (`CITYGRAPH_QUERY_TIMEOUT_S`)
    or its transaction memory limit. Never retried. The message is meant for the API caller: what happened
    and what to narrow (`hint`, which a resolver may make specific with `narrowed`)."""

    def __init__(self, bound: Literal["time", "memory"], timeout_s: float, hint: str = BROADEN_HINT):
        self.bound, self.timeout_s, self.hint = bound, timeout_s, hint
        # graphql-core copies an exception's `extensions` into the GraphQL error it becomes.
        self.extensions = {"code": "QUERY_TIMEOUT" if bound == "time" else "QUERY_TOO_LARGE"}
        if bound == "time":
            what = f"The query took too long: the database stopped it after {timeout_s:g} s"
        else:
            what = "The query was too large: it needed more memory than the database allows one query"
        super().__init__(f"{what}. To get an answer, {hint}.")

    def narrowed(self, hint: str) -> "QueryTooCostly":
        return QueryTooCostly(self.bound, self.timeout_s, hint)


@dataclass
class Trace:
    """Cypher round trips and database time of one GraphQL request (see CITYGRAPH_TRACE)."""

    round_trips: int = 0
    db_ms: float = 0.0


current_trace: ContextVar[Trace | None] = ContextVar("citygraph_trace", default=None)

# Called after every named statement with (query name, Neo4j's own ms, wall seconds): /metrics registers here.
query_observers: list[Callable[[str, float, float], None]] = []
# Called after every write transaction this process commits: the response cache re-reads the graph version then
# (citygraph/graph/version.py's VersionClock), so this process never answers from before its own write.
commit_observers: list[Callable[[], None]] = []
# Writes no reader can see (the import lock, staged rows not yet published) leave the graph version alone, and so
# does emptying the graph (tests), which deletes the version too: the next write starts a new one, whose stamp
# (version.stamp: counter and time) differs from every earlier one. Every other `write` moves it in its own
# transaction, so no cached response outlives a change.
_UNSEEN_WRITES = ("import_lock_", "import_stage_", "clear_graph")


def _too_costly(error: Neo4jError, timeout_s: float) -> "QueryTooCostly | None":
    """What to raise at once for a statement Neo4j stopped at its timeout or memory limit (the driver would
    retry the memory one); None for any other error."""
    if error.code in _TIMED_OUT:
        return QueryTooCostly("time", timeout_s)
    if error.code in _OUT_OF_MEMORY:
        return QueryTooCostly("memory", timeout_s)
    return None


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str
    query_timeout_s: float = DEFAULT_QUERY_TIMEOUT_S  # transaction timeout of every read
    write_timeout_s: float = DEFAULT_WRITE_TIMEOUT_S  # and of every write


def resolve_connection(settings: Settings, start_embedded: bool = True, progress=print) -> Connection:
    """NEO4J_URI when set; otherwise the embedded Neo4j of CITYGRAPH_HOME, started if it is not running."""
    if settings.neo4j_uri:
        return Connection(
            settings.neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password or "",
            settings.neo4j_database,
            settings.query_timeout_s,
            settings.write_timeout_s,
        )
    embedded = EmbeddedNeo4j.from_settings(settings)
    status = embedded.status()
    if status.running and status.uri:
        uri = status.uri
    elif start_embedded:
        progress(f"Starting embedded Neo4j in {embedded.home} …")
        uri = embedded.start(settings.bolt_port, progress)
    else:
        uri = f"bolt://127.0.0.1:{settings.bolt_port}"
    return Connection(
        uri, "neo4j", embedded.password(), settings.neo4j_database, settings.query_timeout_s, settings.write_timeout_s
    )


def _native(value: Any) -> Any:
    """Neo4j temporal values to Python's. Exact type checks: this runs on every value of every row."""
    kind = type(value)
    if kind is dict:
        return {key: _native(item) for key, item in value.items()}
    if kind is list:
        return [_native(item) for item in value]
    if kind is Date or kind is DateTime:
        return value.to_native()
    return value


def _native_row(record: neo4j.Record) -> Row:
    return _native(dict(record.items()))


def _decoded_row(record: neo4j.Record) -> Row:
    """A row as the driver decoded it: for statements that return no Neo4j date or datetime."""
    return dict(record.items())


class Database:
    """One async driver, one database. Reads go through read transactions so a cluster can spread them."""

    def __init__(self, connection: Connection):
        self.connection = connection
        # No notifications: the statements are fixed and reviewed, and on a graph where an optional property
        # was never written (e.g. `vcse` in the UK demo) Neo4j would warn on every request, which the driver
        # logs as a WARNING each time.
        self.driver: AsyncDriver = AsyncGraphDatabase.driver(
            connection.uri,
            auth=(connection.user, connection.password),
            max_connection_pool_size=50,
            notifications_min_severity=neo4j.NotificationMinimumSeverity.OFF,
        )

    async def close(self) -> None:
        await self.driver.close()

    async def ping(self) -> None:
        """Raises when Neo4j cannot be reached or refuses our credentials."""
        await self.driver.verify_connectivity()

    async def read(self, query: str, **params: Any) -> list[Row]:
        return await self._read(cypher(query), params, query, _native_row)

    async def read_decoded(self, query: str, **params: Any) -> list[Row]:
        """`read` without `_native`'s walk: the rows as the driver decoded them, for a statement that returns no
        Neo4j date or datetime (the analytics give dates as ISO text). On a long answer the walk over every value
        cost a tenth of the request (the UK demo's joint procurement: ~280,000 values)."""
        return await self._read(cypher(query), params, query, _decoded_row)

    async def read_statement(self, statement: LiteralString, **params: Any) -> list[Row]:
        """A named statement with its compiled filter and sort in place (citygraph/graph/filters.py)."""
        return await self._read(statement, params, "filtered", _native_row)

    async def _read(
        self, statement: LiteralString, params: dict[str, Any], name: str, row: Callable[[neo4j.Record], Row]
    ) -> list[Row]:
        """One auto-commit read (`_read_once`); where that fails in a way a retry could mend (a lost
        connection, a cluster member gone), the managed read, which retries. Stopped at the timeout or the
        memory limit: QueryTooCostly at once, as `_execute` does."""
        try:
            return await self._read_once(statement, params, name, row)
        except (Neo4jError, DriverError) as error:
            if isinstance(error, Neo4jError) and (costly := _too_costly(error, self.connection.query_timeout_s)):
                raise costly from error
            if not error.is_retryable():
                raise
        return await self._run(statement, params, RoutingControl.READ, name, row=row)

    async def write(self, query: str, **params: Any) -> list[Row]:
        bump = not query.startswith(_UNSEEN_WRITES)
        return await self._run(cypher(query), params, RoutingControl.WRITE, query, bump_version=bump)

    async def write_batches(self, query: str, rows: Sequence[Row], batch_size: int = 5000, **params: Any) -> int:
        """Runs `query` with `$rows` bound to successive batches; returns the number of rows sent."""
        for start in range(0, len(rows), batch_size):
            await self.write(query, rows=list(rows[start : start + batch_size]), **params)
        return len(rows)

    async def run_text(self, text: str, params: dict[str, Any] | None = None, write: bool = False) -> list[Row]:
        """A statement that is not a named query: schema statements from `queries/schema.cypher`, or an
        operator's own statement from `citygraph cypher` (always run read-only there)."""
        result = await self._execute(text, params or {}, RoutingControl.WRITE if write else RoutingControl.READ)
        return [_native(record.data()) for record in result.records]

    async def read_values(self, statement: LiteralString, params: dict[str, Any]) -> list[list[Any]]:
        """Rows as lists of values, as the driver decoded them: for a statement that returns the response's
        shape with dates as strings already (graph/projection.py), where `_native`'s walk over every value
        and every row's dict would only cost time. Nothing is retried here: the fast path's caller falls back
        to the normal path on any error, and that path retries and reports as usual."""
        return await self._read_once(statement, params, "projection", neo4j.Record.values)

    async def _read_once(
        self, statement: LiteralString, params: dict[str, Any], name: str, row: Callable[[neo4j.Record], T]
    ) -> list[T]:
        """One auto-commit read with the query timeout: RUN and PULL go out together and no COMMIT follows,
        one round trip where a managed transaction takes two (BEGIN with RUN, then COMMIT) — a third of the
        server's CPU for a small answer (a profile of supplierConcentration over HTTP). Not retried."""
        started = time.perf_counter()
        async with self.driver.session(
            database=self.connection.database,
            default_access_mode=neo4j.READ_ACCESS,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
        ) as session:
            result = await session.run(neo4j.Query(statement, timeout=self.connection.query_timeout_s), params)
            rows = [row(record) async for record in result]
            summary = await result.consume()
        self._observe(name, summary, started)
        return rows

    async def _run(
        self,
        statement: LiteralString,
        params: dict[str, Any],
        routing: RoutingControl,
        name: str,
        bump_version: bool = False,
        row: Callable[[neo4j.Record], Row] = _native_row,
    ) -> list[Row]:
        started = time.perf_counter()
        result = await self._execute(statement, params, routing, bump_version)
        self._observe(name, result.summary, started)
        return [row(record) for record in result.records]

    @staticmethod
    def _observe(name: str, summary: neo4j.ResultSummary, started: float) -> None:
        """Reports one statement's time to the observers (/metrics) and the request's trace."""
        db_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        for observe in query_observers:
            observe(name, db_ms, time.perf_counter() - started)
        trace = current_trace.get()
        if trace is not None:
            trace.round_trips += 1
            trace.db_ms += db_ms

    async def _execute(
        self, text: str, params: dict[str, Any], routing: RoutingControl, bump_version: bool = False
    ) -> EagerResult:
        """One statement in a managed transaction with the transaction timeout: what `driver.execute_query`
        does (retries on transient errors, the same bookmarks), except that a statement stopped at the
        timeout or memory limit raises QueryTooCostly at once instead of being retried. With `bump_version`
        the graph version moves in the same transaction (citygraph/graph/version.py)."""
        write = routing is RoutingControl.WRITE
        timeout_s = self.connection.write_timeout_s if write else self.connection.query_timeout_s

        @neo4j.unit_of_work(timeout=timeout_s)
        async def work(tx: AsyncManagedTransaction) -> EagerResult:
            try:
                result = await (await tx.run(text, params)).to_eager_result()  # type: ignore[arg-type]
                if bump_version:
                    await (await tx.run(cypher("graph_version_bump"))).consume()
                return result
            except Neo4jError as error:
                if costly := _too_costly(error, timeout_s):
                    raise costly from error
                raise

        async with self.driver.session(
            database=self.connection.database, bookmark_manager=self.driver.execute_query_bookmark_manager
        ) as session:
            try:
                result = await (session.execute_write if write else session.execute_read)(work)
            except Neo4jError as error:
                # The timeout can also stop the transaction as it commits, after every row has arrived (seen
                # on a loaded machine at UK scale): the same answer to the caller, not "Internal error".
                if error.code in _TIMED_OUT:
                    raise QueryTooCostly("time", timeout_s) from error
                raise
        if write:
            _committed()
        return result

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator["WriteTransaction"]:
        """One explicit write transaction: committed when the block ends, rolled back when it raises. If
        the process dies first, Neo4j rolls it back when the connection drops: all-or-nothing writes."""
        # The same bookmarks as every other statement, so a read after the load sees it (clusters too).
        async with self.driver.session(
            database=self.connection.database, bookmark_manager=self.driver.execute_query_bookmark_manager
        ) as session:
            tx = await session.begin_transaction(timeout=self.connection.write_timeout_s)
            try:
                yield WriteTransaction(tx)
                await tx.commit()
            finally:
                if not tx.closed():
                    await tx.rollback()
        _committed()


def _committed() -> None:
    for observe in commit_observers:
        observe()


class WriteTransaction:
    """Named queries run inside one `Database.transaction()`."""

    def __init__(self, tx: AsyncTransaction):
        self._tx = tx

    async def run(self, query: str, **params: Any) -> list[Row]:
        result = await self._tx.run(cypher(query), params)
        return [_native(row) for row in await result.data()]
