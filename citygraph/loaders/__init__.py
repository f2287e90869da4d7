"""Per-request DataLoaders. Each batches every key asked for in one level of a query into one Cypher
statement, so nesting N relationship levels costs at most N+1 round trips whatever the list sizes."""

from collections.abc import Callable, Hashable, Sequence
from functools import partial
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from citygraph.graph import records as r
from citygraph.graph.database import Database, Row

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


async def _one_each(db: Database, query: str, make: Callable[[Row], T], keys: Sequence[Any]) -> list[T | None]:
    """Query rows are {key, item}; at most one item per key, None where the key matches nothing."""
    rows = await db.read(query, keys=list(keys))
    found = {row["key"]: make(row["item"]) for row in rows}
    return [found.get(key) for key in keys]


async def _many_each(db: Database, query: str, make: Callable[[Row], T], keys: Sequence[Any]) -> list[list[T]]:
    """Query rows are {key, item}, already in the order the API promises; items grouped per key."""
    rows = await db.read(query, keys=list(keys))
    grouped: dict[Any, list[T]] = {key: [] for key in keys}
    for row in rows:
        grouped[row["key"]].append(make(row["item"]))
    return [grouped[key] for key in keys]


def _one(db: Database, query: str, make: Callable[[Row], T]) -> DataLoader[Any, T | None]:
    return DataLoader(load_fn=partial(_one_each, db, query, make))


def _many(db: Database, query: str, make: Callable[[Row], T]) -> DataLoader[Any, list[T]]:
    return DataLoader(load_fn=partial(_many_each, db, query, make))


class Loaders:
    """Created for each request: a DataLoader's cache must not outlive the request it serves."""

    def __init__(self, db: Database):
        self.borough = _one(db, "boroughs_by_code", r.Borough.of)
        self.partnerships_of_borough = _many(db, "partnerships_of_boroughs", r.Partnership.of)
        self.boroughs_of_partnership = _many(db, "boroughs_of_partnerships", r.Borough.of)
