"""Constraints and indexes, created idempotently (`IF NOT EXISTS`) at start-up and before imports."""

from citygraph.graph.database import Database
from citygraph.queries import cypher


def schema_statements() -> list[str]:
    return [statement.strip() for statement in cypher("schema").split(";") if statement.strip()]


async def migrate(db: Database) -> None:
    for statement in schema_statements():
        # Schema statements cannot share a transaction with each other, hence one call each.
        await db.run_text(statement, write=True)
    await db.run_text("CALL db.awaitIndexes(300)", write=True)
