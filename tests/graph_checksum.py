"""A checksum of the whole graph readers see: every node (labels, properties) and every relationship (its
endpoints' labels and properties, type, properties), independent of element ids and of storage order.

Left out: the import lock (`:ImportLock`, operational state of a running load) and the staging labels of
an unpublished staged load (`Staged*`, invisible to readers and removed by the next load); see
docs/importing.md. `ignore` names properties whose values are replaced by a placeholder (e.g. `updatedAt`,
to compare with a load made at another moment)."""

import hashlib
from typing import Any

from citygraph.graph.database import Database



def _visible(node: str) -> str:
    return f"NOT {node}:ImportLock AND none(label IN labels({node}) WHERE label STARTS WITH 'Staged')"


def _canonical(properties: dict[str, Any], ignore: frozenset[str]) -> str:
    return repr(sorted((key, "*" if key in ignore else value) for key, value in properties.items()))


async def graph_lines(db: Database, ignore: frozenset[str] = frozenset()) -> list[str]:
    """One sorted line per node and per relationship."""
    nodes = await db.run_text(f"MATCH (n) WHERE {_visible('n')} RETURN labels(n) AS labels, properties(n) AS p")
    relationships = await db.run_text(
        f"MATCH (n)-[r]->(m) WHERE {_visible('n')} AND {_visible('m')} "
        "RETURN labels(n) AS a, properties(n) AS ap, type(r) AS type, properties(r) AS p, labels(m) AS b, "
        "properties(m) AS bp"
    )
    lines = [f"({sorted(n['labels'])} {_canonical(n['p'], ignore)})" for n in nodes]
    lines += [
        f"({sorted(r['a'])} {_canonical(r['ap'], ignore)})-[{r['type']} {_canonical(r['p'], ignore)}]->"
        f"({sorted(r['b'])} {_canonical(r['bp'], ignore)})"
        for r in relationships
    ]
    return sorted(lines)


async def graph_checksum(db: Database, ignore: frozenset[str] = frozenset()) -> str:
    digest = hashlib.sha256()
    for line in await graph_lines(db, ignore):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()
