"""Per-request DataLoaders. Each batches every key asked for in one level of a query into one Cypher
statement, so nesting N relationship levels costs at most N+1 round trips whatever the list sizes."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from citygraph.graph import records as r
from citygraph.graph.analytics import CollaborationPartner
from citygraph.graph.database import Database, Row
from citygraph.graph.filters import compose

T = TypeVar("T")


async def _one_each(db: Database, query: str, make: Callable[[Row], T], keys: Sequence[Any]) -> list[T | None]:
    """Query rows are {key, item}; at most one item per key, None where the key matches nothing."""
    rows = await db.read(query, keys=list(keys))
    found = {row["key"]: make(row["item"]) for row in rows}
    return [found.get(key) for key in keys]


async def _many_each(db: Database, query: str, make: Callable[[Row], T], keys: Sequence[Any]) -> list[list[T]]:
    """Query rows are {key, items}: one row per key that has any, items in the order the API promises."""
    rows = await db.read(query, keys=list(keys))
    grouped = {row["key"]: [make(item) for item in row["items"]] for row in rows}
    return [grouped.get(key, []) for key in keys]


@dataclass(frozen=True, slots=True)
class PageKey:
    """One owner's page of contracts; owners asking for the same filter and window share a statement."""

    owner: str
    where: r.ContractFilter
    offset: int
    limit: int


async def _pages_each(db: Database, query: str, keys: Sequence[PageKey]) -> list[list[r.Contract]]:
    owners: dict[tuple[r.ContractFilter, int, int], list[str]] = defaultdict(list)
    for key in keys:
        owners[(key.where, key.offset, key.limit)].append(key.owner)
    pages: dict[PageKey, list[r.Contract]] = {}
    for (where, offset, limit), group in owners.items():
        statement, values = compose(query, "contracts", where.match, where.order)
        rows = await db.read_statement(statement, keys=group, where=where.params(), filter=values, offset=offset, limit=limit)
        for row in rows:
            pages[PageKey(row["key"], where, offset, limit)] = [r.Contract.of(item) for item in row["items"]]
    return [pages[key] for key in keys]


async def _counts_each(
    db: Database, query: str, keys: Sequence[tuple[str, r.ContractFilter]]
) -> list[r.Aggregate]:
    """totalCount and aggregate of each owner's filtered contracts, from one statement per filter."""
    owners: dict[r.ContractFilter, list[str]] = defaultdict(list)
    for owner, where in keys:
        owners[where].append(owner)
    counts: dict[tuple[str, r.ContractFilter], r.Aggregate] = {}
    for where, group in owners.items():
        statement, values = compose(query, "contracts", where.match)
        for row in await db.read_statement(statement, keys=group, where=where.params(), filter=values):
            counts[(row["key"], where)] = r.Aggregate.of(row["aggregate"])
    return [counts[key] for key in keys]


async def _partners_each(db: Database, keys: Sequence[tuple[str, int]]) -> list[list[CollaborationPartner] | None]:
    """None for a code that names no borough. Codes asking for the same limit share one statement."""
    found: dict[tuple[str, int], list[CollaborationPartner] | None] = {}
    for limit in {limit for _, limit in keys}:
        codes = [code for code, wanted in keys if wanted == limit]
        for row in await db.read("analytics_collaboration_partners", codes=codes, limit=limit):
            partners = [CollaborationPartner.of(item) for item in row["partners"]] if row["found"] else None
            found[(row["key"], limit)] = partners
    return [found[key] for key in keys]


def _average(value: Any) -> float | None:
    return None if value is None else float(value)


class Loaders:
    """Created for each request: a DataLoader's cache must not outlive the request it serves."""

    def __init__(self, db: Database):
        def one(query: str, make: Callable[[Row], T]) -> DataLoader[Any, T | None]:
            return DataLoader(load_fn=partial(_one_each, db, query, make))

        def many(query: str, make: Callable[[Row], T]) -> DataLoader[Any, list[T]]:
            return DataLoader(load_fn=partial(_many_each, db, query, make))

        self.borough = one("boroughs_by_code", r.Borough.of)
        self.supplier = one("suppliers_by_id", r.Supplier.of)
        self.system = one("systems_by_id", r.System.of)
        self.contract = one("contracts_by_id", r.Contract.of)
        self.skill = one("skills_by_name", r.Skill.of)
        self.average_satisfaction = one("satisfaction_of_systems", _average)

        self.partnerships_of_borough = many("partnerships_of_boroughs", r.Partnership.of)
        self.system_uses_of_borough = many("system_uses_of_boroughs", r.SystemUse.of)
        self.systems_of_borough = many("systems_of_boroughs", r.System.of)
        self.suppliers_of_borough = many("suppliers_of_boroughs", r.Supplier.of)
        self.skill_ratings_of_borough = many("skill_ratings_of_boroughs", r.SkillRating.of)
        self.boroughs_of_partnership = many("boroughs_of_partnerships", r.Borough.of)
        self.systems_of_service_area = many("systems_of_service_areas", r.System.of)
        self.systems_of_supplier = many("systems_of_suppliers", r.System.of)
        self.boroughs_of_supplier = many("boroughs_of_suppliers", r.Borough.of)
        self.system_uses_of_system = many("system_uses_of_systems", r.SystemUse.of)
        self.boroughs_of_system = many("boroughs_of_systems", r.Borough.of)
        self.systems_of_contract = many("systems_of_contracts", r.System.of)
        self.skill_ratings_of_skill = many("skill_ratings_of_skills", r.SkillRating.of)

        self.contract_pages_of_borough = DataLoader(load_fn=partial(_pages_each, db, "contracts_page_of_boroughs"))
        self.contract_pages_of_supplier = DataLoader(load_fn=partial(_pages_each, db, "contracts_page_of_suppliers"))
        self.contract_counts_of_borough = DataLoader(load_fn=partial(_counts_each, db, "contracts_count_of_boroughs"))
        self.contract_counts_of_supplier = DataLoader(load_fn=partial(_counts_each, db, "contracts_count_of_suppliers"))
        self.collaboration_partners = DataLoader(load_fn=partial(_partners_each, db))

        # Provenance (docs/real-data.md): asked for rarely, so not carried by every entity statement.
        self.provenance_of_system = one("provenance_of_systems", r.Provenance.of)
        self.provenance_of_supplier = one("provenance_of_suppliers", r.Provenance.of)
        self.provenance_of_contract = one("provenance_of_contracts", r.Provenance.of)
        self.companies_house_of_supplier = one("companies_of_suppliers", r.CompanyFacts.of)
        self.past_system_uses_of_borough = many("past_system_uses_of_boroughs", r.SystemUse.of)
        self.past_system_uses_of_system = many("past_system_uses_of_systems", r.SystemUse.of)
