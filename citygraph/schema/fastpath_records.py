"""The fast path for the analytics (docs/fastpath.md, "Analytics"): a query made only of analytics whose
selections are plain — attribute fields of the records `resolvers/analytics.py` returns, nested entity records,
the few entity fields that are one DataLoader read (LOADED, e.g. `Contract.supplier`), aliases, fragments,
@include/@skip, __typename — runs the same resolver (the same Cypher) and turns its records straight into the
response's dicts, without graphql-core's field-by-field completion: on the UK demo that completion cost more
than the statement (jointProcurementOpportunities' default answer: ~66,000 fields; with each contract's
borough and supplier, as docs/examples/joint-procurement.graphql asks, 4.3 s on the normal path).

Each value is serialised by the scalar or enum type graphql-core would use, so the answer is the same; any
other field with a resolver of its own, any field extension (the members-only permission) below the root, a
null where the schema promises a value, a value a scalar refuses, or an error of the resolver or a loader
makes it decline, and the normal path answers (and reports the error its way).
A members-only analytic is answered only when `require_members_only` — the one place that decides — lets
this caller see it; otherwise the normal path refuses it as always.
"""

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from math import isfinite
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLFloat,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues
from strawberry.permission import PermissionExtension
from strawberry.types import ExecutionContext

from citygraph.graph import records as r
from citygraph.resolvers import analytics
from citygraph.resolvers.access import require_members_only
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError
from citygraph.schema.access import MembersOnly
from citygraph.schema.selections import Decline, Selections

log = logging.getLogger("citygraph.api")

Shape = Callable[[Any], Any]  # a record (or list, or scalar) -> its response value
# An analytic as its strawberry resolver calls it (schema/analytics.py): the context, the arguments by Python
# name as strawberry converts them, and the (type, field) pairs the selection asks for.
Call = Callable[[Context, dict[str, Any], frozenset[tuple[str, str]]], Awaitable[Any]]

ROOTS: dict[str, Call] = {
    "sharedSystems": lambda ctx, a, _: analytics.shared_systems(ctx, a["borough_codes"], a["min_boroughs"]),
    "sharedSuppliers": lambda ctx, a, _: analytics.shared_suppliers(ctx, a["borough_codes"], a["min_boroughs"]),
    "collaborationPartners": lambda ctx, a, _: analytics.collaboration_partners(ctx, a["borough_code"], a["limit"]),
    "jointProcurementOpportunities": lambda ctx, a, _: analytics.joint_procurement_opportunities(
        ctx, a["within_months"], a["service_area"], a["min_boroughs"], a["as_of"], a["limit"]
    ),
    # The borough maps of the edges are read only when sharedBoroughs is asked for, as on the normal path.
    "supplierNetwork": lambda ctx, a, asked: analytics.supplier_network(
        ctx, a["supplier_id"], a["depth"], a["min_shared_boroughs"], a["limit"], ("NetworkEdge", "sharedBoroughs") in asked
    ),
    "supplierConcentration": lambda ctx, a, _: analytics.supplier_concentration(
        ctx, a["service_area"], None if a["measure"] is None else r.ConcentrationMeasure(a["measure"]), a["top"]
    ),
    "skillsExchange": lambda ctx, a, _: analytics.skills_exchange(
        ctx, a["skill"], a["min_mentor_level"], a["max_learner_level"], a["limit"]
    ),
    "connectionPath": lambda ctx, a, _: analytics.connection_path(
        ctx, (r.EntityKind(a["from_"].kind), str(a["from_"].id)), (r.EntityKind(a["to"].kind), str(a["to"].id)), a["max_hops"]
    ),
}


def _leaf(kind: GraphQLScalarType | GraphQLEnumType, non_null: bool) -> Shape:
    serialize = kind.serialize
    # The values graphql-core's serialize_string, serialize_id and serialize_float return as they are: checked
    # here without the call (a long answer holds tens of thousands of them). Anything else goes to the scalar.
    text = kind is GraphQLString or kind is GraphQLID
    real = kind is GraphQLFloat

    def shape(value: Any) -> Any:
        if value is None:
            if non_null:
                raise Decline  # the normal path reports the missing value at its path
            return None
        if text and type(value) is str or real and type(value) is float and isfinite(value):
            return value
        try:
            return serialize(value)
        except Exception as error:  # noqa: BLE001 - what the scalar refuses, the normal path reports
            raise Decline from error

    return shape


