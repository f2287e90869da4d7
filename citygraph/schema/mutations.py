"""The write API's GraphQL side: input types, the Mutation type and the admins' change log (docs/writing.md).

Input fields carry the bundle's column names in Python (strawberry camelCases them for GraphQL), so a
resolver hands them to the bundle's row models as they are. An optional field that is null or left out
keeps what the graph has, as an empty cell in a bundle does; to blank one, name it in `clear`."""

import dataclasses
import datetime as dt
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from citygraph.resolvers import mutations
from citygraph.resolvers.context import Context
from citygraph.schema.types import Contract, Hosting, ServiceArea, ServiceKind, SkillRating, Supplier, System, SystemUse

Ctx = Info[Context, None]


# Each value is the GraphQL field name it blanks, which is also the graph property's name.
@strawberry.enum(description="Optional SystemUse fields that `clear` blanks.")
class SystemUseField(Enum):
    SINCE = "since"
    SATISFACTION = "satisfaction"
    USERS = "users"


@strawberry.enum(description="Optional Contract fields that `clear` blanks (SYSTEM_IDS: it covers no system).")
class ContractField(Enum):
    SYSTEM_IDS = "systemIds"
    VALUE_GBP = "valueGbp"
    START_DATE = "startDate"
    END_DATE = "endDate"
    MAX_EXTENSION_DATE = "maxExtensionDate"


@strawberry.enum(description="Optional Supplier fields that `clear` blanks.")
class SupplierField(Enum):
    COMPANY_NUMBER = "companyNumber"


@strawberry.input(description="A borough's use of a system (system_uses.csv). Null keeps the stored value.")
class SystemUseInput:
    borough_code: strawberry.ID
    system_id: strawberry.ID
    since: dt.date | None = None
    hosting: Hosting | None = strawberry.field(default=None, description="UNKNOWN when never given.")  # type: ignore[valid-type]
    satisfaction: int | None = strawberry.field(default=None, description="1 (very poor) .. 5 (excellent)")
    users: int | None = None
    clear: list[SystemUseField] | None = strawberry.field(default=None, description="Fields to blank.")


@strawberry.input(description="A council contract (contracts.csv). Null keeps the stored value.")
class ContractInput:
    id: strawberry.ID
    title: str
    borough_code: strawberry.ID = strawberry.field(description="Moving a contract needs the right to both boroughs.")
    supplier_id: strawberry.ID
    system_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Replaces the systems it covers; null or [] keeps them (clear SYSTEM_IDS empties)."
    )
    value_gbp: float | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    max_extension_date: dt.date | None = None
    clear: list[ContractField] | None = strawberry.field(default=None, description="Fields to blank.")


@strawberry.input(description="A borough's rating of one of its skills (skill_ratings.csv).")
class SkillRatingInput:
    borough_code: strawberry.ID
    skill: str = strawberry.field(description="The skill's name; a new name makes a new skill.")
    level: int = strawberry.field(description="1 (none) .. 5 (expert)")
    category: str | None = strawberry.field(default=None, description="Sets the skill's category when given.")


@strawberry.input(description="A supplier (suppliers.csv). Null keeps the stored value.")
class SupplierInput:
    id: strawberry.ID
    name: str
    sme: bool | None = strawberry.field(default=None, description="false when never given.")
    company_number: str | None = None
    clear: list[SupplierField] | None = strawberry.field(default=None, description="Fields to blank.")


@strawberry.input(description="A system (systems.csv): its one service area and manufacturer.")
class SystemInput:
    id: strawberry.ID
    name: str
    service_area: str
    manufacturer_id: strawberry.ID


@strawberry.input(description="A service area (service_areas.csv).")
class ServiceAreaInput:
    name: str
    kind: ServiceKind  # type: ignore[valid-type]


def _values(given: Any) -> dict[str, Any]:
    """An input's fields by bundle column name, without `clear`."""
    return {f.name: getattr(given, f.name) for f in dataclasses.fields(given) if f.name != "clear"}


def _clear(given: Any) -> list[str]:
    return [field.value for field in given.clear or []]


