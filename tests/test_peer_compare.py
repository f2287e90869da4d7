"""The correctness half of bench/compare.py: on the London demo, CityGraph and the Neo4j GraphQL Library peer
(bench/peer/server.mjs, a real Node process on the test Neo4j) answer Q1–Q5 and the two analytics with the
same data, and so does each hand-written raw Cypher statement. A benchmark whose sides answered differently
would compare different work. Needs Node and bench/peer/node_modules (`make install`)."""

import asyncio
import copy
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from neo4j import AsyncGraphDatabase, RoutingControl

from bench.comparison import QUERIES, differences, jsonable, start_peer, stop
from citygraph.graph import demo
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import free_port
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from tests.conftest import gql_data

Answers = dict[str, dict[str, Any]]  # side → query name → data in CityGraph's shape


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def answers(
    session_db: Database, neo4j_connection: Connection, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Answers]:
    """Every query's answer from CityGraph (in-process ASGI), the peer (HTTP) and raw Cypher (the driver)."""
    home = tmp_path_factory.mktemp("home")
    c = neo4j_connection
    port = free_port()
    # Node builds the peer's schema while the demo loads (it needs no data to start).
    starting = asyncio.create_task(
        asyncio.to_thread(start_peer, c.uri, c.user, c.password, c.database, port, home / "peer.log")
    )
    try:
        await session_db.write("clear_graph")
        await demo.generate_and_load(session_db, tmp_path_factory.mktemp("demo"), scale="london", seed=demo.DEFAULT_SEED)
    except BaseException:
        stop(await starting)
        raise
    peer = await starting
    driver = AsyncGraphDatabase.driver(c.uri, auth=(c.user, c.password))
    found: Answers = {"citygraph": {}, "peer": {}, "raw": {}}
    try:
        app = create_app(Settings(CITYGRAPH_HOME=home), db=session_db)
        async with (
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as citygraph,
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as http,
        ):
            for query in QUERIES:
                found["citygraph"][query.name] = await gql_data(citygraph, query.citygraph, query.variables)
                assert query.peer is not None
                body = (await http.post("/graphql", json={"query": query.peer, "variables": query.variables})).json()
                assert "errors" not in body, f"the peer answered {query.name} with {body['errors']}"
                found["peer"][query.name] = query.from_peer(body["data"])
                records, _, _ = await driver.execute_query(
                    query.cypher, query.cypher_params, routing_=RoutingControl.READ, database_=c.database
                )
                found["raw"][query.name] = jsonable(query.from_raw([record.data() for record in records]))
        yield found
    finally:
        await driver.close()
        stop(peer)
        await session_db.write("clear_graph")


@pytest.mark.parametrize("side", ["peer", "raw"])
async def test_every_query_has_the_same_data_as_citygraph(answers: Answers, side: str) -> None:
    mismatches = {
        name: found
        for name, expected in answers["citygraph"].items()
        if (found := differences(expected, answers[side][name]))
    }
    assert not mismatches, f"CityGraph (left) and {side} (right) differ: {mismatches}"


async def test_the_answers_are_not_trivially_equal(answers: Answers) -> None:
    """The queries ask for real data (lists that would show a wrong order, a next page), and the comparison
    notices a changed name, a changed order and a missing item."""
    data = answers["citygraph"]
    assert len(data["Q1"]["boroughs"]) == 33 and all(b["systems"] for b in data["Q1"]["boroughs"])
    contracts = data["Q3"]["borough"]["contracts"]
    assert contracts["totalCount"] > 10 and contracts["pageInfo"]["hasNextPage"] and len(contracts["edges"]) == 10
    assert len(data["Q4"]["suppliers"]["edges"]) >= 2
    assert data["A1"]["sharedSystems"] and data["A2"]["supplierConcentration"]["suppliers"]

    renamed = copy.deepcopy(answers["peer"]["Q1"])
    renamed["boroughs"][5]["systems"][0]["manufacturer"]["name"] += "!"
    reordered = copy.deepcopy(answers["peer"]["Q4"])
    reordered["suppliers"]["edges"].reverse()
    shortened = copy.deepcopy(answers["peer"]["A1"])
    shortened["sharedSystems"].pop()
    assert differences(data["Q1"], renamed) == [
        "data.boroughs[5].systems[0].manufacturer.name: "
        f"{data['Q1']['boroughs'][5]['systems'][0]['manufacturer']['name']!r} on the left, "
        f"{renamed['boroughs'][5]['systems'][0]['manufacturer']['name']!r} on the right"
    ]
    assert differences(data["Q4"], reordered)
    assert differences(data["A1"], shortened)