def _list(item: Shape, non_null: bool) -> Shape:
    def shape(value: Any) -> Any:
        if value is None:
            if non_null:
                raise Decline
            return None
        return [item(each) for each in value]

    return shape


# (response key, attribute of the record, how its value becomes the response's)
Slot = tuple[str, str, Shape]
# A field loaded by a DataLoader: (response key, the Loaders attribute, how what it loads becomes the response's)
Loaded = tuple[str, str, Shape]

# Fields whose resolver (schema/types.py) is `return await info.context.loaders.<loader>.load(self.<attribute>)`:
# the fast path loads them with the same loader, one batch per loader once the records are shaped (the normal
# path's round trips), and shapes what it loads. tests/test_fastpath.py checks that each resolver still reads so.
LOADED: dict[tuple[str, str], tuple[str, str]] = {
    ("Contract", "borough"): ("borough_code", "borough"),
    ("Contract", "supplier"): ("supplier_id", "supplier"),
    ("Contract", "systems"): ("id", "systems_of_contract"),
    ("System", "boroughs"): ("id", "boroughs_of_system"),
}

# The loaded fields met while shaping one root, for RecordsPlan.run to fill in: (the object's dict, the response
# key that holds the loader's key until then, the loader, the shape of what it loads).
_PENDING: ContextVar[list[tuple[dict[str, Any], str, str, Shape]]] = ContextVar("fastpath_pending")


def _object(slots: tuple[Slot, ...], loaded: tuple[Loaded, ...], non_null: bool) -> Shape:
    def shape(record: Any) -> Any:
        if record is None:
            if non_null:
                raise Decline
            return None
        out = {key: value(getattr(record, name)) for key, name, value in slots}
        if loaded:
            pending = _PENDING.get()
            for key, loader, value in loaded:
                pending.append((out, key, loader, value))
        return out

    return shape


def _key(value: Any) -> Any:
    if value is None:
        raise Decline  # nothing to load: the normal path reports the null its way
    return value


async def _load(context: Context) -> None:
    """Fills in the loaded fields met while shaping, one batch per loader and level, as the normal path's
    DataLoaders do; what they load may hold loaded fields of its own, filled in the next round."""
    pending = _PENDING.get()
    shaped: dict[tuple[int, str, Any], Any] = {}  # one dict per loaded record and shape: they repeat
    while pending:
        batch = pending[:]
        pending.clear()
        keys: dict[str, dict[Any, None]] = {}
        for out, key, loader, _ in batch:
            keys.setdefault(loader, {})[out[key]] = None
        found: dict[str, dict[Any, Any]] = {}
        for loader, wanted in keys.items():
            values = await getattr(context.loaders, loader).load_many(list(wanted))
            found[loader] = dict(zip(wanted, values))
        for out, key, loader, value in batch:
            memo = (id(value), loader, out[key])
            if memo not in shaped:
                shaped[memo] = value(found[loader][out[key]])
            out[key] = shaped[memo]


def _constant(value: str) -> Shape:
    return lambda ignored: value


