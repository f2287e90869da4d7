"""Mutations: GraphQL input → the bundle's row models (one set of rules for imports and the API) → the
graph's writes (citygraph/graph/writes.py) → domain records. docs/writing.md describes the API.

Inputs arrive as typed values keyed by bundle column names (the input types' Python names); each is turned
back into the text of a CSV cell and checked by `bundle.parse_row`, so an API write accepts and refuses
exactly what a bundle row would, with the same message, naming the GraphQL field instead of the column."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from citygraph.graph import records as r
from citygraph.graph import writes
from citygraph.graph.bundle import (
    BundleRow,
    ContractRow,
    Key,
    ServiceAreaRow,
    SkillRatingRow,
    SupplierRow,
    SystemRow,
    SystemUseRow,
    parse_row,
)
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError
from citygraph.resolvers.ratelimit import write_rate


class MutationError(InputError):
    """A refused write, as the caller sees it: `extensions.code` (BAD_USER_INPUT, UNAUTHENTICATED, FORBIDDEN,
    RATE_LIMITED) and, when an input field is at fault, `extensions.field`."""

    def __init__(self, code: str, message: str, field: str | None = None, **extensions: Any):
        super().__init__(message)
        self.extensions: dict[str, Any] = {"code": code, **({"field": field} if field else {}), **extensions}


def field_name(column: str) -> str:
    """A bundle column's GraphQL input field name (strawberry's camelCase of the same Python name)."""
    head, *rest = column.split("_")
    return head + "".join(part.title() for part in rest)


def _cell(value: Any) -> str:
    """A typed input value as the CSV cell a council would have written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value).strip()  # a cell's spaces are not part of it


def _row(model: type[BundleRow], values: dict[str, Any], clear: list[str] | None = None) -> Any:
    given = {field_name(column) for column, value in values.items() if value is not None}
    for name in clear or []:
        if name in given:
            raise MutationError(
                "BAD_USER_INPUT", f"clear: {name} is given a value and listed in clear; do one", "clear"
            )
    row, problems = parse_row(model, 0, {column: _cell(value) for column, value in values.items()})
    if problems:
        problem = problems[0]  # one error naming one field; the caller fixes it and sends again
        name = field_name(problem.column)
        raise MutationError("BAD_USER_INPUT", f"{name}: {problem.message}", name)
    return row


_KEY: TypeAdapter[str] = TypeAdapter(Key)


def _key(field: str, value: str) -> str:
    """A key argument of a removal or merge, checked as a bundle checks a key cell."""
    text = value.strip()
    if not text:
        raise MutationError("BAD_USER_INPUT", f"{field}: required value is empty", field)
    try:
        return _KEY.validate_python(text)
    except ValidationError as error:
        raise MutationError("BAD_USER_INPUT", f"{field}: {error.errors()[0]['ctx']['error']}", field) from None


def _admit(ctx: Context, operation: str, admin_only: bool = False) -> None:
    """May the caller write at all, and now? Before its input is looked at."""
    with _refusals():
        writes.require_writer(ctx.principal, operation, admin_only)
    wait = write_rate(ctx.settings.write_rate).admit(ctx.principal)
    if wait is not None:
        raise MutationError(
            "RATE_LIMITED",
            f"Too many writes: at most {ctx.settings.write_rate} per caller (CITYGRAPH_WRITE_RATE); try again in {wait} s.",
            retryAfter=wait,
        )


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except writes.WriteError as error:
        raise MutationError(error.code, str(error), error.field) from None


def _system_use(state: dict[str, Any]) -> r.SystemUse:
    return r.SystemUse.of({**state, "provenance": state})


async def upsert_system_use(ctx: Context, values: dict[str, Any], clear: list[str]) -> r.SystemUse:
    _admit(ctx, "upsertSystemUse")
    row = _row(SystemUseRow, values, clear)
    with _refusals():
        return _system_use(await writes.upsert_system_use(ctx.db, ctx.principal, row, set(clear)))


