"""What both fast paths (schema/fastpath.py, schema/fastpath_records.py) read from a request's AST the way
graphql-core would: the fields of a selection by response key (fragments, @include/@skip), and a field's
arguments as its resolver receives them. Anything they cannot read as graphql-core would raises Decline."""

from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLIncludeDirective,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values
from strawberry.types import ExecutionContext
from strawberry.types.arguments import convert_arguments


class Decline(Exception):
    """Not for the fast path: the normal path answers this request."""


class Selections:
    def __init__(self, execution_context: ExecutionContext, document: DocumentNode, variables: VariableValues):
        self.schema = execution_context.schema
        self.types = self.schema._schema.type_map
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = variables

    def collect(self, selection_sets: list[SelectionSetNode], type_name: str) -> dict[str, list[FieldNode]]:
        """Fields by response key, in the order they first appear: graphql-core's CollectFields for object types."""
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()

        def walk(selection_set: SelectionSetNode) -> None:
            for selection in selection_set.selections:
                if not self.included(selection):
                    continue
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    grouped.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    self.same_type(selection.type_condition, type_name)
                    walk(selection.selection_set)
                else:
                    name = selection.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments.get(name)
                    if fragment is None:
                        raise Decline
                    self.same_type(fragment.type_condition, type_name)
                    walk(fragment.selection_set)

        for selection_set in selection_sets:
            walk(selection_set)
        return grouped

    def included(self, node: Any) -> bool:
        for directive in node.directives or ():
            if directive.name.value not in ("include", "skip"):
                raise Decline  # @defer, @stream or anything else: the normal path knows what to do
        if node.directives:
            skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
            if skip is not None and skip["if"] is True:
                return False
            include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
            if include is not None and include["if"] is False:
                return False
        return True

    @staticmethod
    def same_type(condition: NamedTypeNode | None, type_name: str) -> None:
        # Every translatable type is an object type: a fragment on anything else is left to the normal path.
        if condition is not None and condition.name.value != type_name:
            raise Decline

    def arguments(self, type_name: str, name: str, node: FieldNode) -> dict[str, Any]:
        """The field's arguments as its resolver receives them (coerced, defaults applied, inputs converted)."""
        definition = self.types[type_name].fields[name]  # type: ignore[union-attr]
        field = self.schema.get_field_for_type(name, type_name)
        if field is None:
            raise Decline
        try:
            given = get_argument_values(definition, node, self.variables)
        except GraphQLError as error:
            raise Decline from error
        converter = self.schema.schema_converter  # type: ignore[attr-defined]
        return convert_arguments(given, field.arguments, scalar_registry=converter.scalar_registry, config=self.schema.config)
