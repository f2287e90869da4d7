"""The static cost of an operation, computed from the document and its variables before anything runs.

Cost = the estimated number of fields the response will hold: every field counts 1 each time it is
resolved, and a list field multiplies its selection by its expected length, taken from the `first`,
`limit`, `top` or `maxHops` argument where the field has one, otherwise from FAN_OUT below (the London
demo's sizes, rounded up). Fragments are expanded where they are spread, each spread counted (GraphQL would
merge repeated identical spreads; the cost does not, so a document that repeats itself pays for the
repetition). Each fragment is costed once per context and memoised, so a "fragment bomb" whose expansion is
millions of fields is priced in microseconds. See docs/limits.md.

The cost runs right after parsing and before validation: some validation rules (the depth and alias
limiters) expand fragments without memoisation, so an over-priced document must be refused before them.
It therefore copes with documents that will not validate (unknown fields, cycles): those are priced as
far as they make sense and left for validation to report.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_list_type,
    is_non_null_type,
)
from strawberry.extensions import MaxTokensLimiter, SchemaExtension

DEFAULT_MAX_COST = 20_000
DEFAULT_MAX_PAGE_SIZE = 100
MAX_ARGUMENT_FAN_OUT = 500  # the largest `limit`/`top` any resolver accepts; beyond it the resolver refuses
DEFAULT_FAN_OUT = 25  # a list field missing from FAN_OUT (a test keeps FAN_OUT complete)

Args = Mapping[str, int]
FanOut = int | Callable[[Args, Args], int]
"""A fixed expected length, or a function of (the field's own arguments, the enclosing field's arguments)."""

# The arguments a fan-out can depend on; only these are read from the document.
COUNT_ARGUMENTS = frozenset({"first", "limit", "top", "maxHops"})


def _own(name: str) -> FanOut:
    return lambda own, parent: own.get(name, 0)


def _parent(name: str, times: int = 1, plus: int = 0, cap: int | None = None) -> FanOut:
    """From the enclosing field's argument `name`, at most `cap` (the entities there are), × times + plus."""
    return lambda own, parent: min(parent.get(name, 0), cap if cap is not None else MAX_ARGUMENT_FAN_OUT) * times + plus


# Expected list lengths, from the London demo (33 councils, 95 systems, 822 system uses, 45 suppliers,
# 751 contracts, 25 service areas, 15 skills, 4 partnerships), rounded up. Connections (`…Connection.edges`)
# use the connection's `first`.
FAN_OUT: dict[str, FanOut] = {
    "Query.boroughs": 33,
    "Query.serviceAreas": 25,
    "Query.skills": 15,
    "Query.partnerships": 4,
    "Query.sharedSystems": 20,
    "Query.sharedSuppliers": 20,
    "Query.collaborationPartners": _own("limit"),
    "Query.jointProcurementOpportunities": 40,
    "Query.skillsExchange": 60,
    "Partnership.boroughs": 9,
    "Borough.partnerships": 1,
    "Borough.systemUses": 25,
    "Borough.systems": 25,
    "Borough.suppliers": 20,
    "Borough.skills": 15,
    "Borough.collaborationPartners": _own("limit"),
    "ServiceArea.systems": 4,
    # Reached through System.manufacturer, the big manufacturers dominate: 7.4 systems each (2.1 per supplier).
    "Supplier.systems": 8,
    "Supplier.boroughs": 15,
    "System.uses": 9,
    "System.boroughs": 9,
    "Contract.systems": 2,
    "Skill.ratings": 33,
    "SharedSystem.boroughs": 3,
    "SharedSupplier.boroughs": 3,
    "CollaborationPartner.sharedSystems": 15,
    "CollaborationPartner.sharedSuppliers": 12,
    "ProcurementOpportunity.boroughs": 3,
    "ProcurementOpportunity.contracts": 3,
    "SupplierNetwork.nodes": _parent("limit", cap=45),  # no more nodes than suppliers
    "SupplierNetwork.edges": _parent("limit", times=15, cap=45),  # London: 621 edges among 44 nodes
    "NetworkEdge.sharedBoroughs": 10,
    "SupplierConcentration.suppliers": _parent("top"),
    "SkillMatch.sharedSystems": 15,
    "GraphPath.nodes": _parent("maxHops", plus=1),
    "Query.search": _own("first"),
    "Borough.pastSystemUses": 2,  # real planning data: platforms a council left since 2020
    "System.pastUses": 2,
    "SatisfactionBySupplierCount.boroughs": 33,
    "ExpiryWindowUpdate.contracts": 50,  # contracts entering the window since the last poll
    "Query.changes": _own("first"),  # the change log (docs/writing.md)
}


