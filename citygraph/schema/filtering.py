"""The v7-style `where` operators and `sort` inputs, and their translation to graph/filters.py's records.
Field names are the GraphQL ones; each connection's allow-list is in graph/filters.py."""

import datetime as dt
from enum import Enum
from typing import Any

import strawberry

from citygraph.graph.filters import Condition, SortKey, Where
from citygraph.resolvers.errors import InputError

MAX_CONDITIONS = 50
MAX_IN_VALUES = 500
MAX_SORT_KEYS = 5


@strawberry.enum
class SortDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.input(description="Case-sensitive, as in the Neo4j GraphQL Library.")
class StringFilter:
    eq: str | None = None
    in_: list[str] | None = strawberry.field(name="in", default=None)
    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None


@strawberry.input
class IDFilter:
    eq: strawberry.ID | None = None
    in_: list[strawberry.ID] | None = strawberry.field(name="in", default=None)
    starts_with: strawberry.ID | None = None
    contains: strawberry.ID | None = None


@strawberry.input(description="Comparisons with an unknown (null) value never match.")
class FloatFilter:
    eq: float | None = None
    in_: list[float] | None = strawberry.field(name="in", default=None)
    lt: float | None = None
    lte: float | None = None
    gt: float | None = None
    gte: float | None = None


@strawberry.input(description="Comparisons with an unknown (null) date never match.")
class DateFilter:
    eq: dt.date | None = None
    in_: list[dt.date] | None = strawberry.field(name="in", default=None)
    lt: dt.date | None = None
    lte: dt.date | None = None
    gt: dt.date | None = None
    gte: dt.date | None = None


@strawberry.input
class BooleanFilter:
    eq: bool | None = None


OPERATOR_NAMES = {"in_": "in", "starts_with": "startsWith", "ends_with": "endsWith"}


class Budget:
    """Counts the conditions of one `where`, so no request compiles into an unbounded statement."""

    def __init__(self) -> None:
        self.used = 0

    def take(self, field: str, op: str, value: Any) -> Condition:
        self.used += 1
        if self.used > MAX_CONDITIONS:
            raise InputError(f'Argument "where" has more than {MAX_CONDITIONS} conditions; split the request.')
        if isinstance(value, list):
            if len(value) > MAX_IN_VALUES:
                raise InputError(f'Argument "where": {field}.in takes at most {MAX_IN_VALUES} values, got {len(value)}.')
            value = tuple(value)
        return Condition(field, op, value)


def to_where(where: Any, legacy: dict[str, tuple[str, str]], operators: dict[str, str], nested: bool, budget: Budget | None = None) -> Where:
    """`legacy`: today's scalar fields (attribute → (field, op)), compiled here only inside AND/OR/NOT (at the
    top level they keep their own statement parameters); `operators`: attribute → field of the v7 filters."""
    budget = budget or Budget()
    conditions: list[Condition] = []
    if nested:
        for attribute, (field, op) in legacy.items():
            value = getattr(where, attribute)
            if value is not None:
                conditions.append(budget.take(field, op, value))
    for attribute, field in operators.items():
        given = getattr(where, attribute)
        if given is None:
            continue
        for op_attribute, value in vars(given).items():
            if value is not None:
                conditions.append(budget.take(field, OPERATOR_NAMES.get(op_attribute, op_attribute), value))

    def sub(item: Any) -> Where:
        return to_where(item, legacy, operators, True, budget)

    return Where(
        conditions=tuple(conditions),
        all_of=tuple(sub(item) for item in where.and_ or ()),
        any_of=None if where.or_ is None else tuple(sub(item) for item in where.or_),
        negated=None if where.not_ is None else sub(where.not_),
    )


def to_sort(sort: list[Any] | None) -> tuple[SortKey, ...]:
    """Each item names one field and its direction ({endDate: DESC}); earlier items sort first."""
    if not sort:
        return ()
    if len(sort) > MAX_SORT_KEYS:
        raise InputError(f'Argument "sort" takes at most {MAX_SORT_KEYS} items, got {len(sort)}.')
    keys = []
    for index, item in enumerate(sort, start=1):
        named = [(attribute, value) for attribute, value in vars(item).items() if value is not None]
        if len(named) != 1:
            raise InputError(
                f'Argument "sort": item {index} names {len(named)} fields; each item names exactly one, '
                "e.g. [{endDate: DESC}, {title: ASC}]."
            )
        attribute, direction = named[0]
        keys.append(SortKey(strawberry_name(attribute), direction is SortDirection.DESC))
    return tuple(keys)


def strawberry_name(attribute: str) -> str:
    head, *rest = attribute.split("_")
    return head + "".join(part.title() for part in rest)


@strawberry.input(description="One field per item; earlier items sort first; ties end in the default order.")
class ContractSort:
    id: SortDirection | None = None
    title: SortDirection | None = None
    value_gbp: SortDirection | None = None
    start_date: SortDirection | None = None
    end_date: SortDirection | None = None
    max_extension_date: SortDirection | None = None
    source: SortDirection | None = None


@strawberry.input(description="One field per item; earlier items sort first; ties end in the default order.")
class SupplierSort:
    id: SortDirection | None = None
    name: SortDirection | None = None
    sme: SortDirection | None = None
    company_number: SortDirection | None = None


@strawberry.input(description="One field per item; earlier items sort first; ties end in the default order.")
class SystemSort:
    id: SortDirection | None = None
    name: SortDirection | None = None


@strawberry.type(description="Of the whole filtered list (not just this page), computed in the database.")
class ContractAggregate:
    count: int
    sum_value_gbp: float = strawberry.field(description="Sum of the known valueGbp (unknown values count 0).")
    min_end_date: dt.date | None = strawberry.field(description="Earliest known endDate; null when none.")
    max_end_date: dt.date | None = strawberry.field(description="Latest known endDate; null when none.")


@strawberry.type(description="Of the whole filtered list (not just this page), computed in the database.")
class CountAggregate:
    count: int