async def remove_system_use(ctx: Context, borough: str, system: str) -> r.SystemUse | None:
    _admit(ctx, "removeSystemUse")
    borough, system = _key("borough", borough), _key("system", system)
    with _refusals():
        state = await writes.remove_system_use(ctx.db, ctx.principal, borough, system)
    return None if state is None else _system_use(state)


async def upsert_contract(ctx: Context, values: dict[str, Any], clear: list[str]) -> r.Contract:
    _admit(ctx, "upsertContract")
    row = _row(ContractRow, values, clear)
    with _refusals():
        return r.Contract.of(await writes.upsert_contract(ctx.db, ctx.principal, row, set(clear)))


async def remove_contract(ctx: Context, contract_id: str) -> r.Contract | None:
    _admit(ctx, "removeContract")
    contract_id = _key("id", contract_id)
    with _refusals():
        state = await writes.remove_contract(ctx.db, ctx.principal, contract_id)
    return None if state is None else r.Contract.of(state)


async def set_skill_rating(ctx: Context, values: dict[str, Any]) -> r.SkillRating:
    _admit(ctx, "setSkillRating")
    row = _row(SkillRatingRow, values)
    with _refusals():
        return r.SkillRating.of(await writes.set_skill_rating(ctx.db, ctx.principal, row))


async def remove_skill_rating(ctx: Context, borough: str, skill: str) -> r.SkillRating | None:
    _admit(ctx, "removeSkillRating")
    borough, skill = _key("borough", borough), _key("skill", skill)
    with _refusals():
        state = await writes.remove_skill_rating(ctx.db, ctx.principal, borough, skill)
    return None if state is None else r.SkillRating.of(state)


async def upsert_supplier(ctx: Context, values: dict[str, Any], clear: list[str]) -> r.Supplier:
    _admit(ctx, "upsertSupplier", admin_only=True)
    row = _row(SupplierRow, values, clear)
    with _refusals():
        return r.Supplier.of(await writes.upsert_supplier(ctx.db, ctx.principal, row, set(clear)))


async def upsert_system(ctx: Context, values: dict[str, Any]) -> r.System:
    _admit(ctx, "upsertSystem", admin_only=True)
    row = _row(SystemRow, values)
    with _refusals():
        return r.System.of(await writes.upsert_system(ctx.db, ctx.principal, row))


async def upsert_service_area(ctx: Context, values: dict[str, Any]) -> r.ServiceArea:
    _admit(ctx, "upsertServiceArea", admin_only=True)
    row = _row(ServiceAreaRow, values)
    with _refusals():
        return r.ServiceArea.of(await writes.upsert_service_area(ctx.db, ctx.principal, row))


async def merge_suppliers(ctx: Context, keep: str, remove: str) -> r.Supplier:
    _admit(ctx, "mergeSuppliers", admin_only=True)
    keep, remove = _key("keep", keep), _key("remove", remove)
    with _refusals():
        return r.Supplier.of(await writes.merge_suppliers(ctx.db, ctx.principal, keep, remove))


async def changes(
    ctx: Context, since: dt.datetime | None, borough: str | None, first: int | None
) -> list[writes.Change]:
    """The change log: administrators only."""
    who = ctx.principal
    if not who.signed_in:
        raise MutationError("UNAUTHENTICATED", "The change log needs sign-in as an administrator.")
    if not who.is_admin:
        raise MutationError("FORBIDDEN", f'The change log is for administrators; "{who.name}" is {who.role.value}.')
    first = min(100, ctx.settings.max_page_size) if first is None else first
    if not 1 <= first <= ctx.settings.max_page_size:
        raise MutationError(
            "BAD_USER_INPUT", f"first: must be between 1 and {ctx.settings.max_page_size} (got {first})", "first"
        )
    return await writes.changes(ctx.db, since, borough, first)
