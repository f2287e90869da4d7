"""GraphQL object types. At run time their root values are the domain records of `graph/records.py`:
strawberry reads scalar fields by attribute, so records are served as they are, with no copying, and
`self` in a resolver below is the record."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Generic, TypeVar

import strawberry
from strawberry.types import Info

from citygraph.graph import records as r
from citygraph.resolvers import analytics, entities
from citygraph.resolvers.context import Context
from citygraph.schema.access import members_only
from citygraph.schema.filtering import (
    BooleanFilter,
    ContractAggregate,
    ContractSort,
    CountAggregate,
    DateFilter,
    FloatFilter,
    IDFilter,
    StringFilter,
    SupplierSort,
    SystemSort,
    to_sort,
    to_where,
)

Region = strawberry.enum(r.Region)
Hosting = strawberry.enum(r.Hosting)
ServiceKind = strawberry.enum(r.ServiceKind)
ConcentrationMeasure = strawberry.enum(r.ConcentrationMeasure)
EntityKind = strawberry.enum(r.EntityKind)

if TYPE_CHECKING:
    from citygraph.schema.analytics import CollaborationPartner

Ctx = Info[Context, None]
T = TypeVar("T")


@strawberry.input
class ContractWhere:
    borough_code: strawberry.ID | None = None
    supplier_id: strawberry.ID | None = None
    system_id: strawberry.ID | None = None
    service_area: str | None = None
    end_date_from: dt.date | None = strawberry.field(default=None, description="inclusive")
    end_date_to: dt.date | None = strawberry.field(default=None, description="inclusive")
    # v7-style additions (docs/finding.md): operators per field, and AND/OR/NOT of whole ContractWheres.
    id: IDFilter | None = None
    title: StringFilter | None = None
    value_gbp: FloatFilter | None = None
    start_date: DateFilter | None = None
    end_date: DateFilter | None = None
    max_extension_date: DateFilter | None = None
    source: StringFilter | None = None
    and_: list["ContractWhere"] | None = strawberry.field(name="AND", default=None, description="all of them")
    or_: list["ContractWhere"] | None = strawberry.field(name="OR", default=None, description="at least one")
    not_: "ContractWhere | None" = strawberry.field(name="NOT", default=None, description="not this one")

    LEGACY = {
        "borough_code": ("boroughCode", "eq"),
        "supplier_id": ("supplierId", "eq"),
        "system_id": ("systemId", "eq"),
        "service_area": ("serviceArea", "eq"),
        "end_date_from": ("endDate", "gte"),
        "end_date_to": ("endDate", "lte"),
    }
    OPERATORS = {"id": "id", "title": "title", "value_gbp": "valueGbp", "start_date": "startDate",
                 "end_date": "endDate", "max_extension_date": "maxExtensionDate", "source": "source"}

    @staticmethod
    def to_filter(where: "ContractWhere | None", sort: list[ContractSort] | None = None) -> r.ContractFilter:
        if where is None:
            return r.ContractFilter(order=to_sort(sort))
        return r.ContractFilter(
            where.borough_code, where.supplier_id, where.system_id, where.service_area, where.end_date_from, where.end_date_to,
            to_where(where, ContractWhere.LEGACY, ContractWhere.OPERATORS, nested=False), to_sort(sort),
        )


@strawberry.input
class SupplierWhere:
    name_contains: str | None = strawberry.field(default=None, description="case-insensitive")
    sme: bool | None = None
    # v7-style additions (docs/finding.md)
    id: IDFilter | None = None
    name: StringFilter | None = None
    company_number: StringFilter | None = None
    and_: list["SupplierWhere"] | None = strawberry.field(name="AND", default=None, description="all of them")
    or_: list["SupplierWhere"] | None = strawberry.field(name="OR", default=None, description="at least one")
    not_: "SupplierWhere | None" = strawberry.field(name="NOT", default=None, description="not this one")

    LEGACY = {"name_contains": ("nameContains", "eq"), "sme": ("sme", "eq")}
    OPERATORS = {"id": "id", "name": "name", "company_number": "companyNumber"}

    @staticmethod
    def to_filter(where: "SupplierWhere | None", sort: list[SupplierSort] | None = None) -> r.SupplierFilter:
        if where is None:
            return r.SupplierFilter(order=to_sort(sort))
        return r.SupplierFilter(
            where.name_contains, where.sme,
            to_where(where, SupplierWhere.LEGACY, SupplierWhere.OPERATORS, nested=False), to_sort(sort),
        )


@strawberry.input
class SystemWhere:
    name_contains: str | None = strawberry.field(default=None, description="case-insensitive")
    service_area: str | None = None
    manufacturer_id: strawberry.ID | None = None
    # v7-style additions (docs/finding.md)
    id: IDFilter | None = None
    name: StringFilter | None = None
    and_: list["SystemWhere"] | None = strawberry.field(name="AND", default=None, description="all of them")
    or_: list["SystemWhere"] | None = strawberry.field(name="OR", default=None, description="at least one")
    not_: "SystemWhere | None" = strawberry.field(name="NOT", default=None, description="not this one")

    LEGACY = {"name_contains": ("nameContains", "eq"), "service_area": ("serviceArea", "eq"),
              "manufacturer_id": ("manufacturerId", "eq")}
    OPERATORS = {"id": "id", "name": "name"}

    @staticmethod
    def to_filter(where: "SystemWhere | None", sort: list[SystemSort] | None = None) -> r.SystemFilter:
        if where is None:
            return r.SystemFilter(order=to_sort(sort))
        return r.SystemFilter(
            where.name_contains, where.service_area, where.manufacturer_id,
            to_where(where, SystemWhere.LEGACY, SystemWhere.OPERATORS, nested=False), to_sort(sort),
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    page_info: PageInfo
    edges: list[Edge[T]]

    @strawberry.field(description="Number of items in the whole list; counted only when asked for.")
    async def total_count(self) -> int:
        return await self.total()  # type: ignore[attr-defined]


@strawberry.type(description="Where a fact came from and how far to trust it (docs/real-data.md).")
class Provenance:
    source: str | None = strawberry.field(
        description='e.g. "reference:london_planning_portals_2020_vs_2025.csv", a bundle\'s source, an OCDS ocid'
    )
    method: str | None = strawberry.field(
        description="How the fact was derived when no source states it outright; null when one does."
    )
    confidence: str | None = strawberry.field(description='"high", "medium" or "low"; null when not assessed.')
    updated_at: dt.datetime | None = strawberry.field(description="When the fact last changed in the graph.")


@strawberry.type(description="A supplier's entry in Companies House basic company data (docs/real-data.md).")
class CompanyFacts:
    status: str | None = strawberry.field(description='CompanyStatus, e.g. "Active", "Liquidation".')
    account_category: str | None = strawberry.field(
        description='Accounts.AccountCategory, e.g. "SMALL", "FULL": what `sme` was set from.'
    )
    sic_codes: list[str] = strawberry.field(description='SIC 2007 codes, e.g. "62012".')
    sic_descriptions: list[str]
    source: str = strawberry.field(description='The file it came from, "companies-house:<file name>".')
    as_of: dt.date = strawberry.field(description="The date of that Companies House snapshot.")


@strawberry.type
class Partnership:
    name: strawberry.ID

    @strawberry.field(description="Ordered by name.")
    async def boroughs(self, info: Ctx) -> list["Borough"]:
        return await info.context.loaders.boroughs_of_partnership.load(self.name)


@strawberry.type
class Borough:
    code: strawberry.ID = strawberry.field(description='ONS GSS code, e.g. "E09000007"')
    name: str
    region: Region

    @strawberry.field
    async def partnerships(self, info: Ctx) -> list[Partnership]:
        return await info.context.loaders.partnerships_of_borough.load(self.code)

    @strawberry.field(description="Ordered by system name.")
    async def system_uses(self, info: Ctx) -> list["SystemUse"]:
        return await info.context.loaders.system_uses_of_borough.load(self.code)

    @strawberry.field(description="Ordered by name.")
    async def systems(self, info: Ctx) -> list["System"]:
        return await info.context.loaders.systems_of_borough.load(self.code)

    @strawberry.field(description="Systems it used before and no longer uses (each with `until`); by system name.")
    async def past_system_uses(self, info: Ctx) -> list["SystemUse"]:
        return await info.context.loaders.past_system_uses_of_borough.load(self.code)

    @strawberry.field(description="Contract counterparties plus manufacturers of the systems it uses; by name.")
    async def suppliers(self, info: Ctx) -> list["Supplier"]:
        return await info.context.loaders.suppliers_of_borough.load(self.code)

    @strawberry.field(description="Ordered by endDate, then id.")
    async def contracts(
        self,
        info: Ctx,
        where: ContractWhere | None = None,
        first: int | None = 50,
        after: str | None = None,
        sort: list[ContractSort] | None = None,
    ) -> "ContractConnection":
        loaders = info.context.loaders
        return await entities.owned_contracts(  # type: ignore[return-value]
            info.context,
            loaders.contract_pages_of_borough,
            loaders.contract_counts_of_borough,
            self.code,
            ContractWhere.to_filter(where, sort),
            first,
            after,
        )

    @strawberry.field(description="Ordered by skill name. Members only: null without sign-in.", extensions=members_only())
    async def skills(self, info: Ctx) -> list["SkillRating"] | None:
        return await info.context.loaders.skill_ratings_of_borough.load(self.code)

    @strawberry.field(description="Query.collaborationPartners of this borough; batched across boroughs.")
    async def collaboration_partners(
        self, info: Ctx, limit: int | None = 5
    ) -> list[Annotated["CollaborationPartner", strawberry.lazy("citygraph.schema.analytics")]]:
        return await analytics.collaboration_partners(info.context, self.code, limit)  # type: ignore[return-value]


@strawberry.type
class ServiceArea:
    name: strawberry.ID
    kind: ServiceKind

    @strawberry.field(description="Ordered by name.")
    async def systems(self, info: Ctx) -> list["System"]:
        return await info.context.loaders.systems_of_service_area.load(self.name)


@strawberry.type
class Supplier:
    id: strawberry.ID
    name: str
    sme: bool
    company_number: str | None
    vcse: bool | None = strawberry.field(
        default=None,
        description="A voluntary, community or social enterprise, as a contracts register says; null when none does.",
    )

    @strawberry.field
    async def provenance(self, info: Ctx) -> Provenance | None:
        return await info.context.loaders.provenance_of_supplier.load(self.id)

    @strawberry.field(description="Null until `citygraph enrich-companies` found its company number.")
    async def companies_house(self, info: Ctx) -> CompanyFacts | None:
        return await info.context.loaders.companies_house_of_supplier.load(self.id)

    @strawberry.field(description="Systems it manufactures, ordered by name.")
    async def systems(self, info: Ctx) -> list["System"]:
        return await info.context.loaders.systems_of_supplier.load(self.id)

    @strawberry.field(description="Boroughs it supplies (contract or manufactured system in use), by name.")
    async def boroughs(self, info: Ctx) -> list[Borough]:
        return await info.context.loaders.boroughs_of_supplier.load(self.id)

    @strawberry.field(description="Ordered by endDate, then id.")
    async def contracts(
        self,
        info: Ctx,
        where: ContractWhere | None = None,
        first: int | None = 50,
        after: str | None = None,
        sort: list[ContractSort] | None = None,
    ) -> "ContractConnection":
        loaders = info.context.loaders
        return await entities.owned_contracts(  # type: ignore[return-value]
            info.context,
            loaders.contract_pages_of_supplier,
            loaders.contract_counts_of_supplier,
            self.id,
            ContractWhere.to_filter(where, sort),
            first,
            after,
        )


@strawberry.type
class System:
    id: strawberry.ID
    name: str

    service_area: ServiceArea
    manufacturer: Supplier

    @strawberry.field(description="Ordered by borough name.")
    async def uses(self, info: Ctx) -> list["SystemUse"]:
        return await info.context.loaders.system_uses_of_system.load(self.id)

    @strawberry.field(description="Boroughs that use it, ordered by name.")
    async def boroughs(self, info: Ctx) -> list[Borough]:
        return await info.context.loaders.boroughs_of_system.load(self.id)

    @strawberry.field(
        description="Mean of non-null SystemUse.satisfaction; null when none. Members only: null without sign-in.",
        extensions=members_only(),
    )
    async def average_satisfaction(self, info: Ctx) -> float | None:
        return await info.context.loaders.average_satisfaction.load(self.id)

    @strawberry.field(description="Boroughs that used it before and no longer do (each with `until`); by name.")
    async def past_uses(self, info: Ctx) -> list["SystemUse"]:
        return await info.context.loaders.past_system_uses_of_system.load(self.id)

    @strawberry.field
    async def provenance(self, info: Ctx) -> Provenance | None:
        return await info.context.loaders.provenance_of_system.load(self.id)


@strawberry.type
class SystemUse:
    since: dt.date | None
    hosting: Hosting
    satisfaction: int | None = strawberry.field(
        description="1 (very poor) .. 5 (excellent). Members only: null without sign-in.", extensions=members_only()
    )
    users: int | None
    until: dt.date | None = strawberry.field(
        description="Set on a past use (Borough.pastSystemUses): the first date a source saw it replaced."
    )
    first_seen: dt.date | None = strawberry.field(description="Earliest date a source saw this use.")
    last_seen: dt.date | None = strawberry.field(description="Latest date a source saw this use.")
    evidence_url: str | None = strawberry.field(description="The page the use was inferred from, e.g. a portal URL.")
    provenance: Provenance | None

    @strawberry.field
    async def borough(self, info: Ctx) -> Borough:
        return await info.context.loaders.borough.load(self.borough_code)  # type: ignore[attr-defined]

    @strawberry.field
    async def system(self, info: Ctx) -> System:
        return await info.context.loaders.system.load(self.system_id)  # type: ignore[attr-defined]


@strawberry.type
class Contract:
    id: strawberry.ID
    title: str
    value_gbp: float | None = strawberry.field(description="Total contract value in pounds.")
    start_date: dt.date | None
    end_date: dt.date | None = strawberry.field(description="The current end date.")
    max_extension_date: dt.date | None = strawberry.field(
        description="The end date if every extension option is taken; null when not known."
    )
    source: str = strawberry.field(description='Where the record came from, e.g. "survey-2026" or an OCDS ocid.')
    # What a council's contracts register states (`citygraph load-register`); null where the source is silent.
    reference: str | None = strawberry.field(
        default=None, description='The council\'s own contract reference (contracts registers), e.g. "MER-ICT-0001".'
    )
    description: str | None = strawberry.field(default=None, description="What is bought (contracts registers).")
    department: str | None = strawberry.field(
        default=None, description="The council department responsible (contracts registers)."
    )
    annual_value_gbp: float | None = strawberry.field(
        default=None, description="Annual value in pounds (contracts registers); valueGbp is the value over the "
        "life of the contract."
    )  # fmt: skip
    review_date: dt.date | None = strawberry.field(default=None, description="When the council reviews the contract.")
    extension_options: str | None = strawberry.field(
        default=None, description='The register\'s words on extensions, e.g. "2 x 12 months"; maxExtensionDate is '
        "the end date with all of them taken."
    )  # fmt: skip
    cpv_codes: list[str] | None = strawberry.field(
        default=None, description='CPV codes (8 digits, e.g. "48000000"), from a contracts register or an OCDS award.'
    )
    proclass: str | None = strawberry.field(
        default=None, description="ProClass category (label and/or code) as a contracts register gives it."
    )

    @strawberry.field
    async def provenance(self, info: Ctx) -> Provenance | None:
        return await info.context.loaders.provenance_of_contract.load(self.id)

    @strawberry.field
    async def borough(self, info: Ctx) -> Borough:
        return await info.context.loaders.borough.load(self.borough_code)  # type: ignore[attr-defined]

    @strawberry.field(description="The lead supplier: when an award names several, the first of them by id.")
    async def supplier(self, info: Ctx) -> Supplier:
        return await info.context.loaders.supplier.load(self.supplier_id)  # type: ignore[attr-defined]

    @strawberry.field(description="Ordered by name.")
    async def systems(self, info: Ctx) -> list[System]:
        return await info.context.loaders.systems_of_contract.load(self.id)


@strawberry.type
class Skill:
    name: strawberry.ID
    category: str | None

    @strawberry.field(description="Ordered by borough name.")
    async def ratings(self, info: Ctx) -> list["SkillRating"]:
        return await info.context.loaders.skill_ratings_of_skill.load(self.name)


@strawberry.type
class SkillRating:
    # Nullable (the contract said Int!) so that an anonymous caller's null stays on this field instead of
    # nulling the rating, its list and every parent up to the nearest nullable field.
    level: int | None = strawberry.field(
        description="1 (none) .. 5 (expert). Members only: null without sign-in.", extensions=members_only()
    )

    @strawberry.field
    async def borough(self, info: Ctx) -> Borough:
        return await info.context.loaders.borough.load(self.borough_code)  # type: ignore[attr-defined]

    @strawberry.field
    async def skill(self, info: Ctx) -> Skill:
        return await info.context.loaders.skill.load(self.skill_name)  # type: ignore[attr-defined]


@strawberry.type
class ContractConnection(Connection[Contract]):
    @strawberry.field(description="count, sum of valueGbp, earliest and latest endDate of the whole filtered list.")
    async def aggregate(self) -> ContractAggregate:
        found: r.Aggregate = await self.aggregate()  # type: ignore[attr-defined,misc]
        return ContractAggregate(
            count=found.count, sum_value_gbp=found.sum_value_gbp or 0.0,
            min_end_date=found.min_end_date, max_end_date=found.max_end_date,
        )


@strawberry.type
class SupplierConnection(Connection[Supplier]):
    @strawberry.field(description="count of the whole filtered list.")
    async def aggregate(self) -> CountAggregate:
        return CountAggregate(count=(await self.aggregate()).count)  # type: ignore[attr-defined,misc]


@strawberry.type
class SystemConnection(Connection[System]):
    @strawberry.field(description="count of the whole filtered list.")
    async def aggregate(self) -> CountAggregate:
        return CountAggregate(count=(await self.aggregate()).count)  # type: ignore[attr-defined,misc]

