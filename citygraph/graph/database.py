"""Driver lifecycle and the two ways CityGraph talks to Neo4j: read and write named queries."""

import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, LiteralString

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl
from neo4j.time import Date, DateTime

from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.settings import Settings
from citygraph.queries import cypher

Row = dict[str, Any]


@dataclass
class Trace:
    """Cypher round trips and database time of one GraphQL request (see CITYGRAPH_TRACE)."""

    round_trips: int = 0
    db_ms: float = 0.0


current_trace: ContextVar[Trace | None] = ContextVar("citygraph_trace", default=None)

# Called after every named statement with (query name, Neo4j's own ms, wall seconds): /metrics registers here.
query_observers: list[Callable[[str, float, float], None]] = []


@dataclass(frozen=True)
class Connection:
    uri: str
    user: str
    password: str
    database: str


def resolve_connection(settings: Settings, start_embedded: bool = True, progress=print) -> Connection:
    """NEO4J_URI when set; otherwise the embedded Neo4j of CITYGRAPH_HOME, started if it is not running."""
    if settings.neo4j_uri:
        return Connection(settings.neo4j_uri, settings.neo4j_user, settings.neo4j_password or "", settings.neo4j_database)
    embedded = EmbeddedNeo4j.from_settings(settings)
    status = embedded.status()
    if status.running and status.uri:
        uri = status.uri
    elif start_embedded:
        progress(f"Starting embedded Neo4j in {embedded.home} …")
        uri = embedded.start(settings.bolt_port, progress)
    else:
        uri = f"bolt://127.0.0.1:{settings.bolt_port}"
    return Connection(uri, "neo4j", embedded.password(), settings.neo4j_database)


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


class Database:
    """One async driver, one database. Reads go through read transactions so a cluster can spread them."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.driver: AsyncDriver = AsyncGraphDatabase.driver(
            connection.uri, auth=(connection.user, connection.password), max_connection_pool_size=50
        )

    async def close(self) -> None:
        await self.driver.close()

    async def ping(self) -> None:
        """Raises when Neo4j cannot be reached or refuses our credentials."""
        await self.driver.verify_connectivity()

    async def read(self, query: str, **params: Any) -> list[Row]:
        return await self._run(cypher(query), params, RoutingControl.READ, query)

    async def read_statement(self, statement: LiteralString, **params: Any) -> list[Row]:
        """A named statement with its compiled filter and sort in place (citygraph/graph/filters.py)."""
        return await self._run(statement, params, RoutingControl.READ, "filtered")

    async def write(self, query: str, **params: Any) -> list[Row]:
        return await self._run(cypher(query), params, RoutingControl.WRITE, query)

    async def write_batches(self, query: str, rows: Sequence[Row], batch_size: int = 5000, **params: Any) -> int:
        """Runs `query` with `$rows` bound to successive batches; returns the number of rows sent."""
        for start in range(0, len(rows), batch_size):
            await self.write(query, rows=list(rows[start : start + batch_size]), **params)
        return len(rows)

    async def run_text(self, text: str, params: dict[str, Any] | None = None, write: bool = False) -> list[Row]:
        """A statement that is not a named query: schema statements from `queries/schema.cypher`, or an
        operator's own statement from `citygraph cypher` (always run read-only there)."""
        result = await self.driver.execute_query(
            neo4j.Query(text),  # type: ignore[arg-type]
            params or {},
            routing_=RoutingControl.WRITE if write else RoutingControl.READ,
            database_=self.connection.database,
        )
        return [_native(record.data()) for record in result.records]

    async def _run(self, statement: LiteralString, params: dict[str, Any], routing: RoutingControl, name: str) -> list[Row]:
        started = time.perf_counter()
        result = await self.driver.execute_query(
            statement, params, routing_=routing, database_=self.connection.database
        )
        summary = result.summary
        db_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
        for observe in query_observers:
            observe(name, db_ms, time.perf_counter() - started)
        trace = current_trace.get()
        if trace is not None:
            trace.round_trips += 1
            trace.db_ms += db_ms
        return [_native(dict(record.items())) for record in result.records]

