"""The fast path (docs/fastpath.md): a query made only of plain entity fields is answered by ONE Cypher statement
(graph/projection.py) whose result already has the response's shape, put into the response as it is: no
resolvers, no DataLoaders, no graphql-core field completion, which is where most of a large query's time went.

A query made only of analytics goes to their own fast path (schema/fastpath_records.py: the same resolvers,
their records shaped without graphql-core), sharing the plan cache below.

Whatever it does not know makes the translator decline, and strawberry answers as always: search,
members-only fields, introspection, directives other than @include/@skip, `aggregate`, a connection inside a
connection, several differently shaped `node`s of one connection, an argument the normal path would refuse,
and a null where the schema promises a value (the normal path then reports the error with its path).

It runs as the last schema extension's `on_execute`, so parsing, the token limit, validation (cached), the
cost check and the availability check happen before it for both paths, and the operation metrics, the
trace and the errors' shape are the ones strawberry's path produces.
"""

import hashlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, LiteralString

import orjson
from cachetools import LRUCache
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLObjectType,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_non_null_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.execution.values import VariableValues, get_variable_values
from prometheus_client import Counter
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from citygraph.graph.projection import PAGED, PROPERTIES, RELATIONS, Node, Paged, Property, Related, project, statement
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError
from citygraph.resolvers.pagination import encode_cursor, window
from citygraph.schema import fastpath_records
from citygraph.schema.cost import selected_operation
from citygraph.schema.selections import Decline, Selections
from citygraph.schema.types import ContractWhere, SupplierWhere, SystemWhere

log = logging.getLogger("citygraph.api")

# Fields only members may read (citygraph/auth/): the normal path decides who sees them.
MEMBERS_ONLY = frozenset(
    {("SystemUse", "satisfaction"), ("System", "averageSatisfaction"), ("SkillRating", "level"), ("Borough", "skills")}
)
WHERE = {"contracts": ContractWhere, "suppliers": SupplierWhere, "systems": SystemWhere}

OPERATIONS = Counter("citygraph_fastpath_operations", "Operations the fast path answered or left to the normal path", ["outcome"])

Read = Callable[[list[Any]], Any]  # one response value from the list of an object's column values


def _scalar(index: int, non_null: bool, allowed: frozenset[str] | None) -> Read:
    def read(values: list[Any]) -> Any:
        value = values[index]
        if value is None:
            if non_null:
                raise Decline  # the normal path reports the missing value as an error at its path
        elif allowed is not None and value not in allowed:
            raise Decline  # not a value of the enum: the normal path reports it
        return value

    return read


def _constant(value: str) -> Read:
    return lambda values: value


def _object(slots: list[tuple[str, Read]]) -> Callable[[list[Any]], dict[str, Any]]:
    return lambda values: {key: read(values) for key, read in slots}


def _plain(keys: tuple[str, ...], required: tuple[int, ...]) -> Callable[[list[Any]], dict[str, Any]]:
    """An object of scalars only, one column each, in order (most objects of a large answer): zipped at once."""

    def build(values: list[Any]) -> dict[str, Any]:
        for index in required:
            if values[index] is None:
                raise Decline
        return dict(zip(keys, values))

    return build


def _one(index: int, build: Callable[[list[Any]], dict[str, Any]], non_null: bool) -> Read:
    def read(values: list[Any]) -> Any:
        value = values[index]
        if value is None:
            if non_null:
                raise Decline
            return None
        return build(value)

    return read


def _many(index: int, build: Callable[[list[Any]], dict[str, Any]]) -> Read:
    return lambda values: [build(item) for item in values[index]]


@dataclass(frozen=True, slots=True)
class _Connection:
    """How one connection's page becomes its response object."""

    offset: int
    first: int
    # (key, what, detail): what is "count", "typename" (detail: the name), "pageInfo" (detail: [(key, part)])
    # or "edges" (detail: [(key, part)], a part being "cursor", "node" or a type name)
    parts: list[tuple[str, str, Any]]
    node: Callable[[list[Any]], dict[str, Any]] | None

    def read(self, index: int) -> Read:
        return lambda values: self.build(values[index])

    def build(self, value: list[Any]) -> dict[str, Any]:
        items, total = value
        shown = items[: self.first]
        out: dict[str, Any] = {}
        for key, what, detail in self.parts:
            if what == "count":
                out[key] = total
            elif what == "typename":
                out[key] = detail
            elif what == "pageInfo":
                end = encode_cursor(self.offset + len(shown) - 1) if shown else None
                facts = {"hasNextPage": len(items) > self.first, "endCursor": end}
                out[key] = {name: facts.get(part, part) for name, part in detail}
            else:
                out[key] = [self.edge(detail, position, item) for position, item in enumerate(shown)]
        return out

    def edge(self, parts: list[tuple[str, str]], position: int, item: list[Any]) -> dict[str, Any]:
        edge: dict[str, Any] = {}
        for key, part in parts:
            if part == "cursor":
                edge[key] = encode_cursor(self.offset + position)
            elif part == "node":
                edge[key] = self.node(item)  # type: ignore[misc]
            else:
                edge[key] = part
        return edge


