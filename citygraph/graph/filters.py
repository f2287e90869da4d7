"""Richer `where` (AND/OR/NOT, in, ranges, string operators) and `sort`, in the Neo4j GraphQL Library's v7
style, compiled into the named statements. Property expressions and operators come only from the fixed
allow-lists below; every value is a parameter (`$filter.p0`, `$filter.p1`, …). A statement file marks where
the compiled parts go: `AND /*filter*/ true` and `ORDER BY /*sort*/ <default order>`; read as it is, the
file is the unfiltered statement with its default order."""

from dataclasses import dataclass
from functools import cache
from typing import Any, LiteralString, cast

from citygraph.queries import cypher

OPERATORS: dict[str, str] = {
    "eq": "=",
    "in": "IN",
    "lt": "<",
    "lte": "<=",
    "gt": ">",
    "gte": ">=",
    "contains": "CONTAINS",
    "startsWith": "STARTS WITH",
    "endsWith": "ENDS WITH",
}

# Field name → Cypher expression over the statement's variables (c: contract, b: its borough; x: supplier;
# s: system). "{p}" marks a relationship condition that only takes `eq`.
CONTRACT_FIELDS: dict[str, str] = {
    "id": "c.id",
    "title": "c.title",
    "valueGbp": "c.valueGbp",
    "startDate": "c.startDate",
    "endDate": "c.endDate",
    "maxExtensionDate": "c.maxExtensionDate",
    "source": "c.source",
    "boroughCode": "b.code",
    "supplierId": "EXISTS { (c)-[:WITH]->(:Supplier {id: {p}}) }",
    "systemId": "EXISTS { (c)-[:COVERS]->(:System {id: {p}}) }",
    "serviceArea": "EXISTS { (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {name: {p}}) }",
}
SUPPLIER_FIELDS: dict[str, str] = {
    "id": "x.id",
    "name": "x.name",
    "sme": "coalesce(x.sme, false)",
    "companyNumber": "x.companyNumber",
    "nameContains": "toLower(x.name) CONTAINS toLower({p})",
}
SYSTEM_FIELDS: dict[str, str] = {
    "id": "s.id",
    "name": "s.name",
    "nameContains": "toLower(s.name) CONTAINS toLower({p})",
    "serviceArea": "EXISTS { (s)-[:IN_AREA]->(:ServiceArea {name: {p}}) }",
    "manufacturerId": "EXISTS { (s)-[:MADE_BY]->(:Supplier {id: {p}}) }",
}
FIELDS = {"contracts": CONTRACT_FIELDS, "suppliers": SUPPLIER_FIELDS, "systems": SYSTEM_FIELDS}


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    op: str
    value: Any  # hashable: a list value is a tuple


@dataclass(frozen=True, slots=True)
class Where:
    """All `conditions` and all of `all_of` hold, at least one of `any_of` (when given), and not `none`."""

    conditions: tuple[Condition, ...] = ()
    all_of: tuple["Where", ...] = ()
    any_of: tuple["Where", ...] | None = None
    negated: "Where | None" = None

    def is_empty(self) -> bool:
        return self == Where()


@dataclass(frozen=True, slots=True)
class SortKey:
    field: str
    descending: bool = False


def _predicate(where: Where, fields: dict[str, str], params: dict[str, Any], param: str = "filter") -> str:
    parts: list[str] = []
    for condition in where.conditions:
        expression = fields[condition.field]
        name = f"p{len(params)}"
        params[name] = list(condition.value) if isinstance(condition.value, tuple) else condition.value
        if "{p}" in expression:
            parts.append(expression.replace("{p}", f"${param}.{name}"))
        else:
            parts.append(f"{expression} {OPERATORS[condition.op]} ${param}.{name}")
    parts += [_predicate(item, fields, params, param) for item in where.all_of]
    if where.any_of is not None:
        parts.append("(" + " OR ".join(_predicate(item, fields, params, param) for item in where.any_of) + ")" if where.any_of else "false")
    if where.negated is not None:
        parts.append(f"NOT {_predicate(where.negated, fields, params, param)}")
    return "(" + " AND ".join(parts) + ")" if parts else "true"


def _order(sort: tuple[SortKey, ...], fields: dict[str, str]) -> str:
    return "".join(f"{fields[key.field]}{' DESC' if key.descending else ''}, " for key in sort)


@cache
def _composed(name: str, predicate: str, order: str) -> LiteralString:
    text = cypher(name).replace("/*filter*/ true", predicate).replace("/*sort*/", order)
    # Only allow-listed expressions and generated parameter names were put in: still a literal, in effect.
    return cast(LiteralString, text)


def compose(name: str, entity: str, where: Where, sort: tuple[SortKey, ...] = ()) -> tuple[LiteralString, dict[str, Any]]:
    """The statement `queries/<name>.cypher` with `where` and `sort` in place, and its `$filter` values."""
    fields = FIELDS[entity]
    params: dict[str, Any] = {}
    predicate = _predicate(where, fields, params)
    return _composed(name, predicate, _order(sort, fields)), params


def predicate(where: Where, entity: str, param: str) -> tuple[str, dict[str, Any]]:
    """`where` as one Cypher condition over the variables of FIELDS[entity], its values under `$<param>`: for
    statements built from parts (graph/projection.py) that hold several filters at once."""
    params: dict[str, Any] = {}
    return _predicate(where, FIELDS[entity], params, param), params


def order(sort: tuple[SortKey, ...], entity: str) -> str:
    """`sort` as the leading ORDER BY items ("c.endDate DESC, "), before each statement's default order."""
    return _order(sort, FIELDS[entity])
