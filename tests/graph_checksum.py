"""A checksum of the whole graph readers see: every node (labels, properties) and every relationship (its
endpoints' labels and properties, type, properties), independent of element ids and of storage order.

Left out: the import lock (`:ImportLock`, operational state of a running load), the graph version
(`:GraphVersion`, moved by every write), the API keys (`:ApiKey`, sign-in, not data) and the staging labels of an unpublished staged load (`Staged*`,
invisible to readers and removed by the next load); see docs/importing.md. `ignore` names properties whose values are replaced by a placeholder (e.g. `updatedAt`,
to compare with the same load made at another moment)."""

import hashlib
from typing import Any

from citygraph.graph.database import Database

HIDDEN = "n:ImportLock OR n:GraphVersion OR n:ApiKey OR any(label IN labels(n) WHERE label STARTS WITH 'Staged')"


def _canonical(properties: dict[str, Any], ignore: frozenset[str]) -> str:
    return repr(sorted((key, "*" if key in ignore else value) for key, value in properties.items()))


async def graph_lines(db: Database, ignore: frozenset[str] = frozenset()) -> list[str]:
    """One sorted line per node and per relationship (two reads, each a single pass)."""
    nodes = await db.run_text(
        f"MATCH (n) WHERE NOT ({HIDDEN}) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS p"
    )
    relationships = await db.run_text(
        "MATCH (a)-[r]->(b) RETURN elementId(a) AS a, type(r) AS type, properties(r) AS p, elementId(b) AS b"
    )
    node = {n["id"]: f"({sorted(n['labels'])} {_canonical(n['p'], ignore)})" for n in nodes}
    lines = list(node.values())
    # A relationship with a hidden end (staging) is hidden too.
    lines += [
        f"{node[r['a']]}-[{r['type']} {_canonical(r['p'], ignore)}]->{node[r['b']]}"
        for r in relationships
        if r["a"] in node and r["b"] in node
    ]
    return sorted(lines)


async def graph_checksum(db: Database, ignore: frozenset[str] = frozenset()) -> str:
    digest = hashlib.sha256()
    for line in await graph_lines(db, ignore):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()