@dataclass(frozen=True)
class Cost:
    total: int
    path: tuple[str, ...]
    """The response keys from the root down the most expensive branch."""

    @property
    def dotted_path(self) -> str:
        return ".".join(self.path) or "(none)"


class _Pricer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        variable_defaults: Mapping[str, Any],
        max_page_size: int,
    ):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.variable_defaults = variable_defaults
        self.max_page_size = max_page_size
        self.memo: dict[tuple[str, str, tuple[tuple[str, int], ...]], Cost] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selections: SelectionSetNode, parent: GraphQLObjectType | None, args: Args) -> Cost:
        total = 0
        best = Cost(0, ())
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                cost = self.field(selection, parent, args)
            elif isinstance(selection, InlineFragmentNode):
                cost = self.selection_set(selection.selection_set, self._type(selection.type_condition, parent), args)
            elif isinstance(selection, FragmentSpreadNode):
                cost = self.fragment(selection.name.value, args)
            else:  # pragma: no cover - graphql-core has no other selection kinds
                continue
            total += cost.total
            if cost.total > best.total:
                best = cost
        return Cost(total, best.path)

    def fragment(self, name: str, args: Args) -> Cost:
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:  # unknown or cyclic: validation reports it
            return Cost(0, ())
        key = (name, definition.type_condition.name.value, tuple(sorted(args.items())))
        cached = self.memo.get(key)
        if cached is None:
            self.in_progress.add(name)
            try:
                cached = self.selection_set(definition.selection_set, self._type(definition.type_condition, None), args)
            finally:
                self.in_progress.discard(name)
            self.memo[key] = cached
        return cached

    def field(self, node: FieldNode, parent: GraphQLObjectType | None, parent_args: Args) -> Cost:
        key = (node.alias or node.name).value
        name = node.name.value
        definition: GraphQLField | None = None
        if name == "__schema":
            child_type = self.schema.get_type("__Schema")
        elif name == "__type":
            child_type = self.schema.get_type("__Type")
        elif parent is not None and isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
            definition = parent.fields.get(name)
            child_type = get_named_type(definition.type) if definition else None
        else:
            child_type = None
        if node.selection_set is None or not isinstance(child_type, (GraphQLObjectType, GraphQLInterfaceType)):
            return Cost(1, (key,))  # a scalar, a list of scalars, or something validation will refuse
        own = self._arguments(node, definition) if definition else {}
        length = self._fan_out(parent, name, definition, own, parent_args)
        child = self.selection_set(node.selection_set, child_type, own)
        return Cost(1 + length * child.total, (key, *child.path))

    def _fan_out(
        self, parent: GraphQLObjectType | None, name: str, definition: GraphQLField | None, own: Args, parent_args: Args
    ) -> int:
        if definition is None or parent is None:
            return 1
        field_type = definition.type.of_type if is_non_null_type(definition.type) else definition.type
        if not is_list_type(field_type):
            return 1
        if parent.name.startswith("__"):
            return 1  # introspection: answered from memory; MaxIntrospectionDepthRule bounds its nesting
        coordinate = f"{parent.name}.{name}"
        if parent.name.endswith("Connection") and name == "edges":
            return parent_args.get("first", 0)
        estimate = FAN_OUT.get(coordinate, DEFAULT_FAN_OUT)
        return max(0, estimate(own, parent_args) if callable(estimate) else estimate)

    def _arguments(self, node: FieldNode, definition: GraphQLField) -> dict[str, int]:
        """The count arguments (first, limit, top, maxHops) as the resolver will see them, clamped to what
        it accepts: a value it would refuse gets the resolver's own error, not a cost error."""
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        values: dict[str, int] = {}
        for name, argument in definition.args.items():
            if name not in COUNT_ARGUMENTS:
                continue
            value: Any = argument.default_value
            literal = given.get(name)
            if isinstance(literal, IntValueNode):
                value = int(literal.value)
            elif isinstance(literal, VariableNode):
                variable = literal.name.value
                value = self.variables.get(variable, self.variable_defaults.get(variable, value))
            if not isinstance(value, int) or isinstance(value, bool):
                value = argument.default_value if isinstance(argument.default_value, int) else 0
            ceiling = self.max_page_size if name == "first" else MAX_ARGUMENT_FAN_OUT
            values[name] = min(max(value, 0), ceiling)
        return values

    def _type(self, condition: Any, fallback: GraphQLObjectType | None) -> GraphQLObjectType | None:
        if condition is None:
            return fallback
        found = self.schema.get_type(condition.name.value)
        return found if isinstance(found, (GraphQLObjectType, GraphQLInterfaceType)) else fallback  # type: ignore[return-value]


