import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext, Info

from citygraph.resolvers import entities
from citygraph.resolvers.context import Context
from citygraph.schema.analytics import AnalyticsQuery
from citygraph.schema.extensions import EXTENSIONS, log_errors
from citygraph.schema.fastpath import FastPath
from citygraph.schema.filtering import ContractSort, SupplierSort, SystemSort
from citygraph.schema.metrics import GraphQLMetrics
from citygraph.schema.mutations import ChangeQuery, Mutation
from citygraph.schema.search import SearchQuery
from citygraph.schema.subscription import Subscription
from citygraph.schema.types import (
    Borough,
    Contract,
    ContractConnection,
    ContractWhere,
    Partnership,
    Region,
    ServiceArea,
    Skill,
    Supplier,
    SupplierConnection,
    SupplierWhere,
    System,
    SystemConnection,
    SystemWhere,
)

Ctx = Info[Context, None]


@strawberry.type
class EntityQuery:
    @strawberry.field(description="One council by its ONS GSS code; null when there is none.")
    async def borough(self, info: Ctx, code: strawberry.ID) -> Borough | None:
        return await info.context.loaders.borough.load(code)

    @strawberry.field(description="Councils ordered by name, optionally of one region.")
    async def boroughs(self, info: Ctx, region: Region | None = None) -> list[Borough]:
        return await entities.boroughs(info.context, region)

    @strawberry.field(description="One supplier by id; null when there is none.")
    async def supplier(self, info: Ctx, id: strawberry.ID) -> Supplier | None:
        return await info.context.loaders.supplier.load(id)

    @strawberry.field(description="Suppliers ordered by name, then id.")
    async def suppliers(
        self,
        info: Ctx,
        where: SupplierWhere | None = None,
        first: int | None = 50,
        after: str | None = None,
        sort: list[SupplierSort] | None = None,
    ) -> SupplierConnection:
        page = await entities.suppliers(info.context, SupplierWhere.to_filter(where, sort), first, after)
        return page  # type: ignore[return-value]

    @strawberry.field(description="One system by id; null when there is none.")
    async def system(self, info: Ctx, id: strawberry.ID) -> System | None:
        return await info.context.loaders.system.load(id)

    @strawberry.field(description="Systems ordered by name, then id.")
    async def systems(
        self,
        info: Ctx,
        where: SystemWhere | None = None,
        first: int | None = 50,
        after: str | None = None,
        sort: list[SystemSort] | None = None,
    ) -> SystemConnection:
        page = await entities.systems(info.context, SystemWhere.to_filter(where, sort), first, after)
        return page  # type: ignore[return-value]

    @strawberry.field(description="One contract by id; null when there is none.")
    async def contract(self, info: Ctx, id: strawberry.ID) -> Contract | None:
        return await info.context.loaders.contract.load(id)

    @strawberry.field(description="Contracts ordered by endDate (unknown last), then id.")
    async def contracts(
        self,
        info: Ctx,
        where: ContractWhere | None = None,
        first: int | None = 50,
        after: str | None = None,
        sort: list[ContractSort] | None = None,
    ) -> ContractConnection:
        page = await entities.contracts(info.context, ContractWhere.to_filter(where, sort), first, after)
        return page  # type: ignore[return-value]

    @strawberry.field(description="Ordered by name.")
    async def service_areas(self, info: Ctx) -> list[ServiceArea]:
        return await entities.service_areas(info.context)

    @strawberry.field(description="Ordered by name.")
    async def skills(self, info: Ctx) -> list[Skill]:
        return await entities.skills(info.context)

    @strawberry.field(description="Ordered by name.")
    async def partnerships(self, info: Ctx) -> list[Partnership]:
        return await entities.partnerships(info.context)


@strawberry.type
class Query(EntityQuery, AnalyticsQuery, SearchQuery, ChangeQuery):
    """Entity lookups (EntityQuery), the analytics and the change log (ChangeQuery)."""


class CityGraphSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        log_errors(errors, execution_context)


schema = CityGraphSchema(
    query=Query, mutation=Mutation, subscription=Subscription, extensions=[*EXTENSIONS, GraphQLMetrics, FastPath]
)
