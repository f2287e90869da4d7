"""What the write API's tests share: the callers (principals) and a way to call the API as one of them."""

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from citygraph.auth.principal import Principal, Role
from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema.schema import schema

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
async def make_caller(db: Database, home: Path, write_rate: str) -> AsyncIterator[Caller]:
    settings = Settings(CITYGRAPH_HOME=home, CITYGRAPH_WRITE_RATE=write_rate)

    async def call(who: Principal, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        context = Context(db=db, settings=settings, loaders=Loaders(db), request_id="test", trace=None, principal=who)
        result = await schema.execute(document, variable_values=variables, context_value=context)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [error.formatted for error in result.errors]
        return body

    yield call
