"""The graph version: a counter in Neo4j that every write transaction moves, in that transaction.

A response cached under version N is fresh exactly while the graph's version is still N, in every API process
that reads it, because the change and the bump commit (or roll back) together."""

from citygraph.graph.database import Database, WriteTransaction


async def bump(tx: WriteTransaction) -> int:
    """Moves the version inside the caller's write transaction; returns the new version."""
    [row] = await tx.run("graph_version_bump")
    return int(row["version"])


async def current(db: Database) -> int:
    """The committed version (0 before the first write)."""
    rows = await db.read("graph_version_read")
    return int(rows[0]["version"]) if rows else 0
