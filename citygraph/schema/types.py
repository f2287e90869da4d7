"""GraphQL object types. At run time their root values are the domain records of `graph/records.py`:
strawberry reads scalar fields by attribute, so records are served as they are, with no copying."""


import strawberry
from strawberry.types import Info

from citygraph.graph import records as r
from citygraph.resolvers.context import Context

Region = strawberry.enum(r.Region)
Hosting = strawberry.enum(r.Hosting)
ServiceKind = strawberry.enum(r.ServiceKind)
ConcentrationMeasure = strawberry.enum(r.ConcentrationMeasure)
EntityKind = strawberry.enum(r.EntityKind)

Ctx = Info[Context, None]


@strawberry.type
class Borough:
    code: strawberry.ID
    name: str
    region: Region

    @strawberry.field
    async def partnerships(self, info: Ctx) -> list["Partnership"]:
        return await info.context.loaders.partnerships_of_borough.load(self.code)


@strawberry.type
class Partnership:
    name: strawberry.ID

    @strawberry.field
    async def boroughs(self, info: Ctx) -> list[Borough]:
        return await info.context.loaders.boroughs_of_partnership.load(self.name)
