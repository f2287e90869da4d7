"""Admin commands users expect, run through `citygraph.cli.main` against the test Neo4j."""

import asyncio
import json

import pytest

from citygraph.cli import main
from citygraph.graph.database import Connection, Database
from citygraph.graph.settings import get_settings


@pytest.fixture
def cli(neo4j_connection: Connection, monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("NEO4J_URI", neo4j_connection.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_connection.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_connection.password)
    monkeypatch.setenv("CITYGRAPH_HOME", str(tmp_path / "home"))
    get_settings.cache_clear()

    async def run(*args: str) -> int:
        # The CLI runs its own event loop (asyncio.run), so it gets a thread of its own here.
        return await asyncio.to_thread(main, list(args))

    yield run
    get_settings.cache_clear()


async def test_seed_then_stats(db: Database, cli, capsys: pytest.CaptureFixture[str]):
    assert await cli("seed") == 0
    assert "seeded 33 London councils" in capsys.readouterr().out
    assert await cli("stats", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["nodes"]["Borough"] == 33
    assert stats["nodes"]["Partnership"] == 4
    assert stats["relationships"]["MEMBER_OF"] == 33
    assert await cli("stats") == 0
    assert "Borough" in capsys.readouterr().out


async def test_cypher_prints_json_lines_and_refuses_writes(db: Database, cli, capsys: pytest.CaptureFixture[str]):
    await cli("seed")
    capsys.readouterr()
    assert await cli("cypher", "MATCH (b:Borough {code: $code}) RETURN b.name AS name", "--params", '{"code": "E09000024"}') == 0
    assert capsys.readouterr().out.splitlines() == ['{"name": "Merton"}']
    assert await cli("cypher", "CREATE (:Intruder) RETURN 1") == 1
    assert "citygraph cypher:" in capsys.readouterr().err
    assert await db.run_text("MATCH (n:Intruder) RETURN count(n) AS n") == [{"n": 0}]


def test_schema_prints_the_sdl(capsys: pytest.CaptureFixture[str]):
    assert main(["schema"]) == 0
    sdl = capsys.readouterr().out
    assert "type Borough {" in sdl and "contracts(where: ContractWhere = null, first: Int = 50" in sdl
