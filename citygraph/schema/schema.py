import strawberry
from strawberry.types import Info

from citygraph.resolvers import boroughs as boroughs_resolvers
from citygraph.resolvers.context import Context
from citygraph.schema.extensions import EXTENSIONS
from citygraph.schema.types import Borough, Partnership, Region

Ctx = Info[Context, None]


@strawberry.type
class Query:
    @strawberry.field(description="One council by its ONS GSS code; null when there is none.")
    async def borough(self, info: Ctx, code: strawberry.ID) -> Borough | None:
        return await boroughs_resolvers.borough(info.context, code)

    @strawberry.field(description="Councils ordered by name, optionally of one region.")
    async def boroughs(self, info: Ctx, region: Region | None = None) -> list[Borough]:
        return await boroughs_resolvers.boroughs(info.context, region)

    @strawberry.field
    async def partnerships(self, info: Ctx) -> list[Partnership]:
        return await boroughs_resolvers.partnerships(info.context)


schema = strawberry.Schema(query=Query, extensions=EXTENSIONS)