def selected_operation(document: DocumentNode, operation_name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == operation_name), None)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE,
) -> Cost | None:
    """The cost of the operation that would run; None when the document does not say which one (the
    executor reports that)."""
    operation = selected_operation(document, operation_name)
    if operation is None:
        return None
    root = schema.get_root_type(operation.operation)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    defaults = {
        d.variable.name.value: int(d.default_value.value)
        for d in operation.variable_definitions or ()
        if isinstance(d.default_value, IntValueNode)
    }
    pricer = _Pricer(schema, fragments, variables if isinstance(variables, Mapping) else {}, defaults, max_page_size)
    return pricer.selection_set(operation.selection_set, root, {})


def too_expensive(cost: Cost, limit: int) -> GraphQLError:
    return GraphQLError(
        f"Query cost {cost.total:,} exceeds the limit of {limit:,} (CITYGRAPH_MAX_COST); the most expensive path "
        f"is {cost.dotted_path}. Ask for fewer nested lists or pass smaller first/limit arguments.",
        extensions={"code": "QUERY_TOO_EXPENSIVE", "cost": cost.total, "limit": limit, "path": list(cost.path)},
    )


class QueryCost(SchemaExtension):
    """Prices the operation right after parsing; over `CITYGRAPH_MAX_COST` it is refused before validation
    and execution. With tracing on, `extensions.cost` reports the estimate."""

    cost: Cost | None = None
    limit: int = DEFAULT_MAX_COST

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.graphql_document is None:
            return
        settings = getattr(context.context, "settings", None)
        self.limit = getattr(settings, "max_cost", DEFAULT_MAX_COST)
        self.cost = operation_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables or {},
            getattr(settings, "max_page_size", DEFAULT_MAX_PAGE_SIZE),
        )
        if self.cost is not None and self.cost.total > self.limit:
            raise too_expensive(self.cost, self.limit)

    def get_results(self) -> dict[str, Any]:
        if self.cost is None or getattr(self.execution_context.context, "trace", None) is None:
            return {}
        return {"cost": {"estimated": self.cost.total, "limit": self.limit, "path": self.cost.dotted_path}}


MAX_TOKENS = 2_000  # ~20× the largest documented example; bounds parsing and validation work


class TokenLimit(MaxTokensLimiter):
    """Documents of more than MAX_TOKENS tokens are refused while parsing (a syntax error saying so)."""

    def __init__(self) -> None:
        super().__init__(max_token_count=MAX_TOKENS)
