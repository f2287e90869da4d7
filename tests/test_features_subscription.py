"""contractsEnteringExpiryWindow over graphql-transport-ws against the real service (uvicorn) and Neo4j: the
first report lists the window, a contract written afterwards is reported at the next poll, nothing twice."""

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.resolvers.expiries import shift_months
from tests.live_server import live_server

BUNDLE = Path(__file__).parent / "fixtures" / "features"
SUBSCRIPTION = """subscription($code: ID, $months: Int!, $poll: Int!) {
  contractsEnteringExpiryWindow(boroughCode: $code, withinMonths: $months, pollSeconds: $poll) {
    asOf windowEnd initial contracts { id endDate borough { name } } } }"""


@pytest.fixture
def server(neo4j_connection: Connection, tmp_path: Path) -> Iterator[str]:
    with live_server(neo4j_connection, tmp_path / "serve-home") as base:
        yield base.replace("http://", "ws://") + "/graphql"


async def receive(ws, kind: str, timeout: float = 30) -> dict:
    message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    assert message["type"] == kind, message
    return message


async def test_contracts_entering_the_window_are_reported_once(db: Database, server: str):
    await load_bundle(db, BUNDLE)
    today = dt.date.today()
    # Move two Camden contracts to end inside a 3-month window, one outside it.
    await db.run_text(
        "MATCH (c:Contract {id: 'c1'}) SET c.endDate = $soon "
        "WITH 1 AS x MATCH (c:Contract {id: 'c2'}) SET c.endDate = $later",
        {"soon": today + dt.timedelta(days=10), "later": shift_months(today, 5)}, write=True,
    )
    async with connect(server, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await receive(ws, "connection_ack")
        variables = {"code": "E09000007", "months": 3, "poll": 5}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION, "variables": variables}}))
        first = (await receive(ws, "next"))["payload"]["data"]["contractsEnteringExpiryWindow"]
        assert first["initial"] is True and first["asOf"] == today.isoformat()
        assert first["windowEnd"] == shift_months(today, 3).isoformat()
        assert first["contracts"] == [{"id": "c1", "endDate": (today + dt.timedelta(days=10)).isoformat(), "borough": {"name": "Camden"}}]
        # c2 now ends inside the window: the next poll reports it, and only it.
        await db.run_text("MATCH (c:Contract {id: 'c2'}) SET c.endDate = $d", {"d": today + dt.timedelta(days=20)}, write=True)
        second = (await receive(ws, "next", timeout=30))["payload"]["data"]["contractsEnteringExpiryWindow"]
        assert second["initial"] is False and [c["id"] for c in second["contracts"]] == ["c2"]
        await ws.send(json.dumps({"id": "1", "type": "complete"}))


async def test_bad_arguments_are_clear_errors(db: Database, server: str):
    async with connect(server, subprotocols=["graphql-transport-ws"]) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        await receive(ws, "connection_ack")
        variables = {"code": None, "months": 3, "poll": 1}
        await ws.send(json.dumps({"id": "2", "type": "subscribe", "payload": {"query": SUBSCRIPTION, "variables": variables}}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["message"] == 'Argument "pollSeconds" must be between 5 and 3600, got 1.'
