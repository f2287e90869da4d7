"""The embedded Neo4j's life cycle through the CLI, and the API's readiness following it: a second,
independent instance in its own CITYGRAPH_HOME (the session's Neo4j is left alone)."""

import asyncio
import socket
import stat
from pathlib import Path

import httpx
import pytest

from citygraph.cli import main
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, EmbeddedNeo4jError, free_port
from citygraph.graph.settings import Settings, get_settings
from citygraph.schema.app import create_app


async def cli(monkeypatch: pytest.MonkeyPatch, home: Path, *args: str) -> int:
    monkeypatch.setenv("CITYGRAPH_HOME", str(home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    get_settings.cache_clear()
    # The CLI runs its own event loop (asyncio.run), so it gets a thread of its own here.
    return await asyncio.to_thread(main, list(args))


async def test_stop_and_start_keep_the_data_and_readyz_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
):
    home = tmp_path / "home"
    port = free_port()
    embedded = EmbeddedNeo4j(home)
    password = embedded.password()
    assert stat.S_IMODE((home / "neo4j.password").stat().st_mode) == 0o600

    # The API starts while Neo4j is down; the log says why it is not ready, the client only "unavailable".
    settings = Settings(NEO4J_URI=f"bolt://127.0.0.1:{port}", NEO4J_PASSWORD=password, CITYGRAPH_HOME=home)
    db = Database(Connection(settings.neo4j_uri or "", "neo4j", password, "neo4j"))
    app = create_app(settings, db=db)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph")
    down = await http.get("/readyz")
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable"}
    assert any(f"Neo4j at bolt://127.0.0.1:{port} is not reachable" in r.getMessage() for r in caplog.records)

    try:
        assert await cli(monkeypatch, home, "neo4j", "start", "--bolt-port", str(port)) == 0
        assert capsys.readouterr().out.strip() == f"bolt://127.0.0.1:{port}"
        assert await cli(monkeypatch, home, "neo4j", "status") == 0
        assert "running" in capsys.readouterr().out

        up = await http.get("/readyz")  # the same app, no restart
        assert up.status_code == 200, up.text
        await db.run_text("CREATE (:Probe {value: $value})", {"value": 42}, write=True)

        assert await cli(monkeypatch, home, "neo4j", "stop") == 0
        assert capsys.readouterr().out.strip() == "stopped"
        assert await cli(monkeypatch, home, "neo4j", "status") == 3
        assert (await http.get("/readyz")).status_code == 503

        assert await cli(monkeypatch, home, "neo4j", "start", "--bolt-port", str(port)) == 0
        assert (await http.get("/readyz")).status_code == 200
        rows = await db.run_text("MATCH (p:Probe) RETURN p.value AS value")
        assert rows == [{"value": 42}]
    finally:
        await http.aclose()
        await db.close()
        await cli(monkeypatch, home, "neo4j", "stop")
        get_settings.cache_clear()


def test_start_refuses_a_port_in_use(tmp_path: Path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        busy_port = holder.getsockname()[1]
        with pytest.raises(EmbeddedNeo4jError, match=f"port {busy_port} on 127.0.0.1 is already in use"):
            EmbeddedNeo4j(tmp_path / "other").start(busy_port)
