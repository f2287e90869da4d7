"""Top-level entity queries and the paginated relationship fields."""

from collections.abc import Callable
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from citygraph.graph import records as r
from citygraph.graph.database import Row
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
    ctx: Context, name: str, make: Callable[[Row], T], where: dict[str, Any], first: int | None, after: str | None
) -> r.Page[T]:
    """`<name>_page` fetches one window, `<name>_count` counts everything, only if totalCount is asked."""
    offset, first = window(first, after, ctx.settings.max_page_size)
    rows = await ctx.db.read(f"{name}_page", where=where, offset=offset, limit=first + 1)

    async def total() -> int:
        return int((await ctx.db.read(f"{name}_count", where=where))[0]["count"])

    return page([make(row["item"]) for row in rows], offset, first, total)


async def contracts(ctx: Context, where: r.ContractFilter, first: int | None, after: str | None) -> r.Page[r.Contract]:
    return await _paged(ctx, "contracts", r.Contract.of, where.params(), first, after)


async def suppliers(ctx: Context, where: r.SupplierFilter, first: int | None, after: str | None) -> r.Page[r.Supplier]:
    return await _paged(ctx, "suppliers", r.Supplier.of, where.params(), first, after)


async def systems(ctx: Context, where: r.SystemFilter, first: int | None, after: str | None) -> r.Page[r.System]:
    return await _paged(ctx, "systems", r.System.of, where.params(), first, after)


async def owned_contracts(
    ctx: Context,
    pages: DataLoader[PageKey, list[r.Contract]],
    counts: DataLoader[tuple[str, r.ContractFilter], int],
    owner: str,
    where: r.ContractFilter,
    first: int | None,
    after: str | None,
) -> r.Page[r.Contract]:
    """A borough's or supplier's contracts: batched across all owners at one level of the query."""
    offset, first = window(first, after, ctx.settings.max_page_size)
    items = await pages.load(PageKey(owner, where, offset, first + 1))

    async def total() -> int:
        return await counts.load((owner, where))

    return page(items, offset, first, total)