class Shaper(Selections):
    """GraphQL AST + variables → the function that turns a resolver's records into the response's value."""

    def __init__(self, execution_context: ExecutionContext, document: DocumentNode, variables: VariableValues):
        super().__init__(execution_context, document, variables)
        self.asked: set[tuple[str, str]] = set()  # the (type, field) pairs shaped since it was last emptied

    def value(self, kind: GraphQLOutputType, nodes: list[FieldNode]) -> Shape:
        non_null = isinstance(kind, GraphQLNonNull)
        inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
        if isinstance(inner, GraphQLList):
            return _list(self.value(inner.of_type, nodes), non_null)
        if isinstance(inner, (GraphQLScalarType, GraphQLEnumType)):
            return _leaf(inner, non_null)
        if isinstance(inner, GraphQLObjectType) and inner.is_type_of is None:
            return _object(*self.slots(inner, [n.selection_set for n in nodes if n.selection_set]), non_null)
        raise Decline  # interfaces, unions, a type that checks its values: the normal path

    def slots(self, kind: GraphQLObjectType, selection_sets: list[SelectionSetNode]) -> tuple[tuple[Slot, ...], tuple[Loaded, ...]]:
        slots: list[Slot] = []
        loaded: list[Loaded] = []
        for key, nodes in self.collect(selection_sets, kind.name).items():
            name = nodes[0].name.value
            if name == "__typename":
                slots.append((key, "__class__", _constant(kind.name)))  # every object has a __class__ to ignore
                continue
            field = self.schema.get_field_for_type(name, kind.name)
            definition = kind.fields.get(name)
            if field is None or definition is None or field.extensions:
                raise Decline  # members only, or unknown: the normal path
            self.asked.add((kind.name, name))
            if field.base_resolver is None:
                slots.append((key, field.python_name, self.value(definition.type, nodes)))
                continue
            if (kind.name, name) not in LOADED:
                raise Decline  # a resolver of its own that is not a plain DataLoader read: the normal path
            attribute, loader = LOADED[(kind.name, name)]
            slots.append((key, attribute, _key))
            loaded.append((key, loader, self.value(definition.type, nodes)))
        return tuple(slots), tuple(loaded)


@dataclass(frozen=True, slots=True)
class _Root:
    call: Call
    arguments: dict[str, Any]
    asked: frozenset[tuple[str, str]]
    shape: Shape
    members_only: str | None  # "Query.skillsExchange" when only members may ask for it


def _members_only(field: Any, name: str) -> str | None:
    """What require_members_only checks for this root field; Decline for any other field extension."""
    if not field.extensions:
        return None
    for extension in field.extensions:
        if not isinstance(extension, PermissionExtension) or not all(
            isinstance(permission, MembersOnly) for permission in extension.permissions
        ):
            raise Decline
    return f"Query.{name}"


@dataclass(frozen=True, slots=True)
class RecordsPlan:
    """A translated analytics request: for each root key, the analytic to run and how its records become `data`."""

    roots: tuple[tuple[str, _Root | str], ...]  # a str is __typename's constant

    async def run(self, context: Context) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for key, root in self.roots:
            if isinstance(root, str):
                data[key] = root
                continue
            if root.members_only is not None:
                try:
                    require_members_only(context, root.members_only)  # decided per caller, never cached
                except InputError as refused:
                    raise Decline from refused  # the normal path refuses it, at its path
            token = _PENDING.set([])
            try:
                data[key] = root.shape(await root.call(context, root.arguments, root.asked))
                await _load(context)
            except (Decline, InputError) as error:
                raise Decline from error  # the caller's mistake or a null: the normal path reports it as always
            except Exception as error:  # noqa: BLE001 - the normal path runs it again and reports the failure its way
                log.warning("request %s: fast path failed (%s: %s); the normal path answers", context.request_id, type(error).__name__, error)
                raise Decline from error
            finally:
                _PENDING.reset(token)
        return data


def plan(shaper: "Shaper", selection_set: SelectionSetNode) -> RecordsPlan | None:
    """The plan for a query of analytics only; None when it asks for anything else (the entity fast path may
    know it); Decline when it is analytics the records cannot answer plainly."""
    grouped = shaper.collect([selection_set], "Query")
    names = {nodes[0].name.value for nodes in grouped.values()} - {"__typename"}
    if not names or not names <= ROOTS.keys():
        return None
    query = shaper.types["Query"]
    assert isinstance(query, GraphQLObjectType)
    roots: list[tuple[str, _Root | str]] = []
    for key, nodes in grouped.items():
        name = nodes[0].name.value
        if name == "__typename":
            roots.append((key, "Query"))
            continue
        members_only = _members_only(shaper.schema.get_field_for_type(name, "Query"), name)
        shaper.asked = set()
        shape = shaper.value(query.fields[name].type, nodes)
        arguments = shaper.arguments("Query", name, nodes[0])
        roots.append((key, _Root(ROOTS[name], arguments, frozenset(shaper.asked), shape, members_only)))
    return RecordsPlan(tuple(roots))
