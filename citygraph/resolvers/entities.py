"""Top-level entity queries and the paginated relationship fields."""

from collections.abc import Callable
from typing import TypeVar

from strawberry.dataloader import DataLoader

from citygraph.graph import records as r
from citygraph.graph.database import Row
from citygraph.graph.filters import compose
from citygraph.loaders import PageKey
from citygraph.resolvers.context import Context
from citygraph.resolvers.pagination import page, window

T = TypeVar("T")


async def boroughs(ctx: Context, region: r.Region | None) -> list[r.Borough]:
    rows = await ctx.db.read("boroughs", region=region.value if region else None)
    return [r.Borough.of(row["item"]) for row in rows]


async def partnerships(ctx: Context) -> list[r.Partnership]:
    return [r.Partnership.of(row["item"]) for row in await ctx.db.read("partnerships")]


async def service_areas(ctx: Context) -> list[r.ServiceArea]:
    return [r.ServiceArea.of(row["item"]) for row in await ctx.db.read("service_areas")]


async def skills(ctx: Context) -> list[r.Skill]:
    return [r.Skill.of(row["item"]) for row in await ctx.db.read("skills")]


async def _paged(
    ctx: Context,
    name: str,
    make: Callable[[Row], T],
    where: r.ContractFilter | r.SupplierFilter | r.SystemFilter,
    first: int | None,
    after: str | None,
) -> r.Page[T]:
    """`<name>_page` fetches one window; `<name>_count` counts everything (and, for contracts, sums), only
    if totalCount or aggregate is asked for, once however many of them are."""
    offset, first = window(first, after, ctx.settings.max_page_size)
    statement, values = compose(f"{name}_page", name, where.match, where.order)
    rows = await ctx.db.read_statement(statement, where=where.params(), filter=values, offset=offset, limit=first + 1)
    counted: list[r.Aggregate] = []

    async def aggregate() -> r.Aggregate:
        if not counted:
            statement, values = compose(f"{name}_count", name, where.match)
            row = (await ctx.db.read_statement(statement, where=where.params(), filter=values))[0]
            counted.append(r.Aggregate.of(row.get("aggregate") or {"count": row["count"]}))
        return counted[0]

    async def total() -> int:
        return (await aggregate()).count

    result = page([make(row["item"]) for row in rows], offset, first, total)
    result.aggregate = aggregate
    return result


async def contracts(ctx: Context, where: r.ContractFilter, first: int | None, after: str | None) -> r.Page[r.Contract]:
    return await _paged(ctx, "contracts", r.Contract.of, where, first, after)


async def suppliers(ctx: Context, where: r.SupplierFilter, first: int | None, after: str | None) -> r.Page[r.Supplier]:
    return await _paged(ctx, "suppliers", r.Supplier.of, where, first, after)


async def systems(ctx: Context, where: r.SystemFilter, first: int | None, after: str | None) -> r.Page[r.System]:
    return await _paged(ctx, "systems", r.System.of, where, first, after)


async def owned_contracts(
    ctx: Context,
    pages: DataLoader[PageKey, list[r.Contract]],
    counts: DataLoader[tuple[str, r.ContractFilter], r.Aggregate],
    owner: str,
    where: r.ContractFilter,
    first: int | None,
    after: str | None,
) -> r.Page[r.Contract]:
    """A borough's or supplier's contracts: batched across all owners at one level of the query."""
    offset, first = window(first, after, ctx.settings.max_page_size)
    items = await pages.load(PageKey(owner, where, offset, first + 1))

    async def aggregate() -> r.Aggregate:
        return await counts.load((owner, where))

    async def total() -> int:
        return (await aggregate()).count

    result = page(items, offset, first, total)
    result.aggregate = aggregate
    return result