@strawberry.type(description="One write in the change log (admins only): who changed what, when.")
class Change:
    id: strawberry.ID
    at: dt.datetime
    principal: str = strawberry.field(description="The API key's name or the token's subject.")
    role: str = strawberry.field(description="The caller's role at the time: editor or admin.")
    operation: str = strawberry.field(description='The mutation, e.g. "upsertContract".')
    kind: str = strawberry.field(description="SystemUse, Contract, SkillRating, Supplier, System or ServiceArea.")
    key: str = strawberry.field(description='The record\'s key: an id or name, or "borough code/system id|skill".')
    boroughs: list[str] = strawberry.field(description="The boroughs whose record it is (two when a contract moved).")
    before: str | None = strawberry.field(description="JSON object of the changed fields before; null: created.")
    after: str | None = strawberry.field(description="JSON object of the changed fields after; null: removed.")


@strawberry.type
class ChangeQuery:
    @strawberry.field(description="The change log, oldest first from `since`; administrators only.")
    async def changes(
        self, info: Ctx, since: dt.datetime | None = None, borough: str | None = None, first: int | None = 100
    ) -> list[Change]:
        return await mutations.changes(info.context, since, borough, first)  # type: ignore[return-value]


@strawberry.type(description="Writes (docs/writing.md): signed-in editors for their boroughs, admins for all.")
class Mutation:
    @strawberry.mutation(description="Adds or changes a borough's use of a system.")
    async def upsert_system_use(self, info: Ctx, input: SystemUseInput) -> SystemUse:
        return await mutations.upsert_system_use(info.context, _values(input), _clear(input))  # type: ignore[return-value]

    @strawberry.mutation(description="The borough no longer uses the system; returns the use removed, null if none.")
    async def remove_system_use(self, info: Ctx, borough: strawberry.ID, system: strawberry.ID) -> SystemUse | None:
        return await mutations.remove_system_use(info.context, borough, system)  # type: ignore[return-value]

    @strawberry.mutation(description="Adds or changes a council contract.")
    async def upsert_contract(self, info: Ctx, input: ContractInput) -> Contract:
        return await mutations.upsert_contract(info.context, _values(input), _clear(input))  # type: ignore[return-value]

    @strawberry.mutation(description="Deletes a contract; returns it as it was, null if there was none.")
    async def remove_contract(self, info: Ctx, id: strawberry.ID) -> Contract | None:
        return await mutations.remove_contract(info.context, id)  # type: ignore[return-value]

    @strawberry.mutation(description="Sets a borough's rating of a skill.")
    async def set_skill_rating(self, info: Ctx, input: SkillRatingInput) -> SkillRating:
        return await mutations.set_skill_rating(info.context, _values(input))  # type: ignore[return-value]

    @strawberry.mutation(description="Removes a borough's rating of a skill; returns it, null if there was none.")
    async def remove_skill_rating(self, info: Ctx, borough: strawberry.ID, skill: str) -> SkillRating | None:
        return await mutations.remove_skill_rating(info.context, borough, skill)  # type: ignore[return-value]

    @strawberry.mutation(description="Adds or changes a supplier (administrators).")
    async def upsert_supplier(self, info: Ctx, input: SupplierInput) -> Supplier:
        return await mutations.upsert_supplier(info.context, _values(input), _clear(input))  # type: ignore[return-value]

    @strawberry.mutation(description="Adds or changes a system (administrators).")
    async def upsert_system(self, info: Ctx, input: SystemInput) -> System:
        return await mutations.upsert_system(info.context, _values(input))  # type: ignore[return-value]

    @strawberry.mutation(description="Adds or changes a service area (administrators).")
    async def upsert_service_area(self, info: Ctx, input: ServiceAreaInput) -> ServiceArea:
        return await mutations.upsert_service_area(info.context, _values(input))  # type: ignore[return-value]

    @strawberry.mutation(
        description="Folds supplier `remove` into `keep`: every relationship moves, `keep` records the merged id "
        "and name (mergedIds, aliases), `remove` is deleted (administrators)."
    )
    async def merge_suppliers(self, info: Ctx, keep: strawberry.ID, remove: strawberry.ID) -> Supplier:
        return await mutations.merge_suppliers(info.context, keep, remove)  # type: ignore[return-value]
