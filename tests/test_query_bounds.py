"""Every statement is bounded in the database: a transaction timeout (CITYGRAPH_QUERY_TIMEOUT_S) and Neo4j's
transaction memory limit stop it, the stop is never retried, and the caller gets a GraphQL error saying the
query took too long / was too large and what to narrow, never "Internal error". Real Neo4j throughout; the
slow and the oversized statements are deliberate ones run through a test-only GraphQL field."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import replace

import neo4j
import pytest
import pytest_asyncio
import strawberry
from strawberry.types import Info

from citygraph.graph.database import Connection, Database, QueryTooCostly, resolve_connection
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders
from citygraph.queries import cypher
from citygraph.resolvers.context import Context
from citygraph.schema.extensions import EXTENSIONS
from tests.conftest import gql

# Counts to ten billion: hours of work unless something stops it.
SLOW = "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n"
# Materialises lists of a million numbers until the transaction memory pool (70% of the heap) is spent.
HUGE = "UNWIND range(1, 1000) AS x RETURN size(collect([i IN range(1, 1000000) | i])) AS n"
TIMEOUT_S = 0.5


@pytest_asyncio.fixture
async def bounded(neo4j_connection: Connection) -> AsyncIterator[Database]:
    """Reads stopped after half a second."""
    db = Database(replace(neo4j_connection, query_timeout_s=TIMEOUT_S))
    yield db
    await db.close()


@pytest_asyncio.fixture
async def patient(neo4j_connection: Connection) -> AsyncIterator[Database]:
    """Reads allowed long enough to reach the memory limit first."""
    db = Database(replace(neo4j_connection, query_timeout_s=300))
    yield db
    await db.close()


async def test_a_read_past_the_timeout_is_stopped_by_the_database(bounded):
    started = time.monotonic()
    with pytest.raises(QueryTooCostly) as stopped:
        await bounded.run_text(SLOW)
    # Neo4j checks timeouts every couple of seconds; without the timeout this would run for hours.
    assert time.monotonic() - started < 30
    assert stopped.value.bound == "time"
    assert str(stopped.value) == (
        "The query took too long: the database stopped it after 0.5 s. To get an answer, ask for less: "
        "a smaller first, limit, top or depth, or a narrower filter."
    )
    assert stopped.value.extensions == {"code": "QUERY_TIMEOUT"}


async def test_the_memory_limit_is_reported_at_once_not_retried(patient, caplog):
    # The driver retries transient errors (the memory pool's is one) for up to 30 s: each retry fails the same way.
    caplog.set_level(logging.WARNING, logger="neo4j")
    with pytest.raises(QueryTooCostly) as stopped:
        await patient.run_text(HUGE)
    assert stopped.value.bound == "memory"
    assert str(stopped.value).startswith(
        "The query was too large: it needed more memory than the database allows one query. To get an answer,"
    )
    assert stopped.value.extensions == {"code": "QUERY_TOO_LARGE"}
    assert not [r for r in caplog.records if "retried" in r.getMessage()]


async def test_the_analytics_one_round_trip_read_is_stopped_the_same_way(bounded, patient, monkeypatch, caplog):
    """Database.read_decoded (every analytic) reads in one auto-commit round trip, not a managed transaction:
    the timeout and the memory limit still stop it, and it is not asked again."""
    caplog.set_level(logging.WARNING, logger="neo4j")
    for db, statement, bound in ((bounded, SLOW, "time"), (patient, HUGE, "memory")):
        monkeypatch.setattr("citygraph.graph.database.cypher", lambda name, statement=statement: statement)
        with pytest.raises(QueryTooCostly) as stopped:
            await db.read_decoded("analytics_shared_systems")
        assert stopped.value.bound == bound
    assert not [r for r in caplog.records if "retried" in r.getMessage()]


async def test_writes_have_their_own_wider_timeout(neo4j_connection):
    settings = Settings(
        NEO4J_URI=neo4j_connection.uri, CITYGRAPH_QUERY_TIMEOUT_S=2.5, CITYGRAPH_WRITE_TIMEOUT_S=120
    )
    connection = resolve_connection(settings)
    assert (connection.query_timeout_s, connection.write_timeout_s) == (2.5, 120)
    assert (Settings().query_timeout_s, Settings().write_timeout_s) == (10, 600)
    with pytest.raises(ValueError, match="CITYGRAPH_QUERY_TIMEOUT_S"):
        Settings(CITYGRAPH_QUERY_TIMEOUT_S=0)
    # A write gets the write bound: the same slow statement is stopped as a read but not yet as a write.
    db = Database(replace(neo4j_connection, query_timeout_s=TIMEOUT_S, write_timeout_s=3600))
    try:
        with pytest.raises(QueryTooCostly):
            await db.run_text(SLOW)
        started = time.monotonic()
        slowish = "UNWIND range(1, 30000000) AS x WITH x WHERE x < 0 RETURN count(*) AS n"
        assert await db.run_text(slowish, write=True) == [{"n": 0}]
        assert time.monotonic() - started > TIMEOUT_S  # it ran past the read timeout and was not stopped
    finally:
        await db.close()


@strawberry.type
class ExpensiveQuery:
    """A field that runs a deliberately expensive statement, served with the real schema extensions."""

    @strawberry.field
    async def slow(self, info: Info[Context, None]) -> int:
        return (await info.context.db.run_text(SLOW))[0]["n"]

    @strawberry.field
    async def huge(self, info: Info[Context, None]) -> int:
        return (await info.context.db.run_text(HUGE))[0]["n"]

    @strawberry.field
    def quick(self) -> int:
        return 1


TEST_SCHEMA = strawberry.Schema(query=ExpensiveQuery, extensions=EXTENSIONS)


async def execute(db: Database, query: str):
    context = Context(db=db, settings=Settings(), loaders=Loaders(db), request_id="bounds", trace=None)
    return await TEST_SCHEMA.execute(query, context_value=context)


async def test_graphql_says_the_query_took_too_long_not_internal_error(bounded):
    result = await execute(bounded, "{ quick slow }")
    assert result.data is None  # slow is non-null: the error nulls the whole response, as GraphQL says
    [error] = result.errors
    assert error.message.startswith("The query took too long: the database stopped it after 0.5 s. To get an answer")
    assert error.extensions == {"code": "QUERY_TIMEOUT"}
    assert error.path == ["slow"]
    formatted = error.formatted
    assert "Internal error" not in formatted["message"] and "Neo" not in formatted["message"]


async def test_graphql_says_the_query_was_too_large(patient):
    [error] = (await execute(patient, "{ huge }")).errors
    assert error.message.startswith("The query was too large")
    assert error.extensions == {"code": "QUERY_TOO_LARGE"}


# One council buying from 2,000 suppliers: 2 million supplier pairs share it. Pairing suppliers inside Neo4j
# held them all at once (past the 10 s timeout on this graph, past the memory limit on the UK demo).
WIDE = """CREATE (b:Borough {code: 'E09000001', name: 'City of London', region: 'INNER_LONDON'})
WITH b UNWIND range(1000, 2999) AS i
CREATE (b)-[:AWARDED]->(:Contract {id: 'C' + i})-[:WITH]->(:Supplier {id: 'S' + i, name: 'Supplier ' + i})"""


async def test_supplier_network_memory_does_not_grow_with_supplier_pairs(db, client):
    await db.run_text(WIDE, write=True)
    body = await gql(client, '{ supplierNetwork(supplierId: "S1000") { nodes { id } edges { source target weight } } }')
    assert "errors" not in body, body["errors"]
    network = body["data"]["supplierNetwork"]
    # Every other supplier is one link away with weight 1: the first 49 by name join the centre.
    assert [n["id"] for n in network["nodes"]] == ["S1000"] + [f"S{i}" for i in range(1001, 1050)]
    assert len(network["edges"]) == 50 * 49 // 2 and {e["weight"] for e in network["edges"]} == {1}
    assert network["edges"][0] == {"source": "S1000", "target": "S1001", "weight": 1}
    # The statement's peak memory (Neo4j's own account of it) stays near what it returns: 2,000 short lists,
    # not 2 million pairs (pairing inside Neo4j took hundreds of MiB here).
    profiled = await db.driver.execute_query(
        neo4j.Query("PROFILE " + cypher("analytics_supplier_network")),  # type: ignore[arg-type]
        {"supplierId": "S1000", "withBoroughs": True},
        database_=db.connection.database,
    )
    assert profiled.summary.profile["args"]["GlobalMemory"] < 16 * 2**20


async def test_an_analytic_says_what_to_narrow(bounded):
    """The resolvers turn the generic advice into the analytic's own arguments."""
    from citygraph.resolvers import analytics

    narrowed = QueryTooCostly("time", 10).narrowed(analytics.NARROW["analytics_supplier_network"])
    assert str(narrowed) == (
        "The query took too long: the database stopped it after 10 s. To get an answer, "
        "ask for a smaller depth or limit, or a higher minSharedBoroughs."
    )


async def test_the_cypher_command_says_the_statement_was_stopped(neo4j_connection, monkeypatch, tmp_path, capsys):
    from citygraph.cli import main
    from citygraph.graph.settings import get_settings

    for name, value in (("NEO4J_URI", neo4j_connection.uri), ("NEO4J_USER", neo4j_connection.user),
                        ("NEO4J_PASSWORD", neo4j_connection.password), ("CITYGRAPH_HOME", str(tmp_path)),
                        ("CITYGRAPH_QUERY_TIMEOUT_S", str(TIMEOUT_S))):
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert await asyncio.to_thread(main, ["cypher", SLOW]) == 1
    finally:
        get_settings.cache_clear()
    assert capsys.readouterr().err.strip() == (
        "citygraph cypher: The query took too long: the database stopped it after 0.5 s. To get an answer, ask for "
        "less: a smaller first, limit, top or depth, or a narrower filter. (the bound is CITYGRAPH_QUERY_TIMEOUT_S)"
    )
