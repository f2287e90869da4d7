"""Whether an operator's own Cypher statement (`citygraph cypher`) may run: only plain reads of the graph.

A read transaction alone is not enough: Neo4j runs TERMINATE TRANSACTIONS, SHOW TRANSACTIONS, LOAD CSV and
DBMS procedures such as db.clearQueryCaches() in one. So the statement is first planned with EXPLAIN (which
runs nothing) and refused when Neo4j says it is not a read ('r'), or when its plan holds an operator that
reaches beyond the graph: LOAD CSV, a procedure outside ALLOWED_PROCEDURES, an administration, SHOW or
TERMINATE command, or another database (USE). Only then does it run, still in a read transaction.
"""

import re
from collections.abc import Iterator
from typing import Any

import neo4j
from neo4j import RoutingControl
from neo4j.exceptions import Neo4jError

from citygraph.graph.database import Database, Row

# Read-only procedures that describe the graph's schema; nothing else may be CALLed.
ALLOWED_PROCEDURES = frozenset(
    {
        "db.labels",
        "db.relationshipTypes",
        "db.propertyKeys",
        "db.schema.visualization",
        "db.schema.nodeTypeProperties",
        "db.schema.relTypeProperties",
    }
)
# SHOW commands that only describe the schema (the successors of db.indexes/db.constraints); other SHOW
# commands reveal other sessions' queries and parameters, settings, procedures, users.
ALLOWED_SHOW = frozenset({"ShowIndexes", "ShowConstraints"})

EXPLAIN_PREFIX = "EXPLAIN\n"  # on a line of its own, so Neo4j's error positions shift by one line only
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")


class StatementRefused(Exception):
    """The statement is not a plain read; the message says what was found, in one line."""


class StatementFailed(Exception):
    """Neo4j rejected the statement (syntax, unknown function, a failure while reading): its code and the
    first line of its message."""


async def run_read_only(db: Database, text: str, params: dict[str, Any]) -> list[Row]:
    """Plans `text`, refuses it unless it is a plain read of `db`'s database, then runs it read-only."""
    check_plan(await explain(db, text, params), db.connection.database)
    try:
        return await db.run_text(text, params, write=False)
    except Neo4jError as error:
        if error.code == "Neo.ClientError.Statement.AccessMode":  # the read transaction's own refusal
            raise StatementRefused("the statement writes; citygraph cypher runs read queries only") from None
        raise _failed(error, shifted=False) from None


async def explain(db: Database, text: str, params: dict[str, Any]) -> Any:
    """Neo4j's plan summary of `text`, without running it."""
    try:
        result = await db.driver.execute_query(
            neo4j.Query(EXPLAIN_PREFIX + text),  # type: ignore[arg-type]
            params,
            routing_=RoutingControl.READ,
            database_=db.connection.database,
        )
    except Neo4jError as error:
        raise _failed(error, shifted=True) from None
    return result.summary


def check_plan(summary: Any, database: str) -> None:
    """Raises StatementRefused naming the first reason `summary` (an EXPLAIN's) is not a plain read."""
    for operator, details in _operators(summary.plan or {}):
        name, _, on_database = operator.partition("@")
        if name == "AdministrationCommand" or name.startswith("Terminate"):
            raise StatementRefused("administration commands are not allowed: citygraph cypher runs read queries only")
        if on_database and on_database != database:
            raise StatementRefused(
                f"the statement runs on database {on_database!r}; citygraph cypher reads only {database!r}"
            )
        if name == "LoadCSV":
            raise StatementRefused("LOAD CSV is not allowed: citygraph cypher reads the graph only, never files or URLs")
        if name == "ProcedureCall":
            procedure = (details or "").split("(", 1)[0].strip()
            if procedure not in ALLOWED_PROCEDURES:
                allowed = ", ".join(sorted(ALLOWED_PROCEDURES))
                raise StatementRefused(f"procedure {procedure} is not allowed; citygraph cypher may call only {allowed}")
        if name.startswith("Show") and name not in ALLOWED_SHOW:
            command = "SHOW " + re.sub(r"(?<!^)(?=[A-Z])", " ", name[4:]).upper()
            raise StatementRefused(f"{command} is not allowed; of the SHOW commands only SHOW INDEXES and SHOW CONSTRAINTS are")
    query_type = summary.query_type
    if query_type in ("w", "rw"):
        raise StatementRefused("the statement writes to the graph; citygraph cypher runs read queries only")
    if query_type != "r":
        raise StatementRefused(
            "the statement changes the schema or the database system; citygraph cypher runs read queries only"
        )


def _operators(plan: dict[str, Any]) -> Iterator[tuple[str, str | None]]:
    """(operatorType, Details) of every operator of the plan tree, depth first."""
    stack = [plan]
    while stack:
        node = stack.pop()
        if not node:
            continue
        yield node.get("operatorType", ""), (node.get("args") or {}).get("Details")
        stack.extend(reversed(node.get("children") or []))


def _failed(error: Neo4jError, shifted: bool) -> StatementFailed:
    first_line = ((error.message or str(error)).strip().splitlines() or [""])[0]
    if shifted:
        first_line = _unshift_positions(first_line)
    return StatementFailed(f"{error.code}: {first_line}")


def _unshift_positions(message: str) -> str:
    """Neo4j's "(line L, column C (offset: O))" for the statement as the operator wrote it."""

    def fix(match: re.Match[str]) -> str:
        line, column, offset = (int(group) for group in match.groups())
        return f"(line {max(line - 1, 1)}, column {column} (offset: {max(offset - len(EXPLAIN_PREFIX), 0)}))"

    return _POSITION.sub(fix, message)
