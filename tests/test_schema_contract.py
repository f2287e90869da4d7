"""The served schema must contain everything in the API contract (docs/api-contract.graphql, a copy of the
design's contract): every type, field, argument, input field and enum value, with the same types."""

import re
from pathlib import Path

import pytest

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
    build_schema,
    parse,
    validate,
    ast_from_value,
    print_ast,
)

from citygraph.schema.schema import schema

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "api-contract.graphql"


def _default(arg: GraphQLArgument) -> str | None:
    """The argument's default as a GraphQL literal (so enum members and their names compare equal)."""
    if arg.default_value is not Undefined:
        # An explicit null default behaves exactly like no default for a nullable argument.
        literal = ast_from_value(arg.default_value, arg.type)
        return None if literal is None or print_ast(literal) == "null" else print_ast(literal)
    if arg.ast_node is not None and arg.ast_node.default_value is not None:
        return print_ast(arg.ast_node.default_value)
    return None


def _differences(contract_type: GraphQLNamedType, served_type: GraphQLNamedType | None) -> list[str]:
    name = contract_type.name
    if served_type is None:
        return [f"type {name} is missing"]
    if not isinstance(served_type, type(contract_type)):
        return [f"{name} is a {type(served_type).__name__}, the contract says {type(contract_type).__name__}"]
    problems: list[str] = []
    if isinstance(contract_type, GraphQLEnumType):
        assert isinstance(served_type, GraphQLEnumType)
        problems += [f"enum value {name}.{v} is missing" for v in contract_type.values if v not in served_type.values]
    if isinstance(contract_type, GraphQLInputObjectType):
        assert isinstance(served_type, GraphQLInputObjectType)
        for field_name, field in contract_type.fields.items():
            served = served_type.fields.get(field_name)
            if served is None:
                problems.append(f"input field {name}.{field_name} is missing")
            elif str(served.type) != str(field.type):
                problems.append(f"{name}.{field_name} is {served.type}, the contract says {field.type}")
    if isinstance(contract_type, GraphQLObjectType):
        assert isinstance(served_type, GraphQLObjectType)
        for field_name, field in contract_type.fields.items():
            served = served_type.fields.get(field_name)
            if served is None:
                problems.append(f"field {name}.{field_name} is missing")
                continue
            if str(served.type) != str(field.type):
                problems.append(f"{name}.{field_name} is {served.type}, the contract says {field.type}")
            for arg_name, arg in field.args.items():
                served_arg = served.args.get(arg_name)
                if served_arg is None:
                    problems.append(f"argument {name}.{field_name}({arg_name}) is missing")
                elif str(served_arg.type) != str(arg.type):
                    problems.append(f"{name}.{field_name}({arg_name}) is {served_arg.type}, the contract says {arg.type}")
                elif _default(arg) != _default(served_arg):
                    problems.append(
                        f"{name}.{field_name}({arg_name}) defaults to {_default(served_arg)!r}, "
                        f"the contract says {_default(arg)!r}"
                    )
            extra_required = [a for a, v in served.args.items() if a not in field.args and str(v.type).endswith("!")]
            problems += [f"{name}.{field_name} has a required argument {a} the contract lacks" for a in extra_required]
    return problems


def test_served_schema_contains_the_whole_contract():
    contract = build_schema(CONTRACT.read_text())
    served = schema._schema
    problems = []
    for type_name, contract_type in contract.type_map.items():
        if type_name.startswith("__") or (isinstance(contract_type, GraphQLScalarType) and type_name in {"String", "Int", "Float", "Boolean", "ID"}):
            continue
        problems += _differences(contract_type, served.type_map.get(type_name))
    assert problems == []


def test_printed_sdl_parses_back_to_the_same_schema():
    """`citygraph schema` prints this; it must be a complete, valid SDL document."""
    reparsed = build_schema(schema.as_str())
    assert set(reparsed.type_map) == set(schema._schema.type_map)


def _documented_operations() -> list[tuple[str, str]]:
    root = CONTRACT.parents[1]
    found = []
    for path in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for number, block in enumerate(re.findall(r"```graphql\n(.*?)```", path.read_text(), re.S)):
            found.append((f"{path.name}#{number}", block))
    found += [(p.name, p.read_text()) for p in sorted((root / "docs" / "examples").glob("*.graphql"))]
    return found


@pytest.mark.parametrize(("where", "operation"), _documented_operations(), ids=lambda v: v if "\n" not in v else "")
def test_documented_operations_are_valid_against_the_schema(where: str, operation: str):
    """Every GraphQL example in the README, the docs and the saved GraphiQL examples still runs."""
    assert validate(schema._schema, parse(operation)) == []
