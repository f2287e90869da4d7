"""The first slice through every layer: seed the councils, ask for them over HTTP."""

import logging

import httpx

from citygraph.graph.database import Database
from citygraph.graph.reference import seed
from tests.conftest import gql


async def test_seed_loads_33_councils_with_regions_and_partnerships(db: Database, client: httpx.AsyncClient):
    assert await seed(db) == 33
    body = await gql(client, "{ boroughs { code name region partnerships { name } } }")
    boroughs = body["data"]["boroughs"]
    assert [b["code"] for b in sorted(boroughs, key=lambda b: b["code"])] == [f"E090000{n:02d}" for n in range(1, 34)]
    assert [b["name"] for b in boroughs] == sorted(b["name"] for b in boroughs)
    by_name = {b["name"]: b for b in boroughs}
    assert by_name["Camden"]["region"] == "INNER_LONDON"
    assert by_name["Bromley"]["region"] == "OUTER_LONDON"
    assert by_name["Merton"]["partnerships"] == [{"name": "South London Partnership"}]
    assert sum(b["region"] == "INNER_LONDON" for b in boroughs) == 14


async def test_seed_twice_changes_nothing(db: Database):
    await seed(db)
    first = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN n {.*, labels: labels(n)} AS n ORDER BY n.code, n.name")
    await seed(db)
    second = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN n {.*, labels: labels(n)} AS n ORDER BY n.code, n.name")
    assert first == second
    assert len(first) == 33 + 4


async def test_borough_by_code_and_unknown_code(db: Database, client: httpx.AsyncClient):
    await seed(db)
    body = await gql(client, '{ a: borough(code: "E09000024") { name } b: borough(code: "NOPE") { name } }')
    assert body["data"] == {"a": {"name": "Merton"}, "b": None}
    assert "errors" not in body


async def test_partnerships_list_their_boroughs(db: Database, client: httpx.AsyncClient):
    await seed(db)
    body = await gql(client, "{ partnerships { name boroughs { code } } }")
    sizes = {p["name"]: len(p["boroughs"]) for p in body["data"]["partnerships"]}
    assert sizes == {
        "Central London Forward": 12,
        "Local London": 9,
        "South London Partnership": 5,
        "West London Alliance": 7,
    }


async def test_health_and_readiness(client: httpx.AsyncClient):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


async def test_neo4j_routing_uris_work(db: Database):
    """`neo4j://` makes the driver ask the server for a routing table; reads then go to a reader."""
    from citygraph.graph.database import Connection

    await seed(db)
    bolt = db.connection
    routed = Database(Connection(bolt.uri.replace("bolt://", "neo4j://"), bolt.user, bolt.password, bolt.database))
    try:
        rows = await routed.read("boroughs", region="OUTER_LONDON")
        assert len(rows) == 19
    finally:
        await routed.close()


def test_settings_read_only_their_own_variables(monkeypatch):
    """Field names like `home` or `trace` must not pick up $HOME or $TRACE."""
    from citygraph.graph.settings import Settings

    for name in ("CITYGRAPH_HOME", "CITYGRAPH_TRACE", "NEO4J_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/somewhere/else")
    monkeypatch.setenv("TRACE", "1")
    monkeypatch.setenv("NEO4J_URI_TYPO", "bolt://nowhere")
    settings = Settings()
    assert str(settings.home) == ".citygraph"
    assert settings.trace is False
    assert settings.embedded
    monkeypatch.setenv("CITYGRAPH_HOME", "/data/citygraph")
    assert str(Settings().home) == "/data/citygraph"


async def test_no_notification_warnings_for_properties_never_written(db: Database, caplog):
    """An optional property no row has written yet (the UK demo's suppliers have no `vcse`) made Neo4j send a
    notification with every answer, which the driver logged as a WARNING per request: the driver asks for none."""
    await seed(db)
    with caplog.at_level(logging.INFO, logger="neo4j"):
        rows = await db.run_text("MATCH (b:Borough) RETURN b.propertyNeverWritten AS missing LIMIT 1")
    assert rows == [{"missing": None}]
    assert not [r for r in caplog.records if r.name.startswith("neo4j") and "notification" in r.getMessage()]
