from citygraph.graph.records import Borough, Partnership, Region
from citygraph.resolvers.context import Context


async def boroughs(ctx: Context, region: Region | None) -> list[Borough]:
    rows = await ctx.db.read("boroughs", region=region.value if region else None)
    return [Borough.of(row["item"]) for row in rows]


async def borough(ctx: Context, code: str) -> Borough | None:
    return await ctx.loaders.borough.load(code)


async def partnerships(ctx: Context) -> list[Partnership]:
    rows = await ctx.db.read("partnerships")
    return [Partnership.of(row["item"]) for row in rows]