class _Translator(Selections):
    """GraphQL AST + coerced variables → the projection's Node tree and the functions that shape its result."""

    def __init__(self, execution_context: ExecutionContext, document: DocumentNode, variables: VariableValues, max_page_size: int):
        super().__init__(execution_context, document, variables)
        self.max_page_size = max_page_size

    def root(self, selection_set: SelectionSetNode) -> tuple[list[Related | Paged], Callable[[list[Any]], dict[str, Any]]]:
        node, build = self.object("Query", [selection_set], in_page=False)
        return list(node.columns), build  # type: ignore[arg-type]

    def object(self, type_name: str, selection_sets: list[SelectionSetNode], in_page: bool) -> tuple[Node, Callable[[list[Any]], dict[str, Any]]]:
        object_type = self.types[type_name]
        assert isinstance(object_type, GraphQLObjectType)
        columns: list[Property | Related | Paged] = []
        slots: list[tuple[str, Read]] = []
        plain = True  # only scalars, no enum to check, no __typename: see _plain
        required: list[int] = []
        for key, nodes in self.collect(selection_sets, type_name).items():
            name = nodes[0].name.value
            if name == "__typename":
                slots.append((key, _constant(type_name)))
                plain = False
                continue
            definition = object_type.fields.get(name)
            if definition is None or (type_name, name) in MEMBERS_ONLY:
                raise Decline
            index, non_null = len(columns), is_non_null_type(definition.type)
            if name in PROPERTIES.get(type_name, {}):
                named = get_named_type(definition.type)
                allowed = frozenset(named.values) if isinstance(named, GraphQLEnumType) else None
                columns.append(Property(name))
                slots.append((key, _scalar(index, non_null, allowed)))
                plain = plain and allowed is None
                if non_null:
                    required.append(index)
            elif (type_name, name) in RELATIONS:
                relation = RELATIONS[(type_name, name)]
                given = [value for value in self.arguments(type_name, name, nodes[0]).values() if value is not None]
                if len(given) > 1:
                    raise Decline
                argument = given[0] if given else None
                if isinstance(argument, Enum):
                    argument = argument.value
                child, build = self.object(relation.target, [n.selection_set for n in nodes if n.selection_set], in_page)
                columns.append(Related(name, child, argument))
                plain = False
                slots.append((key, _many(index, build) if relation.many else _one(index, build, non_null)))
            elif (type_name, name) in PAGED:
                if in_page:
                    raise Decline
                column, connection = self.connection(type_name, name, nodes, get_named_type(definition.type).name)
                columns.append(column)
                slots.append((key, connection.read(index)))
                plain = False
            else:
                raise Decline
        if plain:
            return Node(type_name, tuple(columns)), _plain(tuple(key for key, _ in slots), tuple(required))
        return Node(type_name, tuple(columns)), _object(slots)

    def connection(self, type_name: str, name: str, nodes: list[FieldNode], connection_type: str) -> tuple[Paged, _Connection]:
        paging = PAGED[(type_name, name)]
        arguments = self.arguments(type_name, name, nodes[0])
        try:
            where = WHERE[paging.entity].to_filter(arguments.get("where"), arguments.get("sort"))
            offset, first = window(arguments.get("first"), arguments.get("after"), self.max_page_size)
        except InputError as error:
            raise Decline from error  # the normal path reports it, at its path
        parts: list[tuple[str, str, Any]] = []
        count = False
        node_sets: list[SelectionSetNode] = []
        node_keys: set[str] = set()
        for key, found in self.collect([n.selection_set for n in nodes if n.selection_set], connection_type).items():
            part = found[0].name.value
            sub = [n.selection_set for n in found if n.selection_set]
            if part == "__typename":
                parts.append((key, "typename", connection_type))
            elif part == "totalCount":
                count = True
                parts.append((key, "count", None))
            elif part == "pageInfo":
                parts.append((key, "pageInfo", self.leaves(sub, "PageInfo", {"hasNextPage", "endCursor"})))
            elif part == "edges":
                edge_type = get_named_type(self.types[connection_type].fields["edges"].type).name  # type: ignore[union-attr]
                edge_parts = []
                for edge_key, edge_nodes in self.collect(sub, edge_type).items():
                    edge_part = edge_nodes[0].name.value
                    if edge_part == "node":
                        node_keys.add(edge_key)
                        node_sets += [n.selection_set for n in edge_nodes if n.selection_set]
                        edge_parts.append((edge_key, "node"))
                    elif edge_part == "cursor":
                        edge_parts.append((edge_key, "cursor"))
                    elif edge_part == "__typename":
                        edge_parts.append((edge_key, edge_type))
                    else:
                        raise Decline
                parts.append((key, "edges", edge_parts))
            else:
                raise Decline  # aggregate
        if len(node_keys) > 1 or sum(1 for _, what, _ in parts if what == "edges") > 1:
            raise Decline  # differently shaped nodes of one page: rare, and the normal path handles it
        node, build = self.object(paging.target, node_sets, in_page=True) if node_sets else (Node(paging.target), None)
        column = Paged(name, node, where, offset, first + 1, count)
        return column, _Connection(offset, first, parts, build)

    def leaves(self, selection_sets: list[SelectionSetNode], type_name: str, known: set[str]) -> list[tuple[str, str]]:
        leaves = []
        for key, nodes in self.collect(selection_sets, type_name).items():
            name = nodes[0].name.value
            if name == "__typename":
                leaves.append((key, type_name))
            elif name in known:
                leaves.append((key, name))
            else:
                raise Decline
        return leaves


