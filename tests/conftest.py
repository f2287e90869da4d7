"""Real Neo4j for every test that touches data: NEO4J_URI when set, otherwise one embedded Neo4j for the
whole run in a temporary CITYGRAPH_HOME. If it cannot start, the fixtures raise the launcher's error."""

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app


# Tests check answers, not speed: a busy machine must not turn a slow answer into a timeout. The bounds
# themselves are tested with their own short timeouts (tests/test_query_bounds.py).
TEST_QUERY_TIMEOUT_S = 300.0


@pytest.fixture(scope="session")
def neo4j_connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connection]:
    if os.environ.get("NEO4J_URI"):
        yield Connection(
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ.get("NEO4J_PASSWORD", ""),
            os.environ.get("NEO4J_DATABASE", "neo4j"),
            TEST_QUERY_TIMEOUT_S,
        )
        return
    embedded = EmbeddedNeo4j(tmp_path_factory.mktemp("citygraph-home"))
    uri = embedded.start(free_port())  # raises EmbeddedNeo4jError with the launcher's log when it fails
    try:
        yield Connection(uri, "neo4j", embedded.password(), "neo4j", TEST_QUERY_TIMEOUT_S)
    finally:
        embedded.stop()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def session_db(neo4j_connection: Connection) -> AsyncIterator[Database]:
    db = Database(neo4j_connection)
    await db.ping()
    if os.environ.get("NEO4J_URI") and os.environ.get("CITYGRAPH_TEST_WIPE") != "1":
        [row] = await db.run_text("MATCH (n) RETURN count(n) AS count")
        if row["count"]:
            await db.close()
            raise RuntimeError(
                f"NEO4J_URI={neo4j_connection.uri} holds {row['count']} nodes and every test empties the graph. "
                "Point NEO4J_URI at a scratch database, or set CITYGRAPH_TEST_WIPE=1 to allow the wipe."
            )
    await migrate(db)
    yield db
    await db.close()


@pytest_asyncio.fixture
async def db(session_db: Database) -> AsyncIterator[Database]:
    """The session's database, emptied before the test."""
    await session_db.write("clear_graph")
    yield session_db


@pytest.fixture
def settings(neo4j_connection: Connection, tmp_path: Path) -> Settings:
    return Settings(
        NEO4J_URI=neo4j_connection.uri,
        NEO4J_USER=neo4j_connection.user,
        NEO4J_PASSWORD=neo4j_connection.password,
        NEO4J_DATABASE=neo4j_connection.database,
        CITYGRAPH_HOME=tmp_path / "home",
        CITYGRAPH_TRACE=True,
    )


@pytest_asyncio.fixture
async def client(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP straight into the ASGI app, with the real driver and the real database behind it."""
    app = create_app(settings, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http


@pytest_asyncio.fixture
async def member(db: Database, client: httpx.AsyncClient) -> httpx.AsyncClient:
    """`client` signed in as a member council with a real API key, so members-only facts are answered."""
    key = await create_key(db, "Test member council", Role.MEMBER, [])
    client.headers["authorization"] = f"Bearer {key}"
    return client


@pytest_asyncio.fixture
async def normal_path(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """`client` with the fast path off (docs/fastpath.md): for tests of the DataLoader path itself."""
    app = create_app(settings.model_copy(update={"fastpath": False}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http


async def gql(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    """POSTs a query and returns the whole JSON body (data, errors, extensions)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code in (200, 400), response.text
    return response.json()


async def gql_data(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> dict:
    """The `data` of a response that must have no errors."""
    body = await gql(client, query, variables)
    assert "errors" not in body, body["errors"]
    return body["data"]
