"""What the write API's tests share: the fixture bundle, the callers (each a real API key) and a way to call
/graphql over HTTP as one of them."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Principal, Role
from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app

BUNDLE = Path(__file__).parent / "fixtures" / "entities"
MERTON, CAMDEN = "E09000024", "E09000007"
EDITOR = Principal("Merton digital team", Role.EDITOR, frozenset({MERTON}))
MEMBER = Principal("Lambeth council", Role.MEMBER)
ADMIN = Principal("London admins", Role.ADMIN)

Caller = Callable[[Principal, str, dict[str, Any]], Awaitable[dict[str, Any]]]


async def load_fixture(db: Database) -> None:
    await db.write("clear_graph")
    await load_bundle(db, BUNDLE)


@contextlib.asynccontextmanager
async def api(db: Database, home: Path, write_rate: str) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str]]]:
    """The app over HTTP (in process, the real driver), and an Authorization header per principal's name:
    a key made with `create_key` for each of EDITOR, MEMBER, ADMIN (their boroughs must be in the graph)."""
    headers = {}
    for who in (EDITOR, MEMBER, ADMIN):
        key = await create_key(db, who.name, who.role, sorted(who.boroughs))
        headers[who.name] = f"Bearer {key}"
    app = create_app(Settings(CITYGRAPH_HOME=home, CITYGRAPH_WRITE_RATE=write_rate), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http, headers


@contextlib.asynccontextmanager
async def make_caller(db: Database, home: Path, write_rate: str) -> AsyncIterator[Caller]:
    """call(who, document, variables) -> the response body; POST with JSON, as `who` (no header: anonymous)."""
    async with api(db, home, write_rate) as (http, headers):

        async def call(who: Principal, document: str, variables: dict[str, Any]) -> dict[str, Any]:
            auth = {"authorization": headers[who.name]} if who.signed_in else {}
            response = await http.post("/graphql", json={"query": document, "variables": variables}, headers=auth)
            assert response.status_code == 200, response.text
            return response.json()

        yield call
