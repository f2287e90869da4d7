"""Fixtures and helpers shared by the real-data tests (test_realdata, test_register, test_companies).
Import the fixtures by name into a test module: `from tests.realdata_support import cli, suppliers`."""

import asyncio
from pathlib import Path
from typing import Any

import pytest

from citygraph.cli import main
from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.settings import get_settings

ANALYTICS = Path(__file__).parent / "fixtures" / "analytics"


@pytest.fixture
def cli(neo4j_connection: Connection, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """`await cli("seed", "--planning")`: the command against the test Neo4j; returns its exit status."""
    for name, value in (("NEO4J_URI", neo4j_connection.uri), ("NEO4J_USER", neo4j_connection.user),
                        ("NEO4J_PASSWORD", neo4j_connection.password), ("NEO4J_DATABASE", neo4j_connection.database),
                        ("CITYGRAPH_HOME", str(tmp_path / "home"))):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CITYGRAPH_IT_CPV_PREFIXES", raising=False)
    get_settings.cache_clear()

    async def run(*args: str | Path) -> int:
        return await asyncio.to_thread(main, [str(a) for a in args])  # the CLI runs its own event loop

    yield run
    get_settings.cache_clear()


@pytest.fixture
async def suppliers(db: Database) -> Database:
    """The graph holding tests/fixtures/analytics: suppliers with (invented) company numbers to match."""
    await load_bundle(db, ANALYTICS)
    return db


async def snapshot(db: Database) -> list[Any]:
    """Every node and relationship with all properties (updatedAt too), in a stable order."""
    nodes = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN labels(n) AS l, properties(n) AS p ORDER BY p.code, p.id, p.name")
    rels = await db.run_text(
        "MATCH (a)-[r]->(b) RETURN type(r) AS t, coalesce(a.code, a.id, a.name) AS a, "
        "coalesce(b.code, b.id, b.name) AS b, properties(r) AS p ORDER BY t, a, b"
    )
    return nodes + rels
