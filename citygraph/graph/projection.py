"""A whole selection as ONE Cypher statement that returns the response's shape (the API's fast path,
citygraph/schema/fastpath.py; docs/fastpath.md).

The caller describes what it wants as a small tree (`Node`s of `Property`, `Related` and `Paged` columns);
this module turns it into nested COLLECT subqueries, each object a list of its columns' values in the order
asked for, so nothing is renamed or reordered afterwards and the driver decodes no map keys. Labels,
relationship types, properties and orderings come only from the allow-lists below, each the same as the
named statement the DataLoader path runs for that field (queries/*.cypher); every value the caller gives
(a code, a filter, a window) is a parameter. Dates come back as ISO strings, as strawberry's Date prints them.
"""

from dataclasses import dataclass, field
from typing import Any, LiteralString, cast

from citygraph.graph import records as r
from citygraph.graph.database import Database
from citygraph.graph.filters import order, predicate

# Entity → GraphQL field → Cypher expression over the node's variable `{v}`. Defaults and conversions are
# those of graph/records.py (`sme` false when unknown, `source` "" when unknown, valueGbp always a float).
PROPERTIES: dict[str, dict[str, str]] = {
    "Borough": {"code": "{v}.code", "name": "{v}.name", "region": "{v}.region"},
    "Partnership": {"name": "{v}.name"},
    "ServiceArea": {"name": "{v}.name", "kind": "{v}.kind"},
    "Supplier": {
        "id": "{v}.id",
        "name": "{v}.name",
        "sme": "coalesce({v}.sme, false)",
        "companyNumber": "{v}.companyNumber",
    },
    "System": {"id": "{v}.id", "name": "{v}.name"},
    "Contract": {
        "id": "{v}.id",
        "title": "{v}.title",
        "valueGbp": "toFloat({v}.valueGbp)",
        "startDate": "toString({v}.startDate)",
        "endDate": "toString({v}.endDate)",
        "maxExtensionDate": "toString({v}.maxExtensionDate)",
        "source": "coalesce({v}.source, '')",
    },
    "Skill": {"name": "{v}.name", "category": "{v}.category"},
}


@dataclass(frozen=True, slots=True)
class Relation:
    """From the node `{src}` to each `{dst}`: `match` may use `${arg}`, the field's one argument."""

    match: str
    target: str
    many: bool
    order: str = ""  # ORDER BY over `{dst}`; the order the API documents for the field


_BY_NAME_CODE = "{dst}.name, {dst}.code"
_BY_NAME_ID = "{dst}.name, {dst}.id"
# (entity, field) → relation; "Query" is the root. One statement file each on the DataLoader path.
RELATIONS: dict[tuple[str, str], Relation] = {
    # boroughs.cypher, boroughs_by_code.cypher, partnerships.cypher, service_areas.cypher, skills.cypher
    ("Query", "boroughs"): Relation("MATCH ({dst}:Borough) WHERE ${arg} IS NULL OR {dst}.region = ${arg}", "Borough", True, _BY_NAME_CODE),
    ("Query", "borough"): Relation("MATCH ({dst}:Borough {{code: ${arg}}})", "Borough", False),
    ("Query", "partnerships"): Relation("MATCH ({dst}:Partnership)", "Partnership", True, "{dst}.name"),
    ("Query", "serviceAreas"): Relation("MATCH ({dst}:ServiceArea)", "ServiceArea", True, "{dst}.name"),
    ("Query", "skills"): Relation("MATCH ({dst}:Skill)", "Skill", True, "{dst}.name"),
    # suppliers_by_id, systems_by_id, contracts_by_id (a contract is found only with the council that awarded it)
    ("Query", "supplier"): Relation("MATCH ({dst}:Supplier {{id: ${arg}}})", "Supplier", False),
    ("Query", "system"): Relation("MATCH ({dst}:System {{id: ${arg}}})", "System", False),
    ("Query", "contract"): Relation("MATCH (:Borough)-[:AWARDED]->({dst}:Contract {{id: ${arg}}})", "Contract", False),
    # partnerships_of_boroughs, systems_of_boroughs, suppliers_of_boroughs
    ("Borough", "partnerships"): Relation("MATCH ({src})-[:MEMBER_OF]->({dst}:Partnership)", "Partnership", True, "{dst}.name"),
    ("Borough", "systems"): Relation("MATCH ({src})-[:USES]->({dst}:System)", "System", True, _BY_NAME_ID),
    ("Borough", "suppliers"): Relation(
        "CALL ({src}) {{ MATCH ({src})-[:AWARDED]->(:Contract)-[:WITH]->({dst}:Supplier) RETURN {dst}"
        " UNION MATCH ({src})-[:USES]->(:System)-[:MADE_BY]->({dst}:Supplier) RETURN {dst} }}",
        "Supplier", True, _BY_NAME_ID,
    ),
    ("Partnership", "boroughs"): Relation("MATCH ({src})<-[:MEMBER_OF]-({dst}:Borough)", "Borough", True, _BY_NAME_CODE),
    ("ServiceArea", "systems"): Relation("MATCH ({src})<-[:IN_AREA]-({dst}:System)", "System", True, _BY_NAME_ID),
    ("Supplier", "systems"): Relation("MATCH ({src})<-[:MADE_BY]-({dst}:System)", "System", True, _BY_NAME_ID),
    ("Supplier", "boroughs"): Relation(
        "CALL ({src}) {{ MATCH ({src})<-[:WITH]-(:Contract)<-[:AWARDED]-({dst}:Borough) RETURN {dst}"
        " UNION MATCH ({src})<-[:MADE_BY]-(:System)<-[:USES]-({dst}:Borough) RETURN {dst} }}",
        "Borough", True, _BY_NAME_CODE,
    ),
    # A system's service area and manufacturer come with it on the DataLoader path (head of a pattern).
    ("System", "serviceArea"): Relation("MATCH ({src})-[:IN_AREA]->({dst}:ServiceArea)", "ServiceArea", False),
    ("System", "manufacturer"): Relation("MATCH ({src})-[:MADE_BY]->({dst}:Supplier)", "Supplier", False),
    ("System", "boroughs"): Relation("MATCH ({src})<-[:USES]-({dst}:Borough)", "Borough", True, _BY_NAME_CODE),
    # A contract's borough is the council that awarded it; its supplier the lead one, the first by id.
    ("Contract", "borough"): Relation("MATCH ({src})<-[:AWARDED]-({dst}:Borough)", "Borough", False),
    ("Contract", "supplier"): Relation("MATCH ({src})-[:WITH]->({dst}:Supplier)", "Supplier", False, "{dst}.id"),
    ("Contract", "systems"): Relation("MATCH ({src})-[:COVERS]->({dst}:System)", "System", True, _BY_NAME_ID),
}


