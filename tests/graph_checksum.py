"""One number for the whole graph, to assert that a refused import changed nothing.

Every node counts with its labels and properties; every relationship with its type, its properties and the
labels and properties of both ends (so ids Neo4j assigns play no part). Timestamps are properties too: a
node rewritten with equal values but a new `updatedAt` changes the checksum."""

import hashlib
from typing import Any

from citygraph.graph.database import Database

_NODES = "MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties"
_RELATIONSHIPS = """MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS properties,
       labels(a) AS fromLabels, properties(a) AS fromProperties, labels(b) AS toLabels, properties(b) AS toProperties"""


def _canonical(value: Any) -> str:
    """A stable text for any value the driver returns (dicts in key order; dates and times by repr)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_canonical(v)}" for k, v in sorted(value.items())) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical(v) for v in value) + "]"
    return f"{type(value).__name__}:{value!r}"


async def graph_checksum(db: Database) -> str:
    """sha256 over the sorted canonical texts of every node and relationship."""
    nodes = [
        _canonical({"labels": sorted(r["labels"]), "properties": r["properties"]}) for r in await db.run_text(_NODES)
    ]
    relationships = [
        _canonical({**r, "fromLabels": sorted(r["fromLabels"]), "toLabels": sorted(r["toLabels"])})
        for r in await db.run_text(_RELATIONSHIPS)
    ]
    digest = hashlib.sha256()
    for text in sorted(nodes) + ["--"] + sorted(relationships):
        digest.update(text.encode("utf-8", "surrogatepass") + b"\n")
    return f"{len(nodes)} nodes, {len(relationships)} relationships, sha256 {digest.hexdigest()[:16]}"