@dataclass(frozen=True, slots=True)
class Plan:
    """A translated request: the statement, its parameters, and how its one row becomes `data`."""

    text: LiteralString
    params: dict[str, Any]
    build: Callable[[list[Any]], dict[str, Any]]

    async def run(self, context: Context) -> dict[str, Any]:
        try:
            values = await project(context.db, self.text, self.params)
        except Exception as error:  # noqa: BLE001 - the normal path runs it again and reports the failure its way
            log.warning("request %s: fast path failed (%s: %s); the normal path answers", context.request_id, type(error).__name__, error)
            raise Decline from error
        return self.build(values)


# Translations by request (document, operation, variables, page cap): a dashboard asks the same few again and
# again. Declined requests are remembered too (as None). Bounded by count; keys are digests, not documents.
# Nothing in a plan depends on the caller: a members-only analytic is checked when its plan runs.
PLANS: LRUCache[bytes, Plan | fastpath_records.RecordsPlan | None] = LRUCache(maxsize=1024)
_UNKNOWN = object()


def _plan_key(execution_context: ExecutionContext, max_page_size: int) -> bytes:
    variables = orjson.dumps(execution_context.variables or {}, option=orjson.OPT_SORT_KEYS)
    digest = hashlib.blake2b(variables, digest_size=20)
    for part in (execution_context.query or "", execution_context.operation_name or "", str(max_page_size)):
        digest.update(b"\0" + part.encode())
    return digest.digest()


def translate(execution_context: ExecutionContext, context: Context) -> Plan | fastpath_records.RecordsPlan | None:
    """An analytics query becomes a RecordsPlan (schema/fastpath_records.py), a plain entity query one
    statement (Plan); anything else None."""
    document = execution_context.graphql_document
    try:
        if document is None:
            raise Decline
        operation = selected_operation(document, execution_context.operation_name)
        if operation is None or operation.operation is not OperationType.QUERY:
            raise Decline
        variables = get_variable_values(
            execution_context.schema._schema, operation.variable_definitions or (), execution_context.variables or {}
        )
        if not isinstance(variables, VariableValues):
            raise Decline  # the normal path reports the variables' errors
        shaper = fastpath_records.Shaper(execution_context, document, variables)
        analytics = fastpath_records.plan(shaper, operation.selection_set)
        if analytics is not None:
            return analytics
        translator = _Translator(execution_context, document, variables, context.settings.max_page_size)
        fields, build = translator.root(operation.selection_set)
        if not fields:
            raise Decline  # only __typename: nothing to ask the database
    except Decline:
        return None
    text, params = statement(fields)
    return Plan(text, params, build)


async def answer(execution_context: ExecutionContext) -> dict[str, Any] | None:
    """The response's `data` from the fast path, or None when the normal path should answer."""
    context = execution_context.context
    if not isinstance(context, Context) or not context.settings.fastpath:
        return None
    try:
        key = _plan_key(execution_context, context.settings.max_page_size)
    except TypeError:  # variables orjson cannot write: rare enough to leave to the normal path
        key = None
    plan = PLANS.get(key, _UNKNOWN) if key is not None else translate(execution_context, context)
    if plan is _UNKNOWN:
        plan = PLANS[key] = translate(execution_context, context)  # type: ignore[index]
    try:
        if plan is None:
            raise Decline
        data = await plan.run(context)  # type: ignore[union-attr]
    except Decline:
        OPERATIONS.labels("declined").inc()
        return None
    OPERATIONS.labels("answered").inc()
    return data


class FastPath(SchemaExtension):
    """Answers a plain entity query from one statement before graphql-core would execute it; listed last, so
    every check of the other extensions has run."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution_context = self.execution_context
        if execution_context.result is None:
            data = await answer(execution_context)
            if data is not None:
                # strawberry executes only when no extension has put a result here
                execution_context.result = GraphQLExecutionResult(data=data)
        yield