@dataclass(frozen=True, slots=True)
class Paging:
    """A connection: `match` binds the variables graph/filters.py's FIELDS[entity] speak of (c and b, x, s)."""

    match: str
    entity: str  # the key of filters.FIELDS
    target: str
    default_order: str
    # The connection's own `where` fields (records.*Filter.params()), each a condition over `$<w>.<name>`
    # when given: the same conditions as the `*_page.cypher` statements.
    legacy: dict[str, str]


_CONTRACT_LEGACY = {
    "boroughCode": "b.code = ${w}.boroughCode",
    "supplierId": "EXISTS {{ (c)-[:WITH]->(x:Supplier {{id: ${w}.supplierId}}) WHERE NOT EXISTS {{ (c)-[:WITH]->(y:Supplier) WHERE y.id < x.id }} }}",
    "systemId": "EXISTS {{ (c)-[:COVERS]->(:System {{id: ${w}.systemId}}) }}",
    "serviceArea": "EXISTS {{ (c)-[:COVERS]->(:System)-[:IN_AREA]->(:ServiceArea {{name: ${w}.serviceArea}}) }}",
    "endDateFrom": "c.endDate >= ${w}.endDateFrom",
    "endDateTo": "c.endDate <= ${w}.endDateTo",
}
_CONTRACT_ORDER = "c.endDate, c.id"
PAGED: dict[tuple[str, str], Paging] = {
    ("Query", "contracts"): Paging("MATCH (b:Borough)-[:AWARDED]->(c:Contract)", "contracts", "Contract", _CONTRACT_ORDER, _CONTRACT_LEGACY),
    ("Borough", "contracts"): Paging(
        "MATCH ({src})-[:AWARDED]->(c:Contract) WITH {src} AS b, c", "contracts", "Contract", _CONTRACT_ORDER, _CONTRACT_LEGACY
    ),
    # A supplier's contracts are those it leads (contracts_page_of_suppliers.cypher).
    ("Supplier", "contracts"): Paging(
        "MATCH ({src})<-[:WITH]-(c:Contract)<-[:AWARDED]-(b:Borough)"
        " WITH b, c WHERE NOT EXISTS {{ (c)-[:WITH]->(y:Supplier) WHERE y.id < {src}.id }}",
        "contracts", "Contract", _CONTRACT_ORDER, _CONTRACT_LEGACY,
    ),
    ("Query", "suppliers"): Paging(
        "MATCH (x:Supplier)", "suppliers", "Supplier", "x.name, x.id",
        {"nameContains": "toLower(x.name) CONTAINS toLower(${w}.nameContains)", "sme": "coalesce(x.sme, false) = ${w}.sme"},
    ),
    ("Query", "systems"): Paging(
        "MATCH (s:System)", "systems", "System", "s.name, s.id",
        {
            "nameContains": "toLower(s.name) CONTAINS toLower(${w}.nameContains)",
            "serviceArea": "EXISTS {{ (s)-[:IN_AREA]->(:ServiceArea {{name: ${w}.serviceArea}}) }}",
            "manufacturerId": "EXISTS {{ (s)-[:MADE_BY]->(:Supplier {{id: ${w}.manufacturerId}}) }}",
        },
    ),
}
# The variable each connection binds for its items (the one graph/filters.py's expressions use).
_ITEM = {"contracts": "c", "suppliers": "x", "systems": "s"}


