"""Property-based fuzzing through real HTTP (`citygraph serve`, uvicorn) against the real Neo4j holding the
entity fixture: hundreds of valid generated queries and hundreds of mutated bodies per run, none of which may
get a 5xx, a traceback or internal detail; every error is a GraphQL error or a 4xx. bench/fuzz.py runs the
same checks 10,000 + 10,000 times."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings

from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.reference import seed
from tests.fuzzing import Tally, check, mutated_bodies, valid_queries
from tests.live_server import live_server

BUNDLE = Path(__file__).parent / "fixtures" / "entities"
EXAMPLES = 500
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # every run explores afresh; a failure prints the example to reproduce it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def loaded(session_db: Database) -> None:
    await session_db.write("clear_graph")
    await seed(session_db)
    await load_bundle(session_db, BUNDLE)


@pytest.fixture(scope="module")
def http(loaded: None, neo4j_connection: Connection, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    with live_server(neo4j_connection, tmp_path_factory.mktemp("fuzz-home")) as base:
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client


def test_generated_valid_queries_never_break_the_server(http: httpx.Client) -> None:
    tally = Tally()

    @FUZZ
    @given(query=valid_queries)
    def send(query: str) -> None:
        check(http.post("/graphql", json={"query": query}), tally, query)

    send()
    print(f"valid queries: {tally.line()}")
    assert sum(tally.statuses.values()) >= EXAMPLES
    assert tally.outcomes["answered"] >= EXAMPLES // 10  # many run through to data (random arguments often are refused)


def test_mutated_bodies_get_graphql_errors_or_4xx(http: httpx.Client) -> None:
    tally = Tally()

    @FUZZ
    @given(body=mutated_bodies())
    def send(body: bytes) -> None:
        check(http.post("/graphql", content=body, headers={"content-type": "application/json"}), tally, body)

    send()
    print(f"mutated bodies: {tally.line()}")
    assert sum(tally.statuses.values()) >= EXAMPLES
    assert tally.statuses[400] > EXAMPLES // 4  # the mutations do reach the HTTP-level checks