@dataclass(frozen=True, slots=True)
class Property:
    name: str  # a key of PROPERTIES[entity]


@dataclass(frozen=True, slots=True)
class Related:
    name: str  # (entity, name) is a key of RELATIONS
    node: "Node"
    argument: Any = None  # the field's one argument (a code, an id, a region), sent as a parameter


@dataclass(frozen=True, slots=True)
class Paged:
    """One page (`limit` items from `offset`) of a connection, and its total count when `count`."""

    name: str  # (entity, name) is a key of PAGED
    node: "Node"
    where: r.ContractFilter | r.SupplierFilter | r.SystemFilter
    offset: int
    limit: int
    count: bool


Column = Property | Related | Paged


@dataclass(frozen=True, slots=True)
class Node:
    """One object of the response: comes back as the list of its columns' values. A Related column's value
    is such a list (or null) or a list of them; a Paged one is [items, total count or null]."""

    entity: str
    columns: tuple[Column, ...] = field(default=())


class _Statement:
    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.variables = 0

    def variable(self) -> str:
        self.variables += 1
        return f"n{self.variables}"

    def param(self, value: Any) -> str:
        name = f"a{len(self.params)}"
        self.params[name] = value
        return name

    def node(self, node: Node, v: str, in_page: bool) -> str:
        values = []
        for column in node.columns:
            if isinstance(column, Property):
                values.append(PROPERTIES[node.entity][column.name].format(v=v))
            elif isinstance(column, Related):
                values.append(self.related(RELATIONS[(node.entity, column.name)], column, v, in_page))
            else:
                if in_page:
                    # filters.py's expressions name fixed variables (c, b, x, s): one connection per branch.
                    raise ValueError("a connection inside a connection cannot be projected")
                values.append(self.paged(PAGED[(node.entity, column.name)], column, v))
        return "[" + ", ".join(values) + "]"

    def related(self, relation: Relation, column: Related, src: str, in_page: bool) -> str:
        dst = self.variable()
        arg = self.param(column.argument) if "{arg}" in relation.match else ""
        match = relation.match.format(src=src, dst=dst, arg=arg)
        ordered = f" WITH {dst} ORDER BY {relation.order.format(dst=dst)}" if relation.order else ""
        body = self.node(column.node, dst, in_page)
        if relation.many:
            return f"COLLECT {{ {match}{ordered} RETURN {body} }}"
        return f"head(COLLECT {{ {match}{ordered} RETURN {body} LIMIT 1 }})"

    def paged(self, paging: Paging, column: Paged, src: str) -> str:
        match = paging.match.format(src=src)
        given = {name: value for name, value in column.where.params().items() if value is not None}
        conditions = []
        if given:
            w = self.param(given)
            conditions = [paging.legacy[name].format(w=w) for name in given]
        if not column.where.match.is_empty():
            name = self.param(None)
            text, self.params[name] = predicate(column.where.match, paging.entity, name)
            conditions.append(text)
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        item = _ITEM[paging.entity]
        offset, limit = self.param(column.offset), self.param(column.limit)
        sort = order(column.where.order, paging.entity) + paging.default_order
        body = self.node(column.node, item, True)
        page = f"COLLECT {{ {match}{where} WITH {item} ORDER BY {sort} SKIP ${offset} LIMIT ${limit} RETURN {body} }}"
        count = f"COUNT {{ {match}{where} }}" if column.count else "null"
        return f"[{page}, {count}]"


def statement(fields: list[Related | Paged]) -> tuple[LiteralString, dict[str, Any]]:
    """The statement answering the root `fields` (of "Query"), one column each, and its parameters."""
    built = _Statement()
    returned = []
    for position, column in enumerate(fields):
        if isinstance(column, Related):
            returned.append(f"{built.related(RELATIONS[('Query', column.name)], column, '', False)} AS f{position}")
        else:
            returned.append(f"{built.paged(PAGED[('Query', column.name)], column, '')} AS f{position}")
    # Only allow-listed text and generated variable and parameter names went in: a literal, in effect.
    return cast(LiteralString, "RETURN " + ", ".join(returned)), built.params


async def project(db: Database, text: LiteralString, params: dict[str, Any]) -> list[Any]:
    """The value of each root field of `statement(...)`, in the shape its Nodes describe."""
    rows = await db.read_values(text, params)
    return rows[0]
